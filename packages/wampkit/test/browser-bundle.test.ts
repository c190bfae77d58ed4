/**
 * No Node built-in or polyfill reaches a browser bundle (DESIGN.md "Users and how they load it"):
 * everything a page can import from wampkit (the umbrella, the small client wampkit/basic, every
 * serializer, every auth method, and what they load lazily) is bundled for the browser platform by esbuild (TypeScript sources)
 * and by rollup (compiled dist/, so `pnpm exec tsc -b` first), and any `node:` or Node-core
 * import fails the build. The browser bundle uses the native WebSocket, so the framing engine
 * (and its WASM accelerator) is not in it.
 */
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { describe, expect, it } from 'vitest';

const packages = join(import.meta.dirname, '..', '..');
const SERIALIZERS = ['json', 'msgpack', 'cbor', 'ubjson', 'flatbuffers'];
const AUTH_METHODS = ['ticket', 'wampcra', 'scram', 'cryptosign'];

/** Every module a page may import; `dist` picks compiled files instead of sources. */
function pageEntry(dist: boolean): string {
  const file = (pkg: string, name: string) =>
    JSON.stringify(join(packages, pkg, dist ? 'dist' : 'src', `${name}.${dist ? 'js' : 'ts'}`));
  return [
    `export * as wampkit from ${file('wampkit', 'index')};`,
    ...SERIALIZERS.map((s) => `export * as ${s} from ${file('serializers', s)};`),
    `export * as auth from ${file('auth', 'index')};`,
    ...AUTH_METHODS.map((m) => `export * as ${m} from ${file('auth', m)};`),
    `export * as authClient from ${file('auth', 'client/index')};`,
    `export * as basic from ${file('session', 'basic/index')};`,
    `export * as basicMsgpack from ${file('session', 'basic/msgpack')};`,
    `export * as basicCbor from ${file('session', 'basic/cbor')};`,
  ].join('\n');
}

const nodeCore = new Set(builtinModules);
const isNodeCore = (id: string) => id.startsWith('node:') || nodeCore.has(id.split('/')[0] ?? id);

/** The import chain that reached a Node built-in, for the failure message. */
function offence(id: string, importer: string | undefined): string {
  return `${id} imported by ${importer ?? '(entry)'}`;
}

describe('browser bundles carry no Node built-ins', () => {
  it('esbuild, platform browser, from the TypeScript sources', async () => {
    // esbuild fails on a built-in it cannot resolve, except a `require()` inside `try`, which it
    // leaves in place as an external: those are read from the metafile. A built-in the package's
    // own "browser" field maps to `false` (libsodium's guarded require("crypto")) becomes an
    // empty module: no Node code, no polyfill.
    const result = await build({
      stdin: { contents: pageEntry(false), resolveDir: packages, loader: 'ts' },
      bundle: true,
      write: false,
      splitting: true,
      format: 'esm',
      outdir: '/out',
      platform: 'browser',
      conditions: ['wampkit-source'],
      metafile: true,
      logLevel: 'silent',
    });
    const found = Object.entries(result.metafile.inputs).flatMap(([file, input]) =>
      input.imports
        .filter((i) => i.external && isNodeCore(i.path))
        .map((i) => offence(i.path, file)),
    );
    expect(found).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    // Browser transport, not the RFC 6455 engine (the page has a native WebSocket).
    expect(inputs.some((p) => p.includes('transports/websocket-browser'))).toBe(true);
    expect(inputs.filter((p) => p.includes('packages/framing/'))).toEqual([]);
    expect(inputs.filter((p) => p.includes('transport-rawsocket/'))).toEqual([]);
    const text = result.outputFiles.map((f) => f.text).join('\n');
    expect(text).not.toContain('258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
  });

  it('rollup with node-resolve (browser), from the compiled dist/', async () => {
    const found: string[] = [];
    const bundle = await rollup({
      input: 'page-entry',
      onwarn: () => {},
      plugins: [
        {
          name: 'entry',
          resolveId: (id) => (id === 'page-entry' ? id : null),
          load: (id) => (id === 'page-entry' ? pageEntry(true) : null),
        },
        // After node-resolve: what a package's "browser" field maps to `false` is an empty module
        // by then; any other built-in reaches this hook.
        nodeResolve({ browser: true, preferBuiltins: false }),
        {
          name: 'no-node-builtins',
          resolveId(id, importer) {
            if (isNodeCore(id)) found.push(offence(id, importer));
            return null;
          },
        },
      ],
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    expect(found).toEqual([]);
    const modules = output.flatMap((c) => (c.type === 'chunk' ? Object.keys(c.modules) : []));
    expect(modules.some((p) => p.includes('transports/websocket-browser'))).toBe(true);
    expect(modules.filter((p) => p.includes('packages/framing/'))).toEqual([]);
    for (const chunk of output) {
      if (chunk.type !== 'chunk') continue;
      expect(chunk.imports.filter(isNodeCore)).toEqual([]);
      expect(chunk.dynamicImports.filter(isNodeCore)).toEqual([]);
    }
  });
});
