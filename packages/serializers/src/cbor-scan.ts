/**
 * Structural pre-check of CBOR bytes (RFC 8949) before cbor-x decodes them: one data item
 * filling the input, declared lengths within the remaining bytes, nesting within maxDepth,
 * text-string map keys (WAMP dictionaries), no literal "__proto__" key, and only the values
 * WAMP uses: no tags other than 2/3 (bignums, RFC 8949 section 3.4.3), no `undefined` or
 * unassigned simple values (section 3.3).
 */
import { ProtocolViolationError } from './errors.js';

const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f]; // "__proto__"

function fail(message: string, pos: number): never {
  throw new ProtocolViolationError(`invalid CBOR at byte ${pos}: ${message}`);
}

export function scanCbor(bytes: Uint8Array, maxDepth: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let pos = 0;

  const need = (count: number): void => {
    if (count > n - pos) fail(`declared ${count} bytes but ${n - pos} remain`, pos);
  };
  // Argument of the head (RFC 8949 section 3): returns -1 for indefinite length (ai 31).
  const argument = (ai: number): number => {
    if (ai < 24) return ai;
    if (ai === 24) {
      need(1);
      return bytes[pos++]!;
    }
    if (ai === 25) {
      need(2);
      const v = view.getUint16(pos);
      pos += 2;
      return v;
    }
    if (ai === 26) {
      need(4);
      const v = view.getUint32(pos);
      pos += 4;
      return v;
    }
    if (ai === 27) {
      need(8);
      const hi = view.getUint32(pos);
      const lo = view.getUint32(pos + 4);
      pos += 8;
      return hi * 2 ** 32 + lo; // only compared against lengths; inexact above 2^53 is fine
    }
    if (ai === 31) return -1;
    fail(`reserved additional information ${ai}`, pos - 1);
  };

  const string = (major: number, len: number, isKey: boolean): void => {
    if (len >= 0) {
      need(len);
      if (isKey && len === PROTO.length && PROTO.every((c, i) => bytes[pos + i] === c)) {
        fail('the key "__proto__" is not supported', pos);
      }
      pos += len;
      return;
    }
    // Indefinite-length string: definite chunks of the same major type until "break".
    for (;;) {
      need(1);
      const b = bytes[pos]!;
      if (b === 0xff) {
        pos++;
        return;
      }
      pos++;
      if (b >> 5 !== major) fail('indefinite string chunk of another type', pos - 1);
      const l = argument(b & 31);
      if (l < 0) fail('nested indefinite string chunk', pos - 1);
      need(l);
      pos += l;
    }
  };

  const item = (depth: number, isKey: boolean): void => {
    need(1);
    const head = bytes[pos++]!;
    const major = head >> 5;
    const ai = head & 31;
    if (isKey && major !== 3) fail('dictionary keys must be text strings', pos - 1);
    switch (major) {
      case 0:
      case 1:
        if (argument(ai) < 0) fail('indefinite length integer', pos - 1);
        return;
      case 2:
      case 3:
        string(major, argument(ai), isKey);
        return;
      case 4:
      case 5: {
        if (depth >= maxDepth) fail(`nesting deeper than the limit of ${maxDepth}`, pos - 1);
        const len = argument(ai);
        const per = major === 5 ? 2 : 1;
        if (len >= 0) {
          need(len * per);
          for (let i = 0; i < len; i++) {
            if (major === 5) item(depth + 1, true);
            item(depth + 1, false);
          }
          return;
        }
        for (;;) {
          need(1);
          if (bytes[pos] === 0xff) {
            pos++;
            return;
          }
          if (major === 5) item(depth + 1, true);
          item(depth + 1, false);
        }
      }
      case 6: {
        const tag = argument(ai);
        if (tag !== 2 && tag !== 3) fail(`unsupported tag ${tag}`, pos - 1);
        need(1);
        if (bytes[pos]! >> 5 !== 2) fail('bignum tag content must be a byte string', pos);
        item(depth, false);
        return;
      }
      default:
        // major 7: false, true, null, half/single/double floats.
        if (ai === 20 || ai === 21 || ai === 22) return;
        if (ai === 25 || ai === 26 || ai === 27) {
          const size = ai === 25 ? 2 : ai === 26 ? 4 : 8;
          need(size);
          pos += size;
          return;
        }
        if (ai === 31) fail('unexpected "break"', pos - 1);
        fail(
          ai === 23 ? 'undefined is not a WAMP value' : `unsupported simple value ${ai}`,
          pos - 1,
        );
    }
  };

  item(0, false);
  if (pos !== n) fail(`${n - pos} trailing bytes after the message`, pos);
}
