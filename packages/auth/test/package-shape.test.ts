/**
 * Bundle hygiene: browser code (src/ outside node/) imports no Node built-ins, libsodium is only
 * reached through dynamic import(), every subpath export points at an existing source file, and
 * the client entries (src/client/, what browser bundles ship) reach no router-side module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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
      './client',
      './client/cryptosign',
      './client/scram',
      './client/ticket',
      './client/wampcra',
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

  it('client entries reach no router-side module through static imports', () => {
    const routerSide = (file: string) => {
      const rel = relative(src, file);
      return (
        rel.startsWith('router/') ||
        ['internal/server.ts', 'negotiate.ts', 'router-adapter.ts'].includes(rel)
      );
    };
    const entries = readdirSync(join(src, 'client')).map((f) => join(src, 'client', f));
    expect(entries.length).toBeGreaterThanOrEqual(5);
    const seen = new Set<string>();
    const stack = [...entries];
    while (stack.length > 0) {
      const file = stack.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of staticImports(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      }
    }
    expect([...seen].filter(routerSide).map((f) => relative(src, f))).toEqual([]);
    // The walk did follow imports into the shared code.
    expect(seen.has(join(src, 'internal', 'scram.ts'))).toBe(true);
  });
});
