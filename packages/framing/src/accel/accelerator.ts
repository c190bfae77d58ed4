/**
 * The accelerator interface: the two byte-crunching operations of RFC 6455 that are worth
 * speeding up, masking (§5.3) and UTF-8 validation of text (§8.1). The engine only talks to this
 * interface; the pure-TS implementation is always available, and runtime-specific ones (Node's
 * `buffer.isUtf8`, bufferutil, the WASM SIMD128 module) plug in through `setAccelerator`.
 */
import { maskJs } from './mask.js';
import { completePrefixEnd, isUtf8Js, JsUtf8Validator, type Utf8Validator } from './utf8.js';

export interface Accelerator {
  /** Short name of the active paths, e.g. "js" or "node(isUtf8)+wasm(mask)", for diagnostics. */
  readonly name: string;
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

let active: Accelerator = jsAccelerator;

/** The accelerator new connections use unless their options name another. */
export function getAccelerator(): Accelerator {
  return active;
}

/** Install the default accelerator (the Node adapter does this on import). */
export function setAccelerator(accelerator: Accelerator): void {
  active = accelerator;
}
