/**
 * Bundles, built from the packages' compiled output (`pnpm exec tsc -b` first):
 * - dist/browser/framing.min.js: the framing engine as one ESM file (browser-tests/framing.spec.ts).
 * - packages/wampkit/dist/browser/wampkit.js: ESM for browsers, code-split: every serializer that
 *   `connect()` loads by dynamic import is a chunk of its own, fetched only when asked for, and
 *   each auth method is an entry of its own (auth/ticket.js, ...; libsodium a lazy chunk).
 * - packages/wampkit/dist/browser/wampkit.min.js: IIFE for a plain `<script>` tag, global `wampkit`
 *   (one file, every serializer inlined: a script tag cannot load ESM chunks).
 * - packages/wampkit/dist/node/wampkit.js: ESM for Node, self-contained (only Node built-ins and
 *   the optional peer `ws` stay imports), code-split the same way.
 * Each bundle has a source map and a .d.ts next to it.
 */
import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
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
const noNodeBuiltins = {
  name: 'no-node-builtins',
  resolveId(source, importer) {
    if (source.startsWith('node:') || nodeCoreNames.has(source.split('/')[0])) {
      throw new Error(`browser bundle imports ${source} (from ${importer})`);
    }
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

const wampkitTypes = "export * from '../index.js';\n";
const authTypes = (m) => `export * from '@wampkit/auth/${m}';\n`;
const declarations = () => [
  declaration('wampkit.d.ts', wampkitTypes),
  ...['ticket', 'wampcra', 'scram', 'cryptosign'].map((m) =>
    declaration(`auth/${m}.d.ts`, authTypes(m)),
  ),
];
// `module: false` for the script-tag build: its top-level `var wampkit` is the whole point.
const minify = (module = true) =>
  terser({ ecma: 2022, module, compress: { passes: 2 }, format: { comments: false } });
const wampkitDist = 'packages/wampkit/dist';
/** The ESM builds' entries: the umbrella and one per auth method (@wampkit/auth subpaths). */
const esmInputs = {
  wampkit: `${wampkitDist}/index.js`,
  ...Object.fromEntries(
    ['ticket', 'wampcra', 'scram', 'cryptosign'].map((m) => [
      `auth/${m}`,
      `packages/auth/dist/${m}.js`,
    ]),
  ),
};

// Chunk names carry content hashes: start from empty folders so stale chunks never ship.
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
    plugins: [noNodeBuiltins, browserResolve()],
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
    plugins: [noNodeBuiltins, browserResolve(), commonjs(), ...declarations()],
  },
  {
    input: `${wampkitDist}/index.js`,
    output: {
      file: `${wampkitDist}/browser/wampkit.min.js`,
      format: 'iife',
      name: 'wampkit',
      sourcemap: true,
      inlineDynamicImports: true,
      plugins: [minify(false)],
    },
    plugins: [
      noNodeBuiltins,
      browserResolve(),
      commonjs(),
      // A UMD-style global declaration: `wampkit.connect(...)` in a script-tag page.
      declaration('wampkit.min.d.ts', `${wampkitTypes}export as namespace wampkit;\n`),
    ],
  },
  {
    input: esmInputs,
    preserveEntrySignatures: 'allow-extension',
    // `ws` is an optional peer dependency of @wampkit/session: the application installs it.
    external: (id) => id.startsWith('node:') || nodeCoreNames.has(id) || id === 'ws',
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
    ],
  },
];
