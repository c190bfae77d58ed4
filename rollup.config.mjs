/**
 * Bundles, built from the packages' compiled output (`pnpm exec tsc -b` first):
 * - dist/browser/framing.min.js: the framing engine as one ESM file (browser-tests/framing.spec.ts).
 * - packages/wampkit/dist/browser/wampkit.js: ESM for browsers, code-split: every serializer that
 *   `connect()` loads by dynamic import is a chunk of its own, fetched only when asked for, and
 *   each auth method is an entry of its own (auth/ticket.js, ...: client code only, from
 *   @wampkit/auth/client/<method>; libsodium a lazy chunk).
 * - packages/wampkit/dist/browser/wampkit.min.js: IIFE for a plain `<script>` tag, global `wampkit`
 *   with every client auth method under `wampkit.auth` (one file, every serializer but FlatBuffers
 *   inlined: a script tag cannot load ESM chunks; libsodium left out, see packages/auth/src/internal/
 *   sodium-import-none.ts).
 * - packages/wampkit/dist/browser/basic.js and wampkit-basic.min.js (global `wampkitBasic`): the
 *   small Basic Profile client of `wampkit/basic`, ESM and script tag.
 * - packages/wampkit/dist/node/wampkit.js: ESM for Node, self-contained (only Node built-ins and
 *   the optional peer `ws` stay imports), code-split the same way.
 * Each entry gets a source map and a .d.ts next to it (the build fails otherwise), and every
 * browser build fails on a Node built-in.
 *
 * To add an entry (e.g. `wampkit/basic`): one line in `wampkitEntries` (ESM builds, browser and
 * Node) and, if it is a package export, one in packages/wampkit/package.json.
 */
import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

// Resolve packages the way a browser bundler does: never the `node` condition.
const browserResolve = () =>
  nodeResolve({
    browser: true,
    exportConditions: ['browser', 'import', 'default'],
    preferBuiltins: false,
  });

/** A Node built-in reaching a browser bundle is a bug: fail the build instead of shimming it. */
const nodeCoreNames = new Set(builtinModules);
const isNodeCore = (id) => id.startsWith('node:') || nodeCoreNames.has(id.split('/')[0]);
const noNodeBuiltins = {
  name: 'no-node-builtins',
  resolveId(source, importer) {
    if (isNodeCore(source)) throw new Error(`browser bundle imports ${source} (from ${importer})`);
    return null;
  },
};

/** Writes `<file>.d.ts` with the given text next to a bundle (types for every entry). */
const declaration = (fileName, source) => ({
  name: 'declaration',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName, source });
  },
});

/** Fails the build when an entry has no source map or no `.d.ts` next to it. */
const requireTypesAndMaps = {
  name: 'require-types-and-maps',
  generateBundle(options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk' || !chunk.isEntry) continue;
      const types = chunk.fileName.replace(/\.js$/, '.d.ts');
      if (!options.sourcemap) this.error(`${chunk.fileName}: no source map`);
      if (!(types in bundle)) this.error(`${chunk.fileName}: no ${types} next to it`);
    }
  },
};

/** An entry whose code is `source` (ids starting with \0 are left alone by other plugins). */
const virtualEntries = (modules) => ({
  name: 'virtual-entries',
  resolveId: (id) => (id in modules ? `\0${id}` : null),
  load: (id) => (id.startsWith('\0') && id.slice(1) in modules ? modules[id.slice(1)] : null),
});

// `module: false` for the script-tag build: its top-level `var wampkit` is the whole point.
const minify = (module = true) =>
  terser({ ecma: 2022, module, compress: { passes: 2 }, format: { comments: false } });

const wampkitDist = 'packages/wampkit/dist';
const authDist = 'packages/auth/dist';
const AUTH_METHODS = ['ticket', 'wampcra', 'scram', 'cryptosign'];

/**
 * The ESM builds' entries: output name -> compiled module and what its `.d.ts` re-exports
 * (relative to the output folder, dist/browser or dist/node). Auth entries are client-only.
 */
const wampkitEntries = {
  wampkit: { input: `${wampkitDist}/index.js`, types: '../index.js' },
  ...Object.fromEntries(
    AUTH_METHODS.map((m) => [
      `auth/${m}`,
      { input: `${authDist}/client/${m}.js`, types: `@wampkit/auth/client/${m}` },
    ]),
  ),
};
const esmInputs = Object.fromEntries(
  Object.entries(wampkitEntries).map(([name, e]) => [name, e.input]),
);
const reexport = (from) => `export * from '${from}';\n`;
const declarations = () =>
  Object.entries(wampkitEntries).map(([name, e]) => declaration(`${name}.d.ts`, reexport(e.types)));

/** The script-tag build: everything `wampkit` exports, plus the client auth helpers as `auth`. */
const scriptTag = {
  'wampkit-script-tag': `${reexport(resolve(wampkitDist, 'index.js'))}export * as auth from '${resolve(authDist, 'client/index.js')}';\n`,
};
const scriptTagTypes = `${reexport('../index.js')}export * as auth from '@wampkit/auth/client';\nexport as namespace wampkit;\n`;
/** Script tags cannot fetch libsodium on demand: the page supplies it (wampkit.auth.useLibsodium). */
const noLibsodiumImport = {
  name: 'no-libsodium-import',
  async resolveId(source, importer, options) {
    if (source.startsWith('libsodium'))
      this.error(`script-tag build imports ${source} (${importer})`);
    if (!source.endsWith('/sodium-import.js')) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved?.id.replace(/sodium-import\.js$/, 'sodium-import-none.js') ?? null;
  },
};

/** The script-tag build has no FlatBuffers (115 KB raw): loadSerializer reports it as missing. */
const noFlatbuffers = {
  name: 'no-flatbuffers',
  resolveId: (id) => (id === '@wampkit/serializers/flatbuffers' ? '\0no-flatbuffers' : null),
  load: (id) =>
    id === '\0no-flatbuffers' ? 'export const flatbuffersSerializer = undefined;\n' : null,
};

// Chunk names carry content hashes: start from empty folders so stale chunks never ship (these
// folders hold rollup output only; tsc writes dist/*.js, dist/auth, dist/cli, dist/transports).
for (const dir of ['browser', 'node'])
  rmSync(`${wampkitDist}/${dir}`, { recursive: true, force: true });

export default [
  {
    input: 'packages/framing/dist/index.js',
    output: {
      file: 'dist/browser/framing.min.js',
      format: 'es',
      sourcemap: true,
      plugins: [terser()],
    },
    plugins: [
      noNodeBuiltins,
      browserResolve(),
      declaration('framing.min.d.ts', reexport('../../packages/framing/dist/index.js')),
      requireTypesAndMaps,
    ],
  },
  {
    input: esmInputs,
    // Shared code stays in the entry (no extra chunk the page must fetch before it can start).
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: `${wampkitDist}/browser`,
      format: 'es',
      sourcemap: true,
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      plugins: [minify()],
    },
    plugins: [noNodeBuiltins, browserResolve(), commonjs(), ...declarations(), requireTypesAndMaps],
  },
  {
    input: 'wampkit-script-tag',
    output: {
      file: `${wampkitDist}/browser/wampkit.min.js`,
      format: 'iife',
      name: 'wampkit',
      sourcemap: true,
      inlineDynamicImports: true,
      plugins: [minify(false)],
    },
    plugins: [
      virtualEntries(scriptTag),
      noNodeBuiltins,
      noLibsodiumImport,
      noFlatbuffers,
      browserResolve(),
      commonjs(),
      // A UMD-style global declaration: `wampkit.connect(...)` in a script-tag page.
      declaration('wampkit.min.d.ts', scriptTagTypes),
      requireTypesAndMaps,
    ],
  },
  // wampkit/basic, the small client: builds of their own (sharing chunks with the umbrella would
  // make its page load them). ESM: basic.js (JSON) with basic/msgpack.js, basic/cbor.js and
  // basic/auth.js as entries loaded only when imported; script tag: JSON only, global `wampkitBasic`.
  {
    input: Object.fromEntries(
      ['index', 'msgpack', 'cbor', 'auth'].map((n) => [
        n === 'index' ? 'basic' : `basic/${n}`,
        `${wampkitDist}/basic/${n}.js`,
      ]),
    ),
    output: {
      dir: `${wampkitDist}/browser`,
      format: 'es',
      sourcemap: true,
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/basic-[name]-[hash].js',
      plugins: [minify()],
    },
    plugins: [
      noNodeBuiltins,
      browserResolve(),
      declaration('basic.d.ts', reexport('../basic/index.js')),
      declaration('basic/msgpack.d.ts', reexport('../../basic/msgpack.js')),
      declaration('basic/cbor.d.ts', reexport('../../basic/cbor.js')),
      declaration('basic/auth.d.ts', reexport('../../basic/auth.js')),
      requireTypesAndMaps,
    ],
  },
  {
    input: `${wampkitDist}/basic/index.js`,
    output: {
      file: `${wampkitDist}/browser/wampkit-basic.min.js`,
      format: 'iife',
      name: 'wampkitBasic',
      sourcemap: true,
      plugins: [minify(false)],
    },
    plugins: [
      noNodeBuiltins,
      browserResolve(),
      declaration(
        'wampkit-basic.min.d.ts',
        `${reexport('../basic/index.js')}export as namespace wampkitBasic;\n`,
      ),
      requireTypesAndMaps,
    ],
  },
  {
    input: esmInputs,
    preserveEntrySignatures: 'allow-extension',
    // `ws` is an optional peer dependency of @wampkit/session: the application installs it.
    external: (id) => isNodeCore(id) || id === 'ws',
    output: {
      dir: `${wampkitDist}/node`,
      format: 'es',
      sourcemap: true,
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
    },
    plugins: [
      nodeResolve({ exportConditions: ['node', 'import', 'default'], preferBuiltins: true }),
      commonjs(),
      ...declarations(),
      requireTypesAndMaps,
    ],
  },
];
