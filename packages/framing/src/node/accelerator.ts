/**
 * The accelerator the Node adapter installs. Per operation and payload size it picks the fastest
 * path this process has, as measured by `pnpm bench accel` (bench/accel.bench.ts):
 *
 * - UTF-8: Node's `buffer.isUtf8` (simdutf, native, no copy) beats the WASM kernel at every size
 *   once the data sits in a JS buffer, so WASM is never used for UTF-8 in Node; tiny payloads stay
 *   on the JS state machine, which beats the native call's fixed cost.
 * - Masking: the optional native `bufferutil` (if the user installed it; an optional peer, never
 *   required) beats the WASM kernel, which must copy in and out of its memory; without it the
 *   WASM kernel beats the JS loop from WASM_MASK_MIN_BYTES on.
 *
 * Kill switches: `createNodeAccelerator({ wasm: false })` or WAMPKIT_NO_WASM=1 in the environment
 * turn the WASM path off; `{ bufferutil: false }` or WAMPKIT_NO_BUFFERUTIL=1 ignore bufferutil.
 */
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import { type Accelerator, BulkUtf8Validator } from '../accel/accelerator.js';
import { maskJs } from '../accel/mask.js';
import { isUtf8Js } from '../accel/utf8.js';
import { loadWasmKernel } from '../accel/wasm.js';
import { WASM_MASK_MIN_BYTES } from '../accel/wasm-accelerator.js';

/**
 * Masking payloads of at least this many bytes go to bufferutil. Benchmark: `pnpm bench accel`
 * (bench/accel.bench.ts), rows "mask js" vs "mask bufferutil" (the N-API call plus the `subarray`
 * it needs cost ~100 ns): 96 B js 88 ns / bufferutil 107 ns, 128 B 110 / 107, 192 B 152 / 109.
 * Against "mask wasm" bufferutil ties up to 1 KiB and is twice as fast from 4 KiB (185 / 339 ns).
 */
export const BUFFERUTIL_MASK_MIN_BYTES = 128;

/**
 * UTF-8 validation of at least this many bytes goes to `buffer.isUtf8`. Benchmark: `pnpm bench
 * accel`, rows "utf8-*" js vs buffer.isUtf8: 16 B is a tie (ASCII 25 / 31 ns, mixed 48 / 37), from
 * 32 B native wins (ASCII 51 / 31, mixed 81 / 41). "utf8-* wasm" never beats it (1 KiB mixed:
 * wasm 209 ns, buffer.isUtf8 80 ns), so WASM is not used for UTF-8 in Node.
 */
export const NODE_UTF8_MIN_BYTES = 32;

export interface NodeAcceleratorOptions {
  /** false: never use the WASM module (also: WAMPKIT_NO_WASM=1). Default true. */
  wasm?: boolean;
  /** false: ignore an installed bufferutil (also: WAMPKIT_NO_BUFFERUTIL=1). Default true. */
  bufferutil?: boolean;
  /** Environment to read the kill switches from; default process.env. */
  env?: Record<string, string | undefined>;
}

interface BufferUtil {
  mask(
    source: Uint8Array,
    mask: Uint8Array,
    output: Uint8Array,
    offset: number,
    length: number,
  ): void;
}

function flag(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

let bufferutilModule: BufferUtil | null | undefined;

/** bufferutil's native binding if installed, else null (its JS fallback is no faster than ours). */
function loadBufferutil(): BufferUtil | null {
  if (bufferutilModule === undefined) {
    try {
      const mod = createRequire(import.meta.url)('bufferutil') as Partial<BufferUtil>;
      bufferutilModule = typeof mod.mask === 'function' ? (mod as BufferUtil) : null;
    } catch {
      bufferutilModule = null;
    }
  }
  return bufferutilModule;
}

const nodeIsUtf8 = (bytes: Uint8Array, start: number, end: number): boolean =>
  end - start < NODE_UTF8_MIN_BYTES
    ? isUtf8Js(bytes, start, end)
    : isUtf8(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));

type MaskFn = Accelerator['mask'];

function bufferutilMask(bu: BufferUtil): MaskFn {
  const rotated = new Uint8Array(4);
  return (source, sourceOffset, key, keyOffset, output, outputOffset, length) => {
    if (length < BUFFERUTIL_MASK_MIN_BYTES) {
      maskJs(source, sourceOffset, key, keyOffset, output, outputOffset, length);
      return;
    }
    // bufferutil reads source from its start and the key from byte 0.
    let k = key;
    if ((keyOffset & 3) !== 0) {
      for (let i = 0; i < 4; i++) rotated[i] = key[(keyOffset + i) & 3]!;
      k = rotated;
    }
    const src =
      sourceOffset === 0 && length === source.length
        ? source
        : source.subarray(sourceOffset, sourceOffset + length);
    bu.mask(src, k, output, outputOffset, length);
  };
}

/** Build the Node accelerator; reads the kill switches from `options` and the environment. */
export function createNodeAccelerator(options: NodeAcceleratorOptions = {}): Accelerator {
  const env = options.env ?? process.env;
  const wasmAllowed = options.wasm !== false && !flag(env.WAMPKIT_NO_WASM);
  const bufferutilAllowed = options.bufferutil !== false && !flag(env.WAMPKIT_NO_BUFFERUTIL);

  let mask: MaskFn = maskJs;
  let maskPath = 'js';
  const bu = bufferutilAllowed ? loadBufferutil() : null;
  if (bu !== null) {
    mask = bufferutilMask(bu);
    maskPath = 'bufferutil';
  } else {
    const kernel = wasmAllowed ? loadWasmKernel() : null;
    if (kernel !== null) {
      mask = (source, sourceOffset, key, keyOffset, output, outputOffset, length) => {
        if (length >= WASM_MASK_MIN_BYTES) {
          kernel.mask(source, sourceOffset, key, keyOffset, output, outputOffset, length);
        } else {
          maskJs(source, sourceOffset, key, keyOffset, output, outputOffset, length);
        }
      };
      maskPath = 'wasm';
    }
  }
  const maskMin = maskPath === 'bufferutil' ? BUFFERUTIL_MASK_MIN_BYTES : WASM_MASK_MIN_BYTES;
  return {
    name: `node(isUtf8>=${NODE_UTF8_MIN_BYTES})+${maskPath === 'js' ? 'js(mask)' : `${maskPath}(mask>=${maskMin})`}`,
    paths: { mask: maskPath, utf8: 'node' },
    mask,
    isUtf8: nodeIsUtf8,
    createUtf8Validator: () => new BulkUtf8Validator(nodeIsUtf8),
  };
}

/** The default Node accelerator (kill switches read from process.env at import). */
export const nodeAccelerator: Accelerator = createNodeAccelerator();
