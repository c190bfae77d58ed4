/**
 * Loader and thin typed wrapper of the SIMD128 WebAssembly module built from `wasm/` (masking,
 * RFC 6455 §5.3, and UTF-8 validation, RFC 3629, with the Keiser–Lemire "lookup" algorithm).
 *
 * The module bytes are inlined (base64) in `wasm-module.generated.ts`, so no file is fetched and
 * the `<script>` bundle works. Loading is lazy, happens once, and never throws: SIMD128 support is
 * probed with `WebAssembly.validate` on a 35-byte module first, and any failure (no WebAssembly,
 * no SIMD128, a CSP that forbids compilation, a runtime refusing synchronous compilation) leaves
 * the caller on the pure-TypeScript path.
 *
 * The module imports its memory. Data lives in JavaScript buffers, so every call copies the bytes
 * into a scratch area of that memory (and, for masking, back out): that copy is the cost the
 * dispatch thresholds in wasm-accelerator.ts and node/accelerator.ts weigh.
 */
import { wasmModuleBase64 } from './wasm-module.generated.js';

/**
 * A minimal module whose only function uses SIMD128 (`i32.const 0; i8x16.splat; i32.const 0;
 * i8x16.splat; i8x16.swizzle; drop`): it validates exactly where the SIMD128 proposal is
 * implemented (the approach of GoogleChromeLabs/wasm-feature-detect, hand-assembled here).
 */
// biome-ignore format: one line per section of the module
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: one type, func () -> ()
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x0f, 0x01, 0x0d, 0x00, // code section: one body of 13 bytes, no locals
  0x41, 0x00, 0xfd, 0x0f, // i32.const 0, i8x16.splat
  0x41, 0x00, 0xfd, 0x0f, // i32.const 0, i8x16.splat
  0xfd, 0x0e, 0x1a, 0x0b, // i8x16.swizzle, drop, end
]);

/** Bytes per call: larger payloads go through the scratch area in pieces of this size. */
const SCRATCH_BYTES = 64 * 1024; // a multiple of 4, so the mask key phase never shifts
/** Memory pages (64 KiB): the module's 16 KiB stack plus the scratch area. */
const MEMORY_PAGES = 2;
/** Below this, copying byte by byte beats `subarray` + `set` (one object allocation). */
const SMALL_COPY = 16;
/** `utf8_stream` result bit for "invalid"; otherwise the result is the stream's last 3 bytes. */
const UTF8_ERROR = 1 << 24;

interface Exports {
  mask(src: number, dst: number, len: number, key: number): void;
  utf8_stream(ptr: number, len: number, tail: number): number;
  utf8_valid(ptr: number, len: number): number;
  __heap_base: WebAssembly.Global;
}

/** Whether the 3 stream tail bytes (b[-3] | b[-2] << 8 | b[-1] << 16) end in an open sequence. */
export function utf8TailIncomplete(tail: number): boolean {
  return tail >>> 16 >= 0xc0 || ((tail >>> 8) & 0xff) >= 0xe0 || (tail & 0xff) >= 0xf0;
}

/** The key bytes in memory order from `keyOffset`: a little-endian u32 for i32x4.splat. */
function keyWord(key: Uint8Array, keyOffset: number): number {
  return (
    key[keyOffset & 3]! |
    (key[(keyOffset + 1) & 3]! << 8) |
    (key[(keyOffset + 2) & 3]! << 16) |
    (key[(keyOffset + 3) & 3]! << 24)
  );
}

/** The instantiated module with copy-in/copy-out wrappers; always runs the WASM code. */
export class WasmKernel {
  private readonly heap: Uint8Array;
  private readonly base: number;

  constructor(
    private readonly exports: Exports,
    memory: WebAssembly.Memory,
  ) {
    this.heap = new Uint8Array(memory.buffer);
    // Scratch starts after the stack, 16-byte aligned for the vector loads.
    this.base = ((exports.__heap_base.value as number) + 15) & ~15;
    if (this.base + SCRATCH_BYTES > this.heap.length) throw new RangeError('wasm memory too small');
  }

  /** Same contract as `Accelerator.mask` (output may be source: in place). */
  mask(
    source: Uint8Array,
    sourceOffset: number,
    key: Uint8Array,
    keyOffset: number,
    output: Uint8Array,
    outputOffset: number,
    length: number,
  ): void {
    const k = keyWord(key, keyOffset);
    const heap = this.heap;
    const base = this.base;
    for (let done = 0; done < length; done += SCRATCH_BYTES) {
      const n = Math.min(SCRATCH_BYTES, length - done);
      const from = sourceOffset + done;
      const to = outputOffset + done;
      if (n < SMALL_COPY) {
        for (let i = 0; i < n; i++) heap[base + i] = source[from + i]!;
        this.exports.mask(base, base, n, k);
        for (let i = 0; i < n; i++) output[to + i] = heap[base + i]!;
      } else {
        heap.set(
          from === 0 && n === source.length ? source : source.subarray(from, from + n),
          base,
        );
        this.exports.mask(base, base, n, k);
        output.set(heap.subarray(base, base + n), to);
      }
    }
  }

  /** Whether bytes[start, end) is complete, well-formed UTF-8. */
  isUtf8(bytes: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (length <= SCRATCH_BYTES) {
      this.copyIn(bytes, start, length);
      return this.exports.utf8_valid(this.base, length) === 1;
    }
    const tail = this.utf8Stream(bytes, start, end, 0);
    return tail >= 0 && !utf8TailIncomplete(tail);
  }

  /**
   * Validates bytes[start, end) as the continuation of a stream whose last three bytes so far
   * are `tail` (0 at the start of a message). Returns the new tail, or -1 when the stream can no
   * longer be valid. A sequence left open at the end is not an error (see utf8TailIncomplete).
   */
  utf8Stream(bytes: Uint8Array, start: number, end: number, tail: number): number {
    for (let i = start; i < end; i += SCRATCH_BYTES) {
      const n = Math.min(SCRATCH_BYTES, end - i);
      this.copyIn(bytes, i, n);
      tail = this.exports.utf8_stream(this.base, n, tail);
      if (tail === UTF8_ERROR) return -1;
    }
    return tail;
  }

  /**
   * The scratch area itself (SCRATCH_BYTES long). Bytes written here can be processed by the
   * `*InScratch` methods without a copy: the benchmark uses it to measure what copies cost.
   */
  get scratch(): Uint8Array {
    return this.heap.subarray(this.base, this.base + SCRATCH_BYTES);
  }

  /** Masks scratch[0, length) in place with the key starting at key byte `keyOffset`. */
  maskInScratch(length: number, key: Uint8Array, keyOffset: number): void {
    this.exports.mask(
      this.base,
      this.base,
      Math.min(length, SCRATCH_BYTES),
      keyWord(key, keyOffset),
    );
  }

  /** Whether scratch[0, length) is complete, well-formed UTF-8. */
  isUtf8InScratch(length: number): boolean {
    return this.exports.utf8_valid(this.base, Math.min(length, SCRATCH_BYTES)) === 1;
  }

  private copyIn(bytes: Uint8Array, start: number, n: number): void {
    const heap = this.heap;
    const base = this.base;
    if (n < SMALL_COPY) {
      for (let i = 0; i < n; i++) heap[base + i] = bytes[start + i]!;
    } else if (start === 0 && n === bytes.length) {
      heap.set(bytes, base); // no view to allocate
    } else {
      heap.set(bytes.subarray(start, start + n), base);
    }
  }
}

/** Whether this runtime implements WebAssembly SIMD128 (validates the probe module). */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(wasmModuleBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function imports(): { imports: WebAssembly.Imports; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES });
  return { imports: { env: { memory } }, memory };
}

/** undefined: not tried yet; null: unavailable (unsupported or failed). */
let kernel: WasmKernel | null | undefined;
let pending: Promise<WasmKernel | null> | undefined;
let syncFailed = false;

/**
 * The WASM kernel, instantiated synchronously on first use (the module is ~3 KB, under the
 * 4 KB limit browsers put on synchronous compilation on the main thread), or null when the
 * runtime lacks SIMD128 or compilation fails; then the JS path is the answer. Never throws.
 */
export function loadWasmKernel(): WasmKernel | null {
  if (kernel !== undefined) return kernel;
  if (syncFailed) return null;
  if (!wasmSimdSupported()) {
    kernel = null;
    return kernel;
  }
  try {
    const { imports: imp, memory } = imports();
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), imp);
    kernel = new WasmKernel(instance.exports as unknown as Exports, memory);
  } catch {
    // e.g. a RangeError from a runtime that only compiles asynchronously, or a CSP without
    // 'wasm-unsafe-eval': leave `kernel` undefined so loadWasmKernelAsync can still try.
    syncFailed = true;
    return null;
  }
  return kernel;
}

/**
 * Asynchronous loading for runtimes that refuse synchronous compilation. Resolves to the same
 * kernel as loadWasmKernel (or null); never rejects.
 */
export function loadWasmKernelAsync(): Promise<WasmKernel | null> {
  const ready = loadWasmKernel();
  if (ready !== null || kernel === null) return Promise.resolve(ready);
  pending ??= (async () => {
    try {
      const { imports: imp, memory } = imports();
      const { instance } = await WebAssembly.instantiate(moduleBytes(), imp);
      kernel = new WasmKernel(instance.exports as unknown as Exports, memory);
    } catch {
      kernel = null;
    }
    return kernel;
  })();
  return pending;
}
