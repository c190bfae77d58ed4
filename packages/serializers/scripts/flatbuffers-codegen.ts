/**
 * Generates the TypeScript FlatBuffers code for the WAMP schema with Debian's `flatc`
 * (package flatbuffers-compiler). flatc writes extension-less relative imports; NodeNext ESM
 * needs `.js`, so each relative import gets `.js` appended. Nothing else is changed, so the
 * committed output can be regenerated and compared byte for byte (test/flatbuffers-codegen.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const packageDir = resolve(here, '..');
export const schemaDir = resolve(packageDir, '../../../shared/wamp-spec/flatbuffers');
export const generatedDir = join(packageDir, 'src/flatbuffers/generated');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

function addJsExtensions(source: string): string {
  return source.replace(
    /(from\s+')(\.{1,2}\/[^']+?)(')/g,
    (_m, a: string, path: string, b: string) =>
      path.endsWith('.js') ? `${a}${path}${b}` : `${a}${path}.js${b}`,
  );
}

/** Runs flatc and returns the files it generates (relative path -> content), post-processed. */
export function generateFlatbuffersCode(): Map<string, string> {
  const tmp = mkdtempSync(join(tmpdir(), 'wampkit-flatc-'));
  try {
    execFileSync('flatc', ['--ts', '--gen-all', '-o', tmp, join(schemaDir, 'wamp.fbs')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const files = new Map<string, string>();
    for (const file of listFiles(tmp)) {
      files.set(relative(tmp, file), addJsExtensions(readFileSync(file, 'utf8')));
    }
    return files;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The committed generated files (relative path -> content). */
export function readCommittedCode(): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of listFiles(generatedDir)) {
    files.set(relative(generatedDir, file), readFileSync(file, 'utf8'));
  }
  return files;
}
