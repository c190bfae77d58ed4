/**
 * MessagePack decoder (format spec: github.com/msgpack/msgpack spec.md) for WAMP values, in
 * one pass: exactly one value filling the input, every declared length checked against the
 * bytes that remain before anything is allocated (N input bytes allocate O(N)), nesting within
 * maxDepth, string map keys, strict UTF-8. Integers beyond [-2^53, 2^53] decode as bigint,
 * bin as a plain Uint8Array copy. Extension types are refused except msgpackr's `undefined`
 * (fixext 1, type 0, data 0: what wampy sends), accepted only where the caller allows it.
 */
import { defineEntry } from '../binary/define-entry.js';
import { FAST_KEYS, noteBigMap, shapeStep } from '../binary/map-shapes.js';
import { keyHash, readKey, readUtf8 } from '../binary/utf8.js';
import { ProtocolViolationError } from '../errors.js';
import { undefinedTolerantSlots } from '../wire.js';

const MAX_SAFE = 2 ** 53;
const MAX_SAFE_N = BigInt(MAX_SAFE);

let bytes: Uint8Array = new Uint8Array(0);
let view: DataView = new DataView(bytes.buffer);
let pos = 0;
let end = 0;
let maxDepth = 0;

function fail(message: string, at: number): never {
  throw new ProtocolViolationError(`invalid MessagePack at byte ${at}: ${message}`);
}

function need(count: number): void {
  if (count > end - pos) fail(`declared ${count} bytes but ${end - pos} remain`, pos);
}

/** Marker for msgpackr's `undefined`; never escapes this module. */
const UNDEFINED = Symbol('undefined');

function bigToValue(v: bigint): number | bigint {
  return v >= -MAX_SAFE_N && v <= MAX_SAFE_N ? Number(v) : v;
}

function readString(len: number): string {
  need(len);
  const start = pos;
  pos += len;
  try {
    return readUtf8(bytes, start, pos);
  } catch (e) {
    throw new ProtocolViolationError(
      `invalid MessagePack at byte ${start}: string is not valid UTF-8`,
      {
        cause: e,
      },
    );
  }
}

function readKeyString(): string {
  if (pos >= end) fail('unexpected end of input', pos);
  const b = bytes[pos++]!;
  let len: number;
  if (b >= 0xa0 && b <= 0xbf) len = b & 0x1f;
  else if (b === 0xd9) {
    need(1);
    len = bytes[pos++]!;
  } else if (b === 0xda) {
    need(2);
    len = view.getUint16(pos);
    pos += 2;
  } else if (b === 0xdb) {
    need(4);
    len = view.getUint32(pos);
    pos += 4;
  } else return fail('dictionary keys must be strings', pos - 1);
  need(len);
  const start = pos;
  pos += len;
  try {
    return readKey(bytes, start, pos);
  } catch (e) {
    throw new ProtocolViolationError(
      `invalid MessagePack at byte ${start}: string is not valid UTF-8`,
      {
        cause: e,
      },
    );
  }
}

function readArray(len: number, depth: number): unknown[] {
  if (depth >= maxDepth) fail(`nesting deeper than the limit of ${maxDepth}`, pos - 1);
  need(len); // every element takes at least one byte
  const arr: unknown[] = [];
  for (let i = 0; i < len; i++) {
    const v = readValue(depth + 1);
    if (v === UNDEFINED) fail('undefined is not a WAMP value', pos - 3);
    arr.push(v);
  }
  return arr;
}

function readMap(len: number, depth: number, dropUndefined: boolean): Record<string, unknown> {
  if (depth >= maxDepth) fail(`nesting deeper than the limit of ${maxDepth}`, pos - 1);
  need(len * 2); // every entry takes at least two bytes
  const obj: Record<string, unknown> = {};
  let shape = len;
  for (let i = 0; i < len; i++) {
    const key = readKeyString();
    shape = shapeStep(shape, keyHash);
    const v = readValue(depth + 1);
    if (v === UNDEFINED) {
      if (dropUndefined) continue;
      fail('undefined is not a WAMP value', pos - 3);
    }
    if (key === '__proto__') defineEntry(obj, key, v);
    else obj[key] = v;
  }
  if (len > FAST_KEYS) noteBigMap(obj, shape);
  return obj;
}

function readBin(len: number): Uint8Array {
  need(len);
  const out = bytes.slice(pos, pos + len);
  pos += len;
  return out;
}

function readValue(depth: number): unknown {
  if (pos >= end) fail('unexpected end of input', pos);
  const b = bytes[pos++]!;
  if (b < 0x80) return b;
  if (b >= 0xe0) return b - 0x100;
  if (b >= 0xa0 && b <= 0xbf) return readString(b & 0x1f);
  if (b <= 0x8f) return readMap(b & 0x0f, depth, false);
  if (b <= 0x9f) return readArray(b & 0x0f, depth);
  let v: number;
  switch (b) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc4:
      need(1);
      return readBin(bytes[pos++]!);
    case 0xc5:
      need(2);
      v = view.getUint16(pos);
      pos += 2;
      return readBin(v);
    case 0xc6:
      need(4);
      v = view.getUint32(pos);
      pos += 4;
      return readBin(v);
    case 0xca:
      need(4);
      v = view.getFloat32(pos);
      pos += 4;
      return v;
    case 0xcb:
      need(8);
      v = view.getFloat64(pos);
      pos += 8;
      return v;
    case 0xcc:
      need(1);
      return bytes[pos++]!;
    case 0xcd:
      need(2);
      v = view.getUint16(pos);
      pos += 2;
      return v;
    case 0xce:
      need(4);
      v = view.getUint32(pos);
      pos += 4;
      return v;
    case 0xcf: {
      need(8);
      const hi = view.getUint32(pos);
      const r =
        hi < 0x200000
          ? hi * 0x100000000 + view.getUint32(pos + 4)
          : bigToValue(view.getBigUint64(pos));
      pos += 8;
      return r;
    }
    case 0xd0:
      need(1);
      return view.getInt8(pos++);
    case 0xd1:
      need(2);
      v = view.getInt16(pos);
      pos += 2;
      return v;
    case 0xd2:
      need(4);
      v = view.getInt32(pos);
      pos += 4;
      return v;
    case 0xd3: {
      need(8);
      const r = bigToValue(view.getBigInt64(pos));
      pos += 8;
      return r;
    }
    case 0xd4:
      // fixext 1: only msgpackr's undefined (type 0, data 0).
      need(2);
      if (bytes[pos] === 0 && bytes[pos + 1] === 0) {
        pos += 2;
        return UNDEFINED;
      }
      return fail('extension types are not WAMP values', pos - 1);
    case 0xd9:
      need(1);
      return readString(bytes[pos++]!);
    case 0xda:
      need(2);
      v = view.getUint16(pos);
      pos += 2;
      return readString(v);
    case 0xdb:
      need(4);
      v = view.getUint32(pos);
      pos += 4;
      return readString(v);
    case 0xdc:
      need(2);
      v = view.getUint16(pos);
      pos += 2;
      return readArray(v, depth);
    case 0xdd:
      need(4);
      v = view.getUint32(pos);
      pos += 4;
      return readArray(v, depth);
    case 0xde:
      need(2);
      v = view.getUint16(pos);
      pos += 2;
      return readMap(v, depth, false);
    case 0xdf:
      need(4);
      v = view.getUint32(pos);
      pos += 4;
      return readMap(v, depth, false);
    default:
      return fail(
        b === 0xc1 ? 'never-used type byte 0xc1' : 'extension types are not WAMP values',
        pos - 1,
      );
  }
}

/** The length of the array whose header starts at `pos`, or -1 when the value is no array. */
function arrayHeader(): number {
  const b = bytes[pos]!;
  if (b >= 0x90 && b <= 0x9f) {
    pos++;
    return b & 0x0f;
  }
  if (b === 0xdc && end - pos >= 3) {
    pos += 3;
    return view.getUint16(pos - 2);
  }
  if (b === 0xdd && end - pos >= 5) {
    pos += 5;
    return view.getUint32(pos - 4);
  }
  return -1;
}

function start(input: Uint8Array, depthLimit: number): void {
  bytes =
    input.constructor === Uint8Array
      ? input
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (
    bytes.buffer !== view.buffer ||
    bytes.byteOffset !== view.byteOffset ||
    bytes.byteLength !== view.byteLength
  ) {
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  pos = 0;
  end = bytes.length;
  maxDepth = depthLimit;
}

function finish(value: unknown): unknown {
  if (value === UNDEFINED) fail('undefined is not a WAMP value', 0);
  if (pos !== end) fail(`${end - pos} trailing bytes after the message`, pos);
  return value;
}

/** Decodes one WAMP value (args, kwargs, ...); `undefined` is refused everywhere. */
export function decodeMsgpackValue(input: Uint8Array, depthLimit: number): unknown {
  start(input, depthLimit);
  return finish(readValue(0));
}

/**
 * Decodes a WAMP message array. Keys whose value is `undefined` are dropped from the message's
 * Options/Details/kwargs dictionaries (wire.ts undefinedTolerantSlots) and refused elsewhere.
 */
export function decodeMsgpackMessage(input: Uint8Array, depthLimit: number): unknown {
  start(input, depthLimit);
  if (end === 0) fail('unexpected end of input', 0);
  const len = arrayHeader();
  if (len < 0) return finish(readValue(0));
  if (maxDepth <= 0) fail(`nesting deeper than the limit of ${maxDepth}`, 0);
  need(len);
  const arr: unknown[] = [];
  let slots = 0;
  for (let i = 0; i < len; i++) {
    let v: unknown;
    const b = bytes[pos]!;
    if (i < 8 && (slots >> i) & 1 && ((b >= 0x80 && b <= 0x8f) || b === 0xde || b === 0xdf)) {
      pos++;
      let n = b & 0x0f;
      if (b === 0xde) {
        need(2);
        n = view.getUint16(pos);
        pos += 2;
      } else if (b === 0xdf) {
        need(4);
        n = view.getUint32(pos);
        pos += 4;
      }
      v = readMap(n, 1, true);
    } else {
      v = readValue(1);
      if (v === UNDEFINED) fail('undefined is not a WAMP value', pos - 3);
    }
    if (i === 0) slots = undefinedTolerantSlots(v);
    arr.push(v);
  }
  return finish(arr);
}
