/**
 * Masking (RFC 6455 §5.3) by the WASM SIMD128 kernel, bufferutil and the size-dispatching
 * accelerators, checked byte for byte against the pure-TS reference maskJs: every length up to
 * 300 (the 64-byte loop, the 16-byte loop and the byte tail), every key phase, odd offsets, in
 * place and source→destination, pieces of one payload, and payloads larger than the scratch area.
 */
import { describe, expect, it } from 'vitest';
import { type Accelerator, selectAccelerator } from '../src/accel/accelerator.js';
import { maskJs } from '../src/accel/mask.js';
import { loadWasmKernel, type WasmKernel } from '../src/accel/wasm.js';
import { createNodeAccelerator } from '../src/node/accelerator.js';

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

const kernel = loadWasmKernel();
const key = new Uint8Array([0x9e, 0x01, 0x7c, 0xf3]);

type MaskFn = Accelerator['mask'];
const candidates: Array<[string, MaskFn]> = [];
if (kernel !== null) {
  const k: WasmKernel = kernel;
  candidates.push(['wasm kernel', (...a) => k.mask(...a)]);
}
candidates.push(['selected (browser default)', selectAccelerator().mask]);
candidates.push(['node (bufferutil)', createNodeAccelerator().mask]);
candidates.push(['node (wasm)', createNodeAccelerator({ bufferutil: false }).mask]);

describe('WASM kernel availability', () => {
  it('loads in Node 20 (SIMD128 is supported)', () => {
    expect(kernel).not.toBeNull();
  });
});

describe.each(candidates)('%s', (_name, mask) => {
  it('matches maskJs for every length 0..300, key phase and offset, copying', () => {
    const source = bytes(310, 1);
    for (let length = 0; length <= 300; length++) {
      for (let keyOffset = 0; keyOffset < 4; keyOffset++) {
        const so = (length + keyOffset) % 4;
        const oo = (length * 3 + 1) % 5;
        const want = new Uint8Array(310).fill(0xaa);
        const got = new Uint8Array(310).fill(0xaa);
        maskJs(source, so, key, keyOffset, want, oo, length);
        mask(source, so, key, keyOffset, got, oo, length);
        if (!want.every((b, i) => got[i] === b)) {
          throw new Error(`length ${length} keyOffset ${keyOffset} offsets ${so}/${oo}`);
        }
      }
    }
  });

  it('masks in place, and unmasking restores the payload', () => {
    for (const length of [0, 1, 3, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1000, 4099]) {
      const original = bytes(length + 7, length);
      const data = original.slice();
      const want = original.slice();
      maskJs(want, 7, key, 2, want, 7, length);
      mask(data, 7, key, 2, data, 7, length);
      expect(data).toEqual(want);
      mask(data, 7, key, 2, data, 7, length);
      expect(data).toEqual(original);
    }
  });

  it('masking a payload in pieces (key phase carried) equals masking it whole', () => {
    const payload = bytes(5000, 7);
    const whole = new Uint8Array(5000);
    maskJs(payload, 0, key, 0, whole, 0, 5000);
    const pieces = new Uint8Array(5000);
    let at = 0;
    for (const n of [1, 2, 5, 130, 7, 64, 1000, 3, 2000]) {
      mask(payload, at, key, at & 3, pieces, at, n);
      at += n;
    }
    mask(payload, at, key, at & 3, pieces, at, 5000 - at);
    expect(pieces).toEqual(whole);
  });

  it('handles payloads larger than the 64 KiB scratch area', () => {
    const length = 200_003;
    const source = bytes(length + 1, 3);
    const want = new Uint8Array(length + 2);
    const got = new Uint8Array(length + 2);
    maskJs(source, 1, key, 3, want, 2, length);
    mask(source, 1, key, 3, got, 2, length);
    expect(got).toEqual(want);
  });
});
