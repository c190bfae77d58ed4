/**
 * The WASM SIMD128 accelerator: dispatches each operation by payload size between the WASM
 * kernel (wasm.ts) and the pure-TypeScript reference (mask.ts, utf8.ts). This is the default
 * where the runtime offers nothing faster (browsers); node/accelerator.ts composes the kernel
 * with Node's native paths instead.
 */
import type { Accelerator } from './accelerator.js';
import { maskJs } from './mask.js';
import { isUtf8Js, JsUtf8Validator, type Utf8Validator } from './utf8.js';
import { utf8TailIncomplete, type WasmKernel } from './wasm.js';

/**
 * Masking payloads of at least this many bytes go to WASM. Benchmark: `pnpm bench accel`
 * (bench/accel.bench.ts), rows "mask js" vs "mask wasm" (Node 20.20, x64; the WASM figure includes
 * the copies into and out of its memory, ~100 ns fixed): 96 B js 88 ns / wasm 101 ns, 128 B
 * 110 / 101, 256 B 196 / 105, 1 KiB 710 / 127. Chromium 156 crosses over at 128 B too.
 */
export const WASM_MASK_MIN_BYTES = 128;

/**
 * UTF-8 validation of at least this many bytes goes to WASM. Benchmark: `pnpm bench accel`, rows
 * "utf8-ascii"/"utf8-mixed" js vs wasm: 16 B ASCII js 25 ns / wasm 31 ns but mixed text 48 / 31;
 * from 32 B WASM wins both (ASCII 51 / 33, mixed 81 / 33; 1 KiB mixed 1706 / 209).
 */
export const WASM_UTF8_MIN_BYTES = 32;

export interface WasmAcceleratorOptions {
  /** Override WASM_MASK_MIN_BYTES (0 sends every call to WASM; tests use it). */
  maskMinBytes?: number;
  /** Override WASM_UTF8_MIN_BYTES (0 sends every call to WASM; tests use it). */
  utf8MinBytes?: number;
}

/** Build the size-dispatching accelerator over an instantiated kernel. */
export function createWasmAccelerator(
  kernel: WasmKernel,
  options: WasmAcceleratorOptions = {},
): Accelerator {
  const maskMin = options.maskMinBytes ?? WASM_MASK_MIN_BYTES;
  const utf8Min = options.utf8MinBytes ?? WASM_UTF8_MIN_BYTES;
  return {
    name: `wasm(mask>=${maskMin},utf8>=${utf8Min})+js`,
    paths: { mask: 'wasm', utf8: 'wasm' },
    mask(source, sourceOffset, key, keyOffset, output, outputOffset, length) {
      if (length >= maskMin) {
        kernel.mask(source, sourceOffset, key, keyOffset, output, outputOffset, length);
      } else {
        maskJs(source, sourceOffset, key, keyOffset, output, outputOffset, length);
      }
    },
    isUtf8(bytes, start, end) {
      return end - start >= utf8Min
        ? kernel.isUtf8(bytes, start, end)
        : isUtf8Js(bytes, start, end);
    },
    createUtf8Validator: () => new WasmUtf8Validator(kernel, utf8Min),
  };
}

/**
 * Incremental UTF-8 validation for fragmented messages. The state is the stream's last three
 * bytes (`tail`), which is what the WASM kernel needs to check the next fragment's first bytes
 * against a code point split across fragments. Fragments below `minBytes` go through the JS state
 * machine, seeded with the open sequence at the end of `tail`. Like JsUtf8Validator, `update`
 * fails on the fragment whose bytes make the stream invalid, and failure resets the state.
 */
export class WasmUtf8Validator implements Utf8Validator {
  /** b[-3] | b[-2] << 8 | b[-1] << 16 of everything fed since the last finish/reset. */
  private tail = 0;
  private readonly js = new JsUtf8Validator();
  private readonly seed = new Uint8Array(3);

  constructor(
    private readonly kernel: WasmKernel,
    private readonly minBytes = WASM_UTF8_MIN_BYTES,
  ) {}

  update(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    if (end <= start) return true;
    if (end - start >= this.minBytes) {
      const tail = this.kernel.utf8Stream(bytes, start, end, this.tail);
      if (tail < 0) return this.fail();
      this.tail = tail;
      return true;
    }
    // Small fragment: replay the open sequence (at most 3 bytes) into the JS state machine.
    const t = this.tail;
    const seed = this.seed;
    seed[0] = t & 0xff;
    seed[1] = (t >>> 8) & 0xff;
    seed[2] = t >>> 16;
    const open = seed[2]! >= 0xc0 ? 1 : seed[1]! >= 0xe0 ? 2 : seed[0]! >= 0xf0 ? 3 : 0;
    const js = this.js;
    js.reset();
    if (open > 0) js.update(seed, 3 - open, 3);
    if (!js.update(bytes, start, end)) return this.fail();
    // Shift the fragment's last (up to 3) bytes into the tail.
    let tail = t;
    for (let i = Math.max(start, end - 3); i < end; i++) tail = (tail >>> 8) | (bytes[i]! << 16);
    this.tail = tail;
    return true;
  }

  /** True when no code point is split at the end of what was fed so far. */
  get atBoundary(): boolean {
    return !utf8TailIncomplete(this.tail);
  }

  finish(): boolean {
    const ok = !utf8TailIncomplete(this.tail);
    this.tail = 0;
    return ok;
  }

  reset(): void {
    this.tail = 0;
  }

  private fail(): false {
    this.tail = 0;
    return false;
  }
}
