/**
 * Structural pre-check of MessagePack bytes (format spec: github.com/msgpack/msgpack spec.md)
 * before the library decodes them: exactly one value filling the input, every declared
 * length within the bytes that remain, nesting within maxDepth, map keys that are strings
 * (WAMP dictionaries), no extension types, no literal "__proto__" key.
 */
import { ProtocolViolationError } from './errors.js';

const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f]; // "__proto__"

function fail(message: string, pos: number): never {
  throw new ProtocolViolationError(`invalid MessagePack at byte ${pos}: ${message}`);
}

export function scanMsgpack(bytes: Uint8Array, maxDepth: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let pos = 0;

  const need = (count: number): void => {
    if (count > n - pos) fail(`declared ${count} bytes but ${n - pos} remain`, pos);
  };
  const uint = (size: 1 | 2 | 4): number => {
    need(size);
    const v = size === 1 ? bytes[pos]! : size === 2 ? view.getUint16(pos) : view.getUint32(pos);
    pos += size;
    return v;
  };

  // Returns the string length when the value was a str (for key checks), else -1.
  const value = (depth: number, isKey: boolean): void => {
    if (pos >= n) fail('unexpected end of input', pos);
    const b = bytes[pos++]!;
    let strLen = -1;
    let arrayLen = -1;
    let mapLen = -1;
    if (b <= 0x7f || b >= 0xe0) {
      // fixint
    } else if (b <= 0x8f) mapLen = b & 0x0f;
    else if (b <= 0x9f) arrayLen = b & 0x0f;
    else if (b <= 0xbf) strLen = b & 0x1f;
    else {
      switch (b) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break;
        case 0xc4:
          need(uint(1));
          pos += bytes[pos - 1]!;
          break;
        case 0xc5: {
          const l = uint(2);
          need(l);
          pos += l;
          break;
        }
        case 0xc6: {
          const l = uint(4);
          need(l);
          pos += l;
          break;
        }
        case 0xca:
        case 0xcc:
        case 0xcd:
        case 0xce:
        case 0xcf:
        case 0xd0:
        case 0xd1:
        case 0xd2:
        case 0xd3:
        case 0xcb: {
          const size = {
            202: 4,
            203: 8,
            204: 1,
            205: 2,
            206: 4,
            207: 8,
            208: 1,
            209: 2,
            210: 4,
            211: 8,
          }[b]!;
          need(size);
          pos += size;
          break;
        }
        case 0xd9:
          strLen = uint(1);
          break;
        case 0xda:
          strLen = uint(2);
          break;
        case 0xdb:
          strLen = uint(4);
          break;
        case 0xdc:
          arrayLen = uint(2);
          break;
        case 0xdd:
          arrayLen = uint(4);
          break;
        case 0xde:
          mapLen = uint(2);
          break;
        case 0xdf:
          mapLen = uint(4);
          break;
        default:
          fail(
            b === 0xc1 ? 'never-used type byte 0xc1' : 'extension types are not WAMP values',
            pos - 1,
          );
      }
    }
    if (strLen >= 0) {
      need(strLen);
      if (isKey && strLen === PROTO.length && PROTO.every((c, i) => bytes[pos + i] === c)) {
        fail('the key "__proto__" is not supported', pos);
      }
      pos += strLen;
      return;
    }
    if (isKey) fail('dictionary keys must be strings', pos - 1);
    if (arrayLen >= 0 || mapLen >= 0) {
      if (depth >= maxDepth) fail(`nesting deeper than the limit of ${maxDepth}`, pos - 1);
      // Every element takes at least one byte (a map entry two).
      if (arrayLen >= 0) {
        need(arrayLen);
        for (let i = 0; i < arrayLen; i++) value(depth + 1, false);
      } else {
        need(mapLen * 2);
        for (let i = 0; i < mapLen; i++) {
          value(depth + 1, true);
          value(depth + 1, false);
        }
      }
    }
  };

  value(0, false);
  if (pos !== n) fail(`${n - pos} trailing bytes after the message`, pos);
}
