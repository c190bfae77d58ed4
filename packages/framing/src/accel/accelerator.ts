/**
 * The accelerator interface: the two byte-crunching operations of RFC 6455 that are worth
 * speeding up, masking (§5.3) and UTF-8 validation of text (§8.1). The engine only talks to this
 * interface; the pure-TS implementation is always available, and runtime-specific ones (Node's
 * `buffer.isUtf8`, bufferutil, the WASM SIMD128 module) plug in through `setAccelerator`.
 */
import { maskJs } from './mask.js';
import { completePrefixEnd, isUtf8Js, JsUtf8Validator, type Utf8Validator } from './utf8.js';
import { loadWasmKernel, loadWasmKernelAsync } from './wasm.js';
import { createWasmAccelerator, type WasmAcceleratorOptions } from './wasm-accelerator.js';

/**
 * Which implementation serves each operation above its size threshold (below it, the JS
 * reference does): "js", "wasm", "bufferutil", "node" (buffer.isUtf8), for diagnostics and tests.
 */
export interface AcceleratorPaths {
  readonly mask: string;
  readonly utf8: string;
}

export interface Accelerator {
  /** Short name of the active paths, e.g. "js" or "node(isUtf8)+wasm(mask)", for diagnostics. */
  readonly name: string;
  /** The active path per operation (absent on accelerators that predate it). */
  readonly paths?: AcceleratorPaths;
  /** XOR `length` bytes from source to output with the key starting at key byte `keyOffset`. */
  mask(
    source: Uint8Array,
    sourceOffset: number,
    key: Uint8Array,
    keyOffset: number,
    output: Uint8Array,
    outputOffset: number,
    length: number,
  ): void;
  /** Whether bytes[start, end) is complete, well-formed UTF-8. */
  isUtf8(bytes: Uint8Array, start: number, end: number): boolean;
  /** A fresh incremental validator for fragmented text messages. */
  createUtf8Validator(): Utf8Validator;
}

/** The pure-TypeScript reference accelerator. */
export const jsAccelerator: Accelerator = {
  name: 'js',
  paths: { mask: 'js', utf8: 'js' },
  mask: maskJs,
  isUtf8: isUtf8Js,
  createUtf8Validator: () => new JsUtf8Validator(),
};

/**
 * Incremental validation on top of a fast bulk validator: complete code points go to `isUtf8`
 * in one call, and only the (at most 3) bytes of a code point split across chunks go through
 * the JS state machine. Fails on the chunk that makes the stream invalid.
 */
export class BulkUtf8Validator implements Utf8Validator {
  private readonly carry = new JsUtf8Validator();
  private pending = false;

  constructor(private readonly isUtf8: (b: Uint8Array, start: number, end: number) => boolean) {}

  update(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    let i = start;
    if (this.pending) {
      // Finish the split code point byte by byte with the state machine.
      while (i < end && this.pending) {
        if (!this.carry.update(bytes, i, i + 1)) return this.fail();
        i++;
        this.pending = !this.carry.atBoundary;
      }
      if (this.pending) return true;
    }
    if (i >= end) return true;
    const cut = completePrefixEnd(bytes, i, end);
    if (cut > i && !this.isUtf8(bytes, i, cut)) return this.fail();
    if (cut < end) {
      if (!this.carry.update(bytes, cut, end)) return this.fail();
      this.pending = true;
    }
    return true;
  }

  finish(): boolean {
    const ok = this.carry.finish();
    this.pending = false;
    return ok;
  }

  reset(): void {
    this.carry.reset();
    this.pending = false;
  }

  private fail(): false {
    this.reset();
    return false;
  }
}

export interface AcceleratorOptions extends WasmAcceleratorOptions {
  /**
   * `false` is the kill switch of the WASM path: the pure-TypeScript code serves everything.
   * (In Node the environment variable WAMPKIT_NO_WASM=1 does the same; see node/accelerator.ts.)
   */
  wasm?: boolean;
}

/**
 * The runtime-neutral choice: the WASM SIMD128 accelerator where the runtime supports SIMD128
 * and the module instantiates synchronously, else the pure-TypeScript reference.
 */
export function selectAccelerator(options: AcceleratorOptions = {}): Accelerator {
  if (options.wasm === false) return jsAccelerator;
  const kernel = loadWasmKernel();
  return kernel === null ? jsAccelerator : createWasmAccelerator(kernel, options);
}

let active: Accelerator | undefined;
let chosenByUser = false;

/**
 * The accelerator new connections use unless their options name another. On first use without
 * setAccelerator this is selectAccelerator(); if the runtime only compiles WebAssembly
 * asynchronously, the JS path serves until the module is ready and the WASM one after.
 */
export function getAccelerator(): Accelerator {
  if (active === undefined) {
    const chosen = selectAccelerator();
    active = chosen;
    if (chosen === jsAccelerator) {
      void loadWasmKernelAsync().then((kernel) => {
        if (kernel !== null && !chosenByUser && active === chosen) {
          active = createWasmAccelerator(kernel);
        }
      });
    }
  }
  return active;
}

/** Install the default accelerator (the Node adapter does this on import). */
export function setAccelerator(accelerator: Accelerator): void {
  active = accelerator;
  chosenByUser = true;
}
