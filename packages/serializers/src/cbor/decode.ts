/**
 * CBOR decoder (RFC 8949) for WAMP values, in one pass: one data item filling the input,
 * declared lengths checked against the remaining bytes before anything is allocated, nesting
 * within maxDepth, text-string map keys, strict UTF-8 (section 3.1, major type 3). Only the
 * values WAMP uses: integers (beyond [-2^53, 2^53] as bigint), bignums (tags 2/3, section
 * 3.4.3), byte strings (as plain Uint8Array copies; also tag 64, RFC 8746 uint8 typed array,
 * which cbor-x writes for a Uint8Array), text, arrays, maps, false/true/null, floats.
 * `undefined` (simple value 23, which wampy sends) is accepted only where the caller allows it.
 */
import { defineEntry } from '../binary/define-entry.js';
import { FAST_KEYS, noteBigMap, shapeStep } from '../binary/map-shapes.js';
import { keyHash, readKey, readUtf8 } from '../binary/utf8.js';
import { ProtocolViolationError } from '../errors.js';
import { undefinedTolerantSlots } from '../wire.js';

const MAX_SAFE = 2 ** 53;
const MAX_SAFE_N = BigInt(MAX_SAFE);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

let bytes: Uint8Array = new Uint8Array(0);
let view: DataView = new DataView(bytes.buffer);
let pos = 0;
let end = 0;
let maxDepth = 0;

function fail(message: string, at: number): never {
  throw new ProtocolViolationError(`invalid CBOR at byte ${at}: ${message}`);
}

function need(count: number): void {
  if (count > end - pos) fail(`declared ${count} bytes but ${end - pos} remain`, pos);
}

/** Marker for `undefined`; never escapes this module. */
const UNDEFINED = Symbol('undefined');
/** Marker for the "break" stop code (0xff) ending an indefinite-length item. */
const BREAK = Symbol('break');

function bigToValue(v: bigint): number | bigint {
  return v >= -MAX_SAFE_N && v <= MAX_SAFE_N ? Number(v) : v;
}

/**
 * Argument of a head (section 3) with additional information `ai`: a number (exact up to
 * 2^53; larger 64-bit arguments are returned as bigint), or -1 for indefinite length (31).
 */
function argument(ai: number): number | bigint {
  if (ai < 24) return ai;
  let v: number;
  switch (ai) {
    case 24:
      need(1);
      return bytes[pos++]!;
    case 25:
      need(2);
      v = view.getUint16(pos);
      pos += 2;
      return v;
    case 26:
      need(4);
      v = view.getUint32(pos);
      pos += 4;
      return v;
    case 27: {
      need(8);
      const hi = view.getUint32(pos);
      const r = hi < 0x200000 ? hi * 0x100000000 + view.getUint32(pos + 4) : view.getBigUint64(pos);
      pos += 8;
      return r;
    }
    case 31:
      return -1;
    default:
      return fail(`reserved additional information ${ai}`, pos - 1);
  }
}

/** A length argument: definite lengths must fit in the remaining input (`per` bytes each). */
function lengthOf(ai: number, per: number): number {
  const at = pos - 1;
  const n = argument(ai);
  if (typeof n === 'bigint') return fail(`declared length ${n} exceeds the input`, at);
  if (n >= 0) need(n * per);
  return n;
}

function utf8At(start: number, stop: number, key: boolean): string {
  try {
    return key ? readKey(bytes, start, stop) : readUtf8(bytes, start, stop);
  } catch (e) {
    throw new ProtocolViolationError(`invalid CBOR at byte ${start}: string is not valid UTF-8`, {
      cause: e,
    });
  }
}

/** Chunks of an indefinite-length byte/text string (section 3.2.3), joined. */
function chunks(major: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    need(1);
    const b = bytes[pos++]!;
    if (b === 0xff) break;
    if (b >> 5 !== major) fail('indefinite string chunk of another type', pos - 1);
    const len = lengthOf(b & 31, 1);
    if (len < 0) fail('nested indefinite string chunk', pos - 1);
    parts.push(bytes.subarray(pos, pos + len));
    pos += len;
    total += len;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function readText(ai: number, key: boolean): string {
  const len = lengthOf(ai, 1);
  if (len >= 0) {
    const start = pos;
    pos += len;
    return utf8At(start, pos, key);
  }
  const joined = chunks(3);
  try {
    return key ? readKey(joined, 0, joined.length) : readUtf8(joined, 0, joined.length);
  } catch (e) {
    throw new ProtocolViolationError('invalid CBOR: string is not valid UTF-8', { cause: e });
  }
}

function readBytes(ai: number): Uint8Array {
  const len = lengthOf(ai, 1);
  if (len < 0) return chunks(2);
  const out = bytes.slice(pos, pos + len);
  pos += len;
  return out;
}

function readKeyString(): string {
  need(1);
  const head = bytes[pos++]!;
  if (head >> 5 !== 3) fail('dictionary keys must be text strings', pos - 1);
  const ai = head & 31;
  if (ai >= 24) return readText(ai, true);
  // Short key (length in the head): the common case, without the general length path.
  if (ai > end - pos) need(ai);
  const start = pos;
  pos += ai;
  try {
    return readKey(bytes, start, pos);
  } catch (e) {
    throw new ProtocolViolationError(`invalid CBOR at byte ${start}: string is not valid UTF-8`, {
      cause: e,
    });
  }
}

function readArray(ai: number, depth: number): unknown[] {
  if (depth >= maxDepth) fail(`nesting deeper than the limit of ${maxDepth}`, pos - 1);
  const len = lengthOf(ai, 1);
  const arr: unknown[] = [];
  if (len >= 0) {
    for (let i = 0; i < len; i++) arr.push(element(readItem(depth + 1)));
    return arr;
  }
  for (;;) {
    const v = readItem(depth + 1);
    if (v === BREAK) return arr;
    arr.push(element(v));
  }
}

/** A value where neither `undefined` nor "break" may stand. */
function element(v: unknown): unknown {
  if (v === UNDEFINED) fail('undefined is not a WAMP value', pos - 1);
  if (v === BREAK) fail('unexpected "break"', pos - 1);
  return v;
}

function readMap(ai: number, depth: number, dropUndefined: boolean): Record<string, unknown> {
  if (depth >= maxDepth) fail(`nesting deeper than the limit of ${maxDepth}`, pos - 1);
  const len = lengthOf(ai, 2);
  const obj: Record<string, unknown> = {};
  let shape = len;
  let count = len;
  if (len >= 0) {
    for (let i = 0; i < len; i++) {
      const key = readKeyString();
      shape = shapeStep(shape, keyHash);
      const v = readItem(depth + 1);
      if (v === UNDEFINED || v === BREAK) {
        if (v === UNDEFINED && dropUndefined) continue;
        element(v);
      }
      if (key === '__proto__') defineEntry(obj, key, v);
      else obj[key] = v;
    }
  } else {
    // Indefinite length (section 3.2.2): entries up to the "break" stop code.
    for (count = 0; ; count++) {
      need(1);
      if (bytes[pos] === 0xff) {
        pos++;
        break;
      }
      const key = readKeyString();
      shape = shapeStep(shape, keyHash);
      const v = readItem(depth + 1);
      if (v === UNDEFINED && dropUndefined) continue;
      if (key === '__proto__') defineEntry(obj, key, element(v));
      else obj[key] = element(v);
    }
  }
  if (count > FAST_KEYS) noteBigMap(obj, shape);
  return obj;
}

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function readItem(depth: number): unknown {
  if (pos >= end) need(1);
  const head = bytes[pos++]!;
  const ai = head & 31;
  switch (head >> 5) {
    case 0: {
      if (ai < 24) return ai;
      const v = argument(ai);
      if (v === -1) fail('indefinite length integer', pos - 1);
      return typeof v === 'bigint' ? bigToValue(v) : v;
    }
    case 1: {
      if (ai < 24) return -1 - ai;
      const v = argument(ai);
      if (v === -1) fail('indefinite length integer', pos - 1);
      return typeof v === 'bigint' ? bigToValue(-1n - v) : -1 - v;
    }
    case 2:
      return readBytes(ai);
    case 3:
      return readText(ai, false);
    case 4:
      return readArray(ai, depth);
    case 5:
      return readMap(ai, depth, false);
    case 6: {
      const at = pos - 1;
      const tag = argument(ai);
      if (tag !== 2 && tag !== 3 && tag !== 64) fail(`unsupported tag ${tag}`, at);
      need(1);
      const content = bytes[pos++]!;
      if (content >> 5 !== 2) fail('tag content must be a byte string', pos - 1);
      const b = readBytes(content & 31);
      if (tag === 64) return b;
      let hex = '0x0';
      for (let i = 0; i < b.length; i++) hex += HEX[b[i]!]!;
      const n = BigInt(hex);
      return bigToValue(tag === 2 ? n : -1n - n);
    }
    default: {
      let v: number;
      switch (ai) {
        case 20:
          return false;
        case 21:
          return true;
        case 22:
          return null;
        case 23:
          return UNDEFINED;
        case 25:
          need(2);
          v = float16(view.getUint16(pos));
          pos += 2;
          return v;
        case 26:
          need(4);
          v = view.getFloat32(pos);
          pos += 4;
          return v;
        case 27:
          need(8);
          v = view.getFloat64(pos);
          pos += 8;
          return v;
        case 31:
          return BREAK;
        default:
          return fail(`unsupported simple value ${ai}`, pos - 1);
      }
    }
  }
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
  element(value);
  if (pos !== end) fail(`${end - pos} trailing bytes after the message`, pos);
  return value;
}

/** Decodes one WAMP value (args, kwargs, ...); `undefined` is refused everywhere. */
export function decodeCborValue(input: Uint8Array, depthLimit: number): unknown {
  start(input, depthLimit);
  return finish(readItem(0));
}

/**
 * Decodes a WAMP message array. Keys whose value is `undefined` are dropped from the message's
 * Options/Details/kwargs dictionaries (wire.ts undefinedTolerantSlots) and refused elsewhere.
 */
export function decodeCborMessage(input: Uint8Array, depthLimit: number): unknown {
  start(input, depthLimit);
  need(1);
  const head = bytes[pos]!;
  if (head >> 5 !== 4) return finish(readItem(0));
  pos++;
  if (maxDepth <= 0) fail(`nesting deeper than the limit of ${maxDepth}`, 0);
  const len = lengthOf(head & 31, 1);
  const arr: unknown[] = [];
  let slots = 0;
  for (let i = 0; len < 0 || i < len; i++) {
    need(1);
    const b = bytes[pos]!;
    let v: unknown;
    if (i < 8 && (slots >> i) & 1 && b >> 5 === 5) {
      pos++;
      v = readMap(b & 31, 1, true);
    } else {
      v = readItem(1);
      if (v === BREAK && len < 0) break;
      element(v);
    }
    if (i === 0) slots = undefinedTolerantSlots(v);
    arr.push(v);
  }
  return finish(arr);
}
