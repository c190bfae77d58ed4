/**
 * Pure-TypeScript UTF-8 validation (RFC 3629 §4, Unicode Table 3-7 "well-formed byte
 * sequences"): rejects overlongs, surrogates (so CESU-8 pairs too), code points above U+10FFFF,
 * the bytes C0, C1, F5-FF, stray continuations and truncated sequences.
 *
 * The incremental validator keeps the state of a partial code point between chunks and reports
 * failure on the first byte that can no longer start or continue a well-formed sequence, which is
 * what "fail fast" in RFC 6455 §8.1 and Autobahn Testsuite category 6.4 ask for.
 */

/** Validator state between chunks: how many continuation bytes are still due, and their range. */
export interface Utf8Validator {
  /** Feed the next bytes. Returns false as soon as the stream can no longer be valid UTF-8. */
  update(chunk: Uint8Array, start?: number, end?: number): boolean;
  /** Returns true when everything fed so far is complete, valid UTF-8; then resets. */
  finish(): boolean;
  /** Forget any partial code point. */
  reset(): void;
}

/** Returns true when bytes[start, end) is a complete, well-formed UTF-8 sequence. */
export function isUtf8Js(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  const v = new JsUtf8Validator();
  return v.update(bytes, start, end) && v.finish();
}

/**
 * Incremental validator. `need` is the number of continuation bytes still expected; `lo`/`hi`
 * bound the next continuation byte (narrower than 80..BF right after E0, ED, F0, F4).
 */
export class JsUtf8Validator implements Utf8Validator {
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;

  update(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    let need = this.need;
    let lo = this.lo;
    let hi = this.hi;
    let i = start;
    while (i < end) {
      const b = bytes[i]!;
      if (need === 0) {
        // ASCII run: the common case for JSON and text protocols.
        if (b < 0x80) {
          i++;
          while (i < end && bytes[i]! < 0x80) i++;
          continue;
        }
        if (b >= 0xc2 && b <= 0xdf) {
          need = 1;
        } else if (b >= 0xe0 && b <= 0xef) {
          need = 2;
          if (b === 0xe0)
            lo = 0xa0; // reject overlong 3-byte forms
          else if (b === 0xed) hi = 0x9f; // reject UTF-16 surrogates D800-DFFF
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3;
          if (b === 0xf0)
            lo = 0x90; // reject overlong 4-byte forms
          else if (b === 0xf4) hi = 0x8f; // reject > U+10FFFF
        } else {
          this.fail();
          return false;
        }
      } else {
        if (b < lo || b > hi) {
          this.fail();
          return false;
        }
        lo = 0x80;
        hi = 0xbf;
        need--;
      }
      i++;
    }
    this.need = need;
    this.lo = lo;
    this.hi = hi;
    return true;
  }

  /** True when no code point is split at the end of what was fed so far. */
  get atBoundary(): boolean {
    return this.need === 0;
  }

  finish(): boolean {
    const ok = this.need === 0;
    this.reset();
    return ok;
  }

  reset(): void {
    this.need = 0;
    this.lo = 0x80;
    this.hi = 0xbf;
  }

  private fail(): void {
    this.reset();
  }
}

/**
 * Length of the longest prefix of bytes[start, end) that ends on a code point boundary,
 * assuming the bytes are valid: trailing bytes of an unfinished sequence are left out.
 * Used to hand complete runs to a bulk validator and carry the rest.
 */
export function completePrefixEnd(bytes: Uint8Array, start: number, end: number): number {
  // Look back at most 3 bytes for the lead byte of an unfinished sequence.
  const stop = Math.max(start, end - 3);
  for (let i = end - 1; i >= stop; i--) {
    const b = bytes[i]!;
    if (b < 0x80) return end; // ASCII: everything before it is complete too
    if (b >= 0xc0) {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return i + len <= end ? end : i;
    }
  }
  return end;
}
