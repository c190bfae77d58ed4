/**
 * Browser bundles, built from the packages' compiled output (`pnpm build` first).
 * Today: the framing engine as one ESM file for the Playwright tests in browser-tests/.
 * The `wampkit` umbrella's ESM and script-tag builds join here with the session package.
 */
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

// Resolve packages the way a browser bundler does: never the `node` condition.
const resolve = () =>
  nodeResolve({
    browser: true,
    exportConditions: ['browser', 'import', 'default'],
    preferBuiltins: false,
  });

/** A Node built-in reaching a browser bundle is a bug: fail the build instead of shimming it. */
const noNodeBuiltins = {
  name: 'no-node-builtins',
  resolveId(source, importer) {
    if (source.startsWith('node:')) {
      throw new Error(`browser bundle imports ${source} (from ${importer})`);
    }
    return null;
  },
};

export default [
  {
    input: 'packages/framing/dist/index.js',
    output: {
      file: 'dist/browser/framing.min.js',
      format: 'es',
      sourcemap: true,
      plugins: [terser()],
    },
    plugins: [noNodeBuiltins, resolve()],
  },
];
