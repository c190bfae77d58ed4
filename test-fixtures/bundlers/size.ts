/**
 * Bundle size of a browser client, measured one way for wampkit and its peers: esbuild bundles a
 * tiny entry (connect, call, register, publish, subscribe) for the browser platform, minified,
 * ESM with code splitting; the size is what a page must load before it can start, i.e. the
 * entry chunk plus every chunk it imports statically (dynamic-import chunks, such as the binary
 * serializers, are loaded only when used and are listed apart). gzip at level 9.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { repoRoot } from './build.js';

/** The JSON-only client on the full `wampkit` (Advanced Profile, reconnecting, every transport). */
export const WAMPKIT_JSON_CLIENT = `
import { connect } from 'wampkit';
const session = await connect({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1' });
await session.register('com.example.add', (inv) => inv.args[0] + inv.args[1]);
await session.subscribe('com.example.topic', (event) => console.log(event.args));
await session.publish('com.example.topic', ['hello']);
console.log((await session.call('com.example.add', [2, 3])).args);
`;

/** The same client on the small Basic Profile client, `wampkit/basic` (the size budget's subject). */
export const WAMPKIT_BASIC_CLIENT = WAMPKIT_JSON_CLIENT.replace(
  "from 'wampkit'",
  "from 'wampkit/basic'",
);

/** The same operations with wampy (JSON serializer, its default). */
export const WAMPY_CLIENT = `
import { Wampy } from 'wampy';
const wampy = new Wampy('ws://127.0.0.1:8080/ws', { realm: 'realm1' });
await wampy.connect();
await wampy.register('com.example.add', ({ argsList }) => ({ argsList: [argsList[0] + argsList[1]] }));
await wampy.subscribe('com.example.topic', (event) => console.log(event.argsList));
await wampy.publish('com.example.topic', ['hello']);
console.log((await wampy.call('com.example.add', [2, 3])).argsList);
`;

/** The same operations with Autobahn|JS (JSON serializer, its default). */
export const AUTOBAHN_CLIENT = `
import autobahn from 'autobahn';
const connection = new autobahn.Connection({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1' });
connection.onopen = async (session) => {
  await session.register('com.example.add', (args) => args[0] + args[1]);
  await session.subscribe('com.example.topic', (args) => console.log(args));
  await session.publish('com.example.topic', ['hello']);
  console.log(await session.call('com.example.add', [2, 3]));
};
connection.open();
`;

export interface SizeFigures {
  /** Minified bytes of the entry and its static imports. */
  raw: number;
  /** The same, gzip -9, file by file (as a browser downloads them). */
  gzip: number;
  /** Chunks loaded only by dynamic import, each with the chunks it alone brings along. */
  lazy: { file: string; raw: number; gzip: number }[];
  /** Minified bytes per input module in the initial load, largest first. */
  modules: { path: string; bytes: number }[];
}

export interface MeasureOptions {
  /** Extra export conditions (`wampkit-source` measures the TypeScript sources). */
  conditions?: string[];
  /** Module names left out of the bundle (imports kept as they are). */
  external?: string[];
}

/**
 * Bundles `source` (an ES module importing packages by name) and measures it. It runs in a
 * scratch folder under the repository's node_modules, so peers resolve from there and `wampkit`
 * from a link to packages/wampkit.
 */
export async function measureClient(
  source: string,
  options: MeasureOptions = {},
): Promise<SizeFigures> {
  const project = await mkdtemp(join(repoRoot, 'node_modules', '.wampkit-size-'));
  try {
    await mkdir(join(project, 'node_modules'));
    await symlink(
      join(repoRoot, 'packages', 'wampkit'),
      join(project, 'node_modules', 'wampkit'),
      'dir',
    );
    const entry = join(project, 'entry.js');
    await writeFile(entry, source);
    const outdir = join(project, 'out');
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: options.conditions ?? [],
      outdir,
      metafile: true,
      absWorkingDir: project,
      logLevel: 'silent',
      // Autobahn|JS requires Node modules (stream, crypto, ...) that a browser build must shim;
      // they are left out of every measurement rather than counted with some polyfill.
      external: options.external ?? [],
    });
    return await figures(result.metafile, project, outdir);
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}

async function figures(meta: Metafile, cwd: string, outdir: string): Promise<SizeFigures> {
  const outputs = meta.outputs;
  const entryKey = Object.keys(outputs).find((k) => outputs[k]?.entryPoint !== undefined);
  if (entryKey === undefined) throw new Error('esbuild produced no entry chunk');
  const initial = new Set<string>();
  const lazy = new Set<string>();
  const visit = (key: string) => {
    if (initial.has(key)) return;
    initial.add(key);
    for (const imp of outputs[key]?.imports ?? []) {
      if (imp.external) continue;
      if (imp.kind === 'dynamic-import') lazy.add(imp.path);
      else visit(imp.path);
    }
  };
  visit(entryKey);
  const sizeOf = async (key: string) => {
    const bytes = await readFile(join(cwd, key));
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  let raw = 0;
  let gzip = 0;
  const modules = new Map<string, number>();
  for (const key of initial) {
    const s = await sizeOf(key);
    raw += s.raw;
    gzip += s.gzip;
    for (const [path, input] of Object.entries(outputs[key]?.inputs ?? {})) {
      modules.set(path, (modules.get(path) ?? 0) + input.bytesInOutput);
    }
  }
  // A lazy chunk's cost: it and the chunks it imports statically that the initial load lacks.
  const lazyFigures = [];
  for (const key of [...lazy].filter((k) => !initial.has(k)).sort()) {
    const closure = new Set<string>();
    const add = (k: string) => {
      if (closure.has(k) || initial.has(k)) return;
      closure.add(k);
      for (const imp of outputs[k]?.imports ?? []) {
        if (!imp.external && imp.kind !== 'dynamic-import') add(imp.path);
      }
    };
    add(key);
    let lazyRaw = 0;
    let lazyGzip = 0;
    for (const k of closure) {
      const s = await sizeOf(k);
      lazyRaw += s.raw;
      lazyGzip += s.gzip;
    }
    lazyFigures.push({ file: relative(outdir, join(cwd, key)), raw: lazyRaw, gzip: lazyGzip });
  }
  return {
    raw,
    gzip,
    lazy: lazyFigures,
    modules: [...modules]
      .map(([path, bytes]) => ({ path: shortPath(path), bytes }))
      .filter((m) => m.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/** `../../packages/session/src/x.ts` -> `session/src/x.ts`; node_modules paths from the package. */
function shortPath(path: string): string {
  const pkg = path.lastIndexOf('packages/');
  if (pkg >= 0) return path.slice(pkg + 'packages/'.length);
  const nm = path.lastIndexOf('node_modules/');
  return nm >= 0 ? path.slice(nm + 'node_modules/'.length) : path;
}
