/**
 * How the accelerator is chosen: SIMD128 feature detection, the integrity of the inlined module,
 * per-operation dispatch by payload size, the kill switches (option and environment variable),
 * the reported active paths, and the fallback to the JS path whenever WebAssembly fails.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsAccelerator, selectAccelerator } from '../src/accel/accelerator.js';
import { loadWasmKernel, type WasmKernel, wasmSimdSupported } from '../src/accel/wasm.js';
import {
  createWasmAccelerator,
  WASM_MASK_MIN_BYTES,
  WASM_UTF8_MIN_BYTES,
} from '../src/accel/wasm-accelerator.js';
import {
  wasmModuleBase64,
  wasmModuleSha256,
  wasmModuleSize,
} from '../src/accel/wasm-module.generated.js';
import {
  BUFFERUTIL_MASK_MIN_BYTES,
  createNodeAccelerator,
  NODE_UTF8_MIN_BYTES,
} from '../src/node/accelerator.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('the inlined module', () => {
  const bytes = Buffer.from(wasmModuleBase64, 'base64');

  it('is the module the header describes (size, SHA-256)', () => {
    expect(bytes.length).toBe(wasmModuleSize);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(wasmModuleSha256);
    expect(bytes.length).toBeLessThan(4096); // synchronous compilation stays allowed in browsers
  });

  it('imports only its memory and exports the three kernels', () => {
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([
      { module: 'env', name: 'memory', kind: 'memory' },
    ]);
    const names = WebAssembly.Module.exports(module).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['mask', 'utf8_stream', 'utf8_valid']));
  });

  it('the SIMD128 probe validates in Node 20', () => {
    expect(wasmSimdSupported()).toBe(true);
  });
});

describe('runtime-neutral selection', () => {
  it('selects WASM where SIMD128 works, and says so', () => {
    const acc = selectAccelerator();
    expect(acc.paths).toEqual({ mask: 'wasm', utf8: 'wasm' });
    expect(acc.name).toBe(`wasm(mask>=${WASM_MASK_MIN_BYTES},utf8>=${WASM_UTF8_MIN_BYTES})+js`);
  });

  it('the kill switch option keeps the JS path', () => {
    expect(selectAccelerator({ wasm: false })).toBe(jsAccelerator);
    expect(jsAccelerator.paths).toEqual({ mask: 'js', utf8: 'js' });
  });

  it('dispatches each operation by payload size', () => {
    const calls: string[] = [];
    const fake = {
      mask: (...a: unknown[]) => calls.push(`mask ${a[6]}`),
      isUtf8: (_b: Uint8Array, s: number, e: number) => {
        calls.push(`utf8 ${e - s}`);
        return true;
      },
      utf8Stream: (_b: Uint8Array, s: number, e: number) => {
        calls.push(`stream ${e - s}`);
        return 0;
      },
    } as unknown as WasmKernel;
    const acc = createWasmAccelerator(fake);
    const buf = new Uint8Array(1000).fill(0x41);
    const key = new Uint8Array(4);
    acc.mask(buf, 0, key, 0, buf, 0, WASM_MASK_MIN_BYTES - 1);
    acc.mask(buf, 0, key, 0, buf, 0, WASM_MASK_MIN_BYTES);
    expect(acc.isUtf8(buf, 0, WASM_UTF8_MIN_BYTES - 1)).toBe(true);
    expect(acc.isUtf8(buf, 0, WASM_UTF8_MIN_BYTES)).toBe(true);
    const v = acc.createUtf8Validator();
    expect(v.update(buf, 0, WASM_UTF8_MIN_BYTES - 1)).toBe(true);
    expect(v.update(buf, 0, WASM_UTF8_MIN_BYTES)).toBe(true);
    expect(v.finish()).toBe(true);
    expect(calls).toEqual([
      `mask ${WASM_MASK_MIN_BYTES}`,
      `utf8 ${WASM_UTF8_MIN_BYTES}`,
      `stream ${WASM_UTF8_MIN_BYTES}`,
    ]);
  });

  it('getAccelerator() picks WASM lazily on first use', async () => {
    const fresh = await import('../src/accel/accelerator.js');
    expect(fresh.getAccelerator().paths?.mask).toBe('wasm');
    fresh.setAccelerator(fresh.jsAccelerator);
    expect(fresh.getAccelerator()).toBe(fresh.jsAccelerator);
  });

  it('without SIMD128 (probe fails) everything stays on the JS path', async () => {
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const wasm = await import('../src/accel/wasm.js');
    const fresh = await import('../src/accel/accelerator.js');
    expect(wasm.wasmSimdSupported()).toBe(false);
    expect(wasm.loadWasmKernel()).toBeNull();
    expect(await wasm.loadWasmKernelAsync()).toBeNull();
    expect(fresh.selectAccelerator()).toBe(fresh.jsAccelerator);
    expect(fresh.getAccelerator().name).toBe('js');
    expect(validate).toHaveBeenCalled();
  });

  it('if synchronous compilation is refused, JS serves until the async load upgrades it', async () => {
    const original = WebAssembly.Module;
    const refuse = function Module() {
      throw new RangeError('WebAssembly.Module is disallowed on the main thread');
    };
    Object.defineProperty(WebAssembly, 'Module', {
      value: refuse,
      configurable: true,
      writable: true,
    });
    try {
      const wasm = await import('../src/accel/wasm.js');
      const fresh = await import('../src/accel/accelerator.js');
      expect(fresh.getAccelerator()).toBe(fresh.jsAccelerator);
      const kernel = await wasm.loadWasmKernelAsync();
      expect(kernel).not.toBeNull();
      expect(fresh.getAccelerator().paths?.mask).toBe('wasm');
      expect(fresh.getAccelerator().isUtf8(new Uint8Array(64).fill(0xc3), 0, 64)).toBe(false);
    } finally {
      Object.defineProperty(WebAssembly, 'Module', {
        value: original,
        configurable: true,
        writable: true,
      });
    }
  });

  it('an explicit setAccelerator is not overridden by the async upgrade', async () => {
    const original = WebAssembly.Module;
    Object.defineProperty(WebAssembly, 'Module', {
      value: () => {
        throw new RangeError('refused');
      },
      configurable: true,
      writable: true,
    });
    try {
      const wasm = await import('../src/accel/wasm.js');
      const fresh = await import('../src/accel/accelerator.js');
      fresh.getAccelerator();
      const mine = { ...fresh.jsAccelerator, name: 'mine' };
      fresh.setAccelerator(mine);
      await wasm.loadWasmKernelAsync();
      expect(fresh.getAccelerator()).toBe(mine);
    } finally {
      Object.defineProperty(WebAssembly, 'Module', {
        value: original,
        configurable: true,
        writable: true,
      });
    }
  });
});

describe('Node selection', () => {
  it('uses buffer.isUtf8 for UTF-8 and bufferutil (installed here) for masking', () => {
    const acc = createNodeAccelerator({ env: {} });
    expect(acc.paths).toEqual({ mask: 'bufferutil', utf8: 'node' });
    expect(acc.name).toBe(
      `node(isUtf8>=${NODE_UTF8_MIN_BYTES})+bufferutil(mask>=${BUFFERUTIL_MASK_MIN_BYTES})`,
    );
  });

  it('falls back to WASM masking without bufferutil', () => {
    for (const acc of [
      createNodeAccelerator({ bufferutil: false, env: {} }),
      createNodeAccelerator({ env: { WAMPKIT_NO_BUFFERUTIL: '1' } }),
    ]) {
      expect(acc.paths).toEqual({ mask: 'wasm', utf8: 'node' });
      expect(acc.name).toBe(
        `node(isUtf8>=${NODE_UTF8_MIN_BYTES})+wasm(mask>=${WASM_MASK_MIN_BYTES})`,
      );
    }
  });

  it('WAMPKIT_NO_WASM=1 or { wasm: false } turn the WASM path off', () => {
    for (const acc of [
      createNodeAccelerator({ bufferutil: false, wasm: false, env: {} }),
      createNodeAccelerator({ env: { WAMPKIT_NO_BUFFERUTIL: '1', WAMPKIT_NO_WASM: '1' } }),
    ]) {
      expect(acc.paths).toEqual({ mask: 'js', utf8: 'node' });
    }
    // "0", "false" and "" do not count as set.
    const acc = createNodeAccelerator({
      env: { WAMPKIT_NO_BUFFERUTIL: 'true', WAMPKIT_NO_WASM: '0' },
    });
    expect(acc.paths?.mask).toBe('wasm');
  });

  it('the default nodeAccelerator reads the environment at import', async () => {
    vi.stubEnv('WAMPKIT_NO_WASM', '1');
    vi.stubEnv('WAMPKIT_NO_BUFFERUTIL', '1');
    try {
      const fresh = await import('../src/node/accelerator.js');
      expect(fresh.nodeAccelerator.paths).toEqual({ mask: 'js', utf8: 'node' });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('every path masks and validates correctly', () => {
    const kernel = loadWasmKernel();
    expect(kernel).not.toBeNull();
    const text = new TextEncoder().encode('wamp.topic.é€😀 '.repeat(20));
    const key = new Uint8Array([1, 2, 3, 4]);
    for (const acc of [
      createNodeAccelerator({ env: {} }),
      createNodeAccelerator({ bufferutil: false, env: {} }),
      createNodeAccelerator({ bufferutil: false, wasm: false, env: {} }),
      selectAccelerator(),
      jsAccelerator,
    ]) {
      for (const n of [5, 31, 32, 200, text.length]) {
        expect(acc.isUtf8(text, 0, n), `${acc.name} ${n}`).toBe(jsAccelerator.isUtf8(text, 0, n));
        const a = new Uint8Array(n);
        const b = new Uint8Array(n);
        acc.mask(text, 0, key, 1, a, 0, n);
        jsAccelerator.mask(text, 0, key, 1, b, 0, n);
        expect(a).toEqual(b);
      }
    }
  });
});
