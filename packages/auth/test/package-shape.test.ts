/**
 * Bundle hygiene: browser code (src/ outside node/) imports no Node built-ins, libsodium is only
 * reached through dynamic import(), and every subpath export points at an existing source file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

const staticImports = (text: string) =>
  [...text.matchAll(/^\s*(?:import|export)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);

describe('@wampkit/auth package shape', () => {
  const browserFiles = sources(src).filter((f) => !relative(src, f).startsWith('node'));

  it('has browser sources to check', () => {
    expect(browserFiles.length).toBeGreaterThan(8);
  });

  it.each(
    browserFiles.map((f) => [relative(src, f), f]),
  )('%s imports no Node built-in and no libsodium statically', (_n, file) => {
    const text = readFileSync(file, 'utf8');
    for (const spec of staticImports(text)) {
      expect(spec.startsWith('node:'), spec).toBe(false);
      expect(spec.startsWith('libsodium'), spec).toBe(false);
      expect(
        spec.startsWith('.') || spec.startsWith('libsodium'),
        `unexpected dependency ${spec}`,
      ).toBe(true);
    }
    expect(text).not.toMatch(/\brequire\(/);
  });

  it('exports one subpath per method, each with an existing source', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, { 'wampkit-source': string }>;
    };
    expect(Object.keys(pkg.exports).sort()).toEqual([
      '.',
      './cryptosign',
      './node',
      './scram',
      './ticket',
      './wampcra',
    ]);
    for (const entry of Object.values(pkg.exports)) {
      expect(() => readFileSync(join(root, entry['wampkit-source']))).not.toThrow();
    }
  });
});
