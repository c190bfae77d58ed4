/**
 * CBOR encoder (RFC 8949) producing the bytes Autobahn|Python (cbor2) writes: the shortest
 * head for integers and lengths (section 4.2.1), integers in [2^32, 2^53] as 64-bit
 * unsigned/negative integers (not floats: peers reject float IDs), bignums (tags 2/3, section
 * 3.4.3) beyond 64 bits, float64 for other numbers, definite-length strings/arrays/maps, binary
 * as a byte string. A dict key whose value is `undefined` is left out.
 */
import { Output } from '../binary/output.js';
import { utf8Length, writeUtf8 } from '../binary/utf8.js';
import { SerializationError } from '../errors.js';

const out = new Output();
const MAX_SAFE = 2 ** 53;
const UINT64_LIMIT = 2n ** 64n;

/** Head of major type `major` (0..7) with argument `v` (0 <= v <= 2^53), shortest form. */
function writeHead(major: number, v: number): void {
  const o = out;
  o.ensure(9);
  const b = o.buf;
  const m = major << 5;
  if (v < 24) b[o.pos++] = m | v;
  else if (v < 0x100) {
    b[o.pos++] = m | 24;
    b[o.pos++] = v;
  } else if (v < 0x10000) {
    b[o.pos++] = m | 25;
    b[o.pos++] = v >>> 8;
    b[o.pos++] = v & 0xff;
  } else if (v < 0x100000000) {
    b[o.pos++] = m | 26;
    o.view.setUint32(o.pos, v);
    o.pos += 4;
  } else {
    b[o.pos++] = m | 27;
    o.view.setUint32(o.pos, Math.floor(v / 0x100000000));
    o.view.setUint32(o.pos + 4, v >>> 0);
    o.pos += 8;
  }
}

function writeNumber(v: number): void {
  if (Number.isInteger(v) && v <= MAX_SAFE && v >= -MAX_SAFE) {
    if (v >= 0) writeHead(0, v);
    else writeHead(1, -1 - v);
    return;
  }
  const o = out;
  o.ensure(9);
  o.buf[o.pos++] = 0xfb;
  o.view.setFloat64(o.pos, v);
  o.pos += 8;
}

function writeBigInt(v: bigint): void {
  const negative = v < 0n;
  const n = negative ? -1n - v : v;
  if (n <= BigInt(MAX_SAFE)) {
    writeHead(negative ? 1 : 0, Number(n));
    return;
  }
  const o = out;
  if (n < UINT64_LIMIT) {
    o.ensure(9);
    o.buf[o.pos++] = ((negative ? 1 : 0) << 5) | 27;
    o.view.setBigUint64(o.pos, n);
    o.pos += 8;
    return;
  }
  // Bignum: tag 2 (positive) or 3 (negative) over the big-endian magnitude bytes.
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  writeHead(6, negative ? 3 : 2);
  writeHead(2, hex.length / 2);
  o.ensure(hex.length / 2);
  for (let i = 0; i < hex.length; i += 2) o.buf[o.pos++] = Number.parseInt(hex.slice(i, i + 2), 16);
}

function writeString(s: string): void {
  const n = s.length;
  const o = out;
  if (n < 24) {
    // Optimistic ASCII: one-byte head, one byte per code unit.
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
      b[o.pos] = 0x60 | n;
      o.pos = p;
      return;
    }
  }
  const len = utf8Length(s);
  writeHead(3, len);
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
      out.buf[out.pos++] = v ? 0xf5 : 0xf4;
      return;
    case 'object':
      break;
    case 'bigint':
      writeBigInt(v);
      return;
    default:
      throw new SerializationError(`a ${typeof v} is not representable in CBOR`);
  }
  if (v === null) {
    out.ensure(1);
    out.buf[out.pos++] = 0xf6;
    return;
  }
  if (depth > 512) throw new SerializationError('value nested too deeply');
  if (Array.isArray(v)) {
    const n = v.length;
    writeHead(4, n);
    for (let i = 0; i < n; i++) writeValue(v[i], depth + 1);
    return;
  }
  if (v instanceof Uint8Array) {
    writeHead(2, v.length);
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
  writeHead(5, n);
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
  if (skipped > 0) {
    // Keys with undefined values were left out: write the real count (the head may shrink).
    const bodyEnd = o.pos;
    o.pos = o.start + headerAt;
    writeHead(5, n - skipped);
    const shift = o.start + bodyAt - o.pos;
    if (shift > 0) o.buf.copyWithin(o.pos, o.start + bodyAt, bodyEnd);
    o.pos = bodyEnd - shift;
  }
}

/** Encodes a WAMP value (message array, args, kwargs) as CBOR. */
export function encodeCborValue(value: unknown): Uint8Array {
  out.begin();
  try {
    writeValue(value, 0);
  } catch (e) {
    out.abandon();
    throw e;
  }
  return out.finish();
}
