/**
 * UBJSON encoder (ubjson.org, Draft 12), producing the same bytes as py-ubjson 0.16 (the
 * backend of Autobahn|Python's `wamp.2.ubjson`): the smallest integer type (U before i),
 * float64 for non-integers, NaN/Infinity as null (spec "Value Types": unsupported numbers),
 * a one-character ASCII string as C, containers without count/type optimisation, and binary
 * as a strongly typed uint8 array `[$U#<count>`.
 */
import { SerializationError } from '../errors.js';
import { M } from './markers.js';

const utf8 = new TextEncoder();
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

class Writer {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  pos = 0;

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

function writeInt(w: Writer, v: number): void {
  w.ensure(9);
  if (v >= 0 && v <= 0xff) {
    w.buf[w.pos++] = M.UINT8;
    w.buf[w.pos++] = v;
  } else if (v >= -0x80 && v < 0) {
    w.buf[w.pos++] = M.INT8;
    w.view.setInt8(w.pos++, v);
  } else if (v >= -0x8000 && v <= 0x7fff) {
    w.buf[w.pos++] = M.INT16;
    w.view.setInt16(w.pos, v);
    w.pos += 2;
  } else if (v >= -0x80000000 && v <= 0x7fffffff) {
    w.buf[w.pos++] = M.INT32;
    w.view.setInt32(w.pos, v);
    w.pos += 4;
  } else {
    w.buf[w.pos++] = M.INT64;
    w.view.setBigInt64(w.pos, BigInt(v));
    w.pos += 8;
  }
}

function writeBigInt(w: Writer, v: bigint): void {
  if (v >= INT64_MIN && v <= INT64_MAX) {
    if (v >= -(2n ** 31n) && v < 2n ** 31n) {
      writeInt(w, Number(v));
      return;
    }
    w.ensure(9);
    w.buf[w.pos++] = M.INT64;
    w.view.setBigInt64(w.pos, v);
    w.pos += 8;
    return;
  }
  // Beyond int64: high-precision number, a length-prefixed decimal string.
  const digits = utf8.encode(v.toString());
  w.byte(M.HIGH_PRECISION);
  writeInt(w, digits.length);
  w.bytes(digits);
}

function writeString(w: Writer, s: string): void {
  if (s.length === 1 && s.charCodeAt(0) < 0x80) {
    w.ensure(2);
    w.buf[w.pos++] = M.CHAR;
    w.buf[w.pos++] = s.charCodeAt(0);
    return;
  }
  w.byte(M.STRING);
  writeKey(w, s);
}

/** Length + UTF-8 bytes, the form of strings after S and of object keys. */
function writeKey(w: Writer, s: string): void {
  // Fast path for ASCII: one byte per code unit.
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    writeInt(w, s.length);
    w.ensure(s.length);
    for (let i = 0; i < s.length; i++) w.buf[w.pos++] = s.charCodeAt(i);
    return;
  }
  const b = utf8.encode(s);
  writeInt(w, b.length);
  w.bytes(b);
}

function writeValue(w: Writer, v: unknown, depth: number): void {
  switch (typeof v) {
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER + 1) writeInt(w, v);
      else if (Number.isFinite(v)) {
        w.ensure(9);
        w.buf[w.pos++] = M.FLOAT64;
        w.view.setFloat64(w.pos, v);
        w.pos += 8;
      } else w.byte(M.NULL);
      return;
    case 'string':
      writeString(w, v);
      return;
    case 'boolean':
      w.byte(v ? M.TRUE : M.FALSE);
      return;
    case 'bigint':
      writeBigInt(w, v);
      return;
    case 'object':
      break;
    default:
      throw new SerializationError(`a ${typeof v} is not representable in UBJSON`);
  }
  if (v === null) {
    w.byte(M.NULL);
    return;
  }
  if (depth > 512) throw new SerializationError('value nested too deeply');
  if (v instanceof Uint8Array) {
    w.ensure(3);
    w.buf[w.pos++] = M.ARRAY_START;
    w.buf[w.pos++] = M.TYPE;
    w.buf[w.pos++] = M.UINT8;
    w.byte(M.COUNT);
    writeInt(w, v.length);
    w.bytes(v);
    return;
  }
  if (Array.isArray(v)) {
    w.byte(M.ARRAY_START);
    for (const e of v) writeValue(w, e, depth + 1);
    w.byte(M.ARRAY_END);
    return;
  }
  w.byte(M.OBJECT_START);
  const obj = v as Record<string, unknown>;
  for (const k in obj) {
    const e = obj[k];
    if (e === undefined) continue;
    writeKey(w, k);
    writeValue(w, e, depth + 1);
  }
  w.byte(M.OBJECT_END);
}

/** Encodes a WAMP value as UBJSON. */
export function encodeUbjson(value: unknown): Uint8Array {
  const w = new Writer();
  writeValue(w, value, 0);
  return w.buf.slice(0, w.pos);
}
