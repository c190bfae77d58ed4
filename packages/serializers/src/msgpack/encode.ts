/**
 * MessagePack encoder (format spec: github.com/msgpack/msgpack spec.md) producing the bytes
 * Autobahn|Python (msgpack-python, use_bin_type) writes: the smallest integer form (uint for
 * non-negative, int for negative; integers in [2^32, 2^53] as uint64, not float64, because
 * peers reject float IDs), float64 for other numbers, str/bin/array/map with the smallest
 * header. A dict key whose value is `undefined` is left out; anything else without a
 * MessagePack form is a SerializationError.
 */
import { Output } from '../binary/output.js';
import { utf8Length, writeUtf8 } from '../binary/utf8.js';
import { SerializationError } from '../errors.js';

const out = new Output();
const MAX_SAFE = 2 ** 53;
const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);

function writeUint(v: number): void {
  const o = out;
  o.ensure(9);
  const b = o.buf;
  if (v < 0x80) b[o.pos++] = v;
  else if (v < 0x100) {
    b[o.pos++] = 0xcc;
    b[o.pos++] = v;
  } else if (v < 0x10000) {
    b[o.pos++] = 0xcd;
    b[o.pos++] = v >>> 8;
    b[o.pos++] = v & 0xff;
  } else if (v < 0x100000000) {
    b[o.pos++] = 0xce;
    o.view.setUint32(o.pos, v);
    o.pos += 4;
  } else {
    b[o.pos++] = 0xcf;
    o.view.setUint32(o.pos, Math.floor(v / 0x100000000));
    o.view.setUint32(o.pos + 4, v >>> 0);
    o.pos += 8;
  }
}

function writeNegInt(v: number): void {
  const o = out;
  o.ensure(9);
  const b = o.buf;
  if (v >= -32) b[o.pos++] = v & 0xff;
  else if (v >= -0x80) {
    b[o.pos++] = 0xd0;
    b[o.pos++] = v & 0xff;
  } else if (v >= -0x8000) {
    b[o.pos++] = 0xd1;
    o.view.setInt16(o.pos, v);
    o.pos += 2;
  } else if (v >= -0x80000000) {
    b[o.pos++] = 0xd2;
    o.view.setInt32(o.pos, v);
    o.pos += 4;
  } else {
    b[o.pos++] = 0xd3;
    o.view.setBigInt64(o.pos, BigInt(v));
    o.pos += 8;
  }
}

function writeNumber(v: number): void {
  if (Number.isInteger(v) && v <= MAX_SAFE && v >= -MAX_SAFE) {
    if (v >= 0) writeUint(v);
    else writeNegInt(v);
    return;
  }
  const o = out;
  o.ensure(9);
  o.buf[o.pos++] = 0xcb;
  o.view.setFloat64(o.pos, v);
  o.pos += 8;
}

function writeBigInt(v: bigint): void {
  if (v >= -BigInt(MAX_SAFE) && v <= BigInt(MAX_SAFE)) {
    writeNumber(Number(v));
    return;
  }
  const o = out;
  o.ensure(9);
  if (v > 0n && v <= UINT64_MAX) {
    o.buf[o.pos++] = 0xcf;
    o.view.setBigUint64(o.pos, v);
  } else if (v < 0n && v >= INT64_MIN) {
    o.buf[o.pos++] = 0xd3;
    o.view.setBigInt64(o.pos, v);
  } else {
    throw new SerializationError(`integer ${v} does not fit in 64 bits`);
  }
  o.pos += 8;
}

/** Type byte and length for str (fixstr/str8/16/32), bin (bin8/16/32), array, map. */
function writeHeader(kind: 0 | 1 | 2 | 3, len: number): void {
  const o = out;
  o.ensure(5);
  const b = o.buf;
  if (kind === 0 && len < 32) b[o.pos++] = 0xa0 | len;
  else if (kind === 2 && len < 16) b[o.pos++] = 0x90 | len;
  else if (kind === 3 && len < 16) b[o.pos++] = 0x80 | len;
  else if (len < 0x100 && kind < 2) {
    b[o.pos++] = kind === 0 ? 0xd9 : 0xc4;
    b[o.pos++] = len;
  } else if (len < 0x10000) {
    b[o.pos++] = kind === 0 ? 0xda : kind === 1 ? 0xc5 : kind === 2 ? 0xdc : 0xde;
    b[o.pos++] = len >>> 8;
    b[o.pos++] = len & 0xff;
  } else {
    b[o.pos++] = kind === 0 ? 0xdb : kind === 1 ? 0xc6 : kind === 2 ? 0xdd : 0xdf;
    o.view.setUint32(o.pos, len);
    o.pos += 4;
  }
}

function writeString(s: string): void {
  const n = s.length;
  const o = out;
  if (n < 32) {
    // Optimistic ASCII: fixstr header, one byte per code unit.
    o.ensure(n + 1);
    const b = o.buf;
    let p = o.pos + 1;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    if (i === n) {
      b[o.pos] = 0xa0 | n;
      o.pos = p;
      return;
    }
  }
  const len = utf8Length(s);
  writeHeader(0, len);
  o.ensure(len);
  o.pos = writeUtf8(o.buf, o.pos, s, len);
}

function writeValue(v: unknown, depth: number): void {
  switch (typeof v) {
    case 'string':
      writeString(v);
      return;
    case 'number':
      writeNumber(v);
      return;
    case 'boolean':
      out.ensure(1);
      out.buf[out.pos++] = v ? 0xc3 : 0xc2;
      return;
    case 'object':
      break;
    case 'bigint':
      writeBigInt(v);
      return;
    default:
      throw new SerializationError(`a ${typeof v} is not representable in MessagePack`);
  }
  if (v === null) {
    out.ensure(1);
    out.buf[out.pos++] = 0xc0;
    return;
  }
  if (depth > 512) throw new SerializationError('value nested too deeply');
  if (Array.isArray(v)) {
    const n = v.length;
    writeHeader(2, n);
    for (let i = 0; i < n; i++) writeValue(v[i], depth + 1);
    return;
  }
  if (v instanceof Uint8Array) {
    writeHeader(1, v.length);
    out.ensure(v.length);
    out.buf.set(v, out.pos);
    out.pos += v.length;
    return;
  }
  writeMap(v as Record<string, unknown>, depth);
}

function writeMap(obj: Record<string, unknown>, depth: number): void {
  const keys = Object.keys(obj);
  const n = keys.length;
  const o = out;
  // Offsets from the message start: a chunk replacement (Output.ensure) moves the message.
  const headerAt = o.pos - o.start;
  writeHeader(3, n);
  const bodyAt = o.pos - o.start;
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const e = obj[k];
    if (e === undefined) {
      skipped++;
      continue;
    }
    writeString(k);
    writeValue(e, depth + 1);
  }
  if (skipped > 0) rewriteMapHeader(o.start + headerAt, o.start + bodyAt, n - skipped);
}

/** Keys with undefined values were left out: write the real count (header may shrink). */
function rewriteMapHeader(headerAt: number, bodyAt: number, count: number): void {
  const o = out;
  const bodyEnd = o.pos;
  o.pos = headerAt;
  writeHeader(3, count);
  const shift = bodyAt - o.pos;
  if (shift > 0) o.buf.copyWithin(o.pos, bodyAt, bodyEnd);
  o.pos = bodyEnd - shift;
}

/** Encodes a WAMP value (message array, args, kwargs) as MessagePack. */
export function encodeMsgpackValue(value: unknown): Uint8Array {
  out.begin();
  try {
    writeValue(value, 0);
  } catch (e) {
    out.abandon();
    throw e;
  }
  return out.finish();
}
