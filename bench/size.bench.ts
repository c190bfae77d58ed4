/**
 * `pnpm bench size`: bundle sizes. (1) Every file of the browser builds in
 * packages/wampkit/dist/browser (run `pnpm exec tsc -b && pnpm exec rollup -c` first), raw and
 * gzip -9, and what each auth entry loads (entry + static chunk imports). (2) A client doing connect/call/register/publish/subscribe bundled the same way for
 * wampkit (JSON, from the TypeScript sources), wampy and Autobahn|JS: esbuild, browser platform,
 * minified, code-split; initial load = entry + static imports (test-fixtures/bundlers/size.ts).
 * Sizes are deterministic: one build each, no repetitions. Table on stderr, one JSON line on stdout.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../test-fixtures/bundlers/build.js';
import {
  AUTOBAHN_CLIENT,
  measureClient,
  type SizeFigures,
  WAMPKIT_BASIC_CLIENT,
  WAMPKIT_JSON_CLIENT,
  WAMPY_CLIENT,
} from '../test-fixtures/bundlers/size.js';

const BUDGET = 6 * 1024;
const browserDist = join(repoRoot, 'packages', 'wampkit', 'dist', 'browser');

interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

async function distFiles(): Promise<FileSize[]> {
  if (!existsSync(browserDist)) {
    throw new Error(`${browserDist} is missing: run pnpm exec tsc -b && pnpm exec rollup -c`);
  }
  const entries = await readdir(browserDist, { recursive: true, withFileTypes: true });
  const files: FileSize[] = [];
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.js')) continue;
    const path = join(e.parentPath, e.name);
    const bytes = await readFile(path);
    files.push({
      file: relative(browserDist, path),
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
    });
  }
  return files.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * What importing one entry of the browser build fetches before it runs: the entry and every
 * chunk it imports statically (transitively), summed. Lazy chunks (libsodium) are left out.
 */
async function entryLoad(entry: string): Promise<FileSize & { files: string[] }> {
  const seen = new Set<string>();
  const stack = [join(browserDist, entry)];
  let raw = 0;
  let gzip = 0;
  while (stack.length > 0) {
    const path = stack.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const bytes = await readFile(path);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    const text = bytes.toString('utf8');
    for (const m of text.matchAll(/(?:import|export)\s*(?:[^"';(]*?from\s*)?["'](\.[^"']+)["']/g)) {
      stack.push(join(dirname(path), m[1] as string));
    }
  }
  return { file: entry, raw, gzip, files: [...seen].map((p) => relative(browserDist, p)) };
}

/** The auth entries of the ESM browser build (client code only, one per method). */
const AUTH_ENTRIES = ['ticket', 'wampcra', 'scram', 'cryptosign'].map((m) => `auth/${m}.js`);

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const row = (cells: string[], widths: number[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');

const files = await distFiles();
const authLoads = await Promise.all(AUTH_ENTRIES.map(entryLoad));
const clients: Record<string, SizeFigures> = {
  // The budget's subject: the small client, wampkit/basic.
  'wampkit/basic': await measureClient(WAMPKIT_BASIC_CLIENT, { conditions: ['wampkit-source'] }),
  // The full client (Advanced Profile, reconnecting components, every serializer on demand).
  wampkit: await measureClient(WAMPKIT_JSON_CLIENT, { conditions: ['wampkit-source'] }),
  wampy: await measureClient(WAMPY_CLIENT),
  // Autobahn|JS requires Node modules (stream, crypto, ...); they are left out, not polyfilled,
  // so its figure is a lower bound of what a browser app really ships.
  autobahn: await measureClient(AUTOBAHN_CLIENT, { external: [...builtinModules] }),
};

const w = [44, 10, 10];
console.error('wampkit browser builds (packages/wampkit/dist/browser)');
console.error(row(['file', 'raw', 'gzip'], w));
for (const f of files) console.error(row([f.file, kb(f.raw), kb(f.gzip)], w));
console.error('');
console.error('auth entries: entry + static imports (what `import` of it fetches)');
console.error(row(['entry', 'raw', 'gzip'], w));
for (const l of authLoads) console.error(row([l.file, kb(l.raw), kb(l.gzip)], w));
console.error('');
console.error('client doing connect/call/register/publish/subscribe (esbuild, browser, minified)');
console.error(row(['client', 'raw', 'gzip'], w));
for (const [name, c] of Object.entries(clients)) {
  console.error(row([`${name} initial load`, kb(c.raw), kb(c.gzip)], w));
  for (const l of c.lazy) console.error(row([`  lazy ${l.file}`, kb(l.raw), kb(l.gzip)], w));
}
const ours = clients['wampkit/basic'] as SizeFigures;
console.error('');
console.error(
  `budget: wampkit/basic JSON client ${ours.gzip} B gzip vs ${BUDGET} B: ${ours.gzip <= BUDGET ? 'within' : 'OVER'}`,
);
for (const name of ['wampkit/basic', 'wampkit']) {
  console.error(`${name} initial load, minified bytes per module (largest 15):`);
  for (const m of (clients[name] as SizeFigures).modules.slice(0, 15))
    console.error(`  ${String(m.bytes).padStart(6)}  ${m.path}`);
}

console.log(
  JSON.stringify({
    bench: 'size',
    budget: BUDGET,
    withinBudget: ours.gzip <= BUDGET,
    files,
    authEntries: authLoads,
    clients: Object.fromEntries(
      Object.entries(clients).map(([name, c]) => [
        name,
        { raw: c.raw, gzip: c.gzip, lazy: c.lazy },
      ]),
    ),
  }),
);
