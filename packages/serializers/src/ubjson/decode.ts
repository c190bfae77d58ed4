/**
 * UBJSON decoder (ubjson.org, Draft 12) that also reads the BJData forms Autobahn|Python
 * >= 26 emits: the BJData-only markers u/m/M (little-endian uint16/32/64), h (float16),
 * B (byte) and the binary form `[$B#`. Markers UBJSON and BJData share (I, l, L, d, D) keep
 * their UBJSON big-endian meaning: the two formats cannot be told apart on those.
 *
 * Bounded: nesting within maxDepth, every count/length checked against the bytes that remain,
 * typed containers of zero-size types (Z, N, T, F) rejected, so N input bytes allocate O(N).
 */

import { defineEntry } from '../binary/define-entry.js';
import { ProtocolViolationError } from '../errors.js';
import { M } from './markers.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const ID_MAX = 2n ** 53n;
const NUMBER_SYNTAX = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function fail(message: string, pos: number): never {
  throw new ProtocolViolationError(`invalid UBJSON at byte ${pos}: ${message}`);
}

function bigToValue(v: bigint): number | bigint {
  return v >= -SAFE_MAX && v <= ID_MAX ? Number(v) : v;
}

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

class Reader {
  readonly view: DataView;
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(count: number): void {
    if (count > this.bytes.length - this.pos) {
      fail(`declared ${count} bytes but ${this.bytes.length - this.pos} remain`, this.pos);
    }
  }

  marker(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  /** A marker, skipping no-op (N) markers (allowed between values). */
  markerSkippingNoop(): number {
    let m = this.marker();
    while (m === M.NOOP) m = this.marker();
    return m;
  }

  /** Integer of the given marker type (used for lengths and counts too). */
  integer(m: number): number | bigint {
    const v = this.view;
    let r: number | bigint;
    switch (m) {
      case M.INT8:
        this.need(1);
        r = v.getInt8(this.pos);
        this.pos += 1;
        return r;
      case M.UINT8:
      case M.BJ_BYTE:
        this.need(1);
        return this.bytes[this.pos++]!;
      case M.INT16:
        this.need(2);
        r = v.getInt16(this.pos);
        this.pos += 2;
        return r;
      case M.BJ_UINT16:
        this.need(2);
        r = v.getUint16(this.pos, true);
        this.pos += 2;
        return r;
      case M.INT32:
        this.need(4);
        r = v.getInt32(this.pos);
        this.pos += 4;
        return r;
      case M.BJ_UINT32:
        this.need(4);
        r = v.getUint32(this.pos, true);
        this.pos += 4;
        return r;
      case M.INT64:
        this.need(8);
        r = bigToValue(v.getBigInt64(this.pos));
        this.pos += 8;
        return r;
      case M.BJ_UINT64:
        this.need(8);
        r = bigToValue(v.getBigUint64(this.pos, true));
        this.pos += 8;
        return r;
      default:
        return fail(`marker 0x${m.toString(16)} is not an integer type`, this.pos - 1);
    }
  }

  /** A length or count: an integer value, non-negative and no larger than `perItem` * remaining. */
  length(perItem: number): number {
    const at = this.pos;
    const n = this.integer(this.marker());
    if (typeof n !== 'number' || n < 0) fail('invalid length', at);
    this.need(n * perItem);
    return n;
  }

  text(): string {
    const len = this.length(1);
    const start = this.pos;
    this.pos += len;
    try {
      return utf8.decode(this.bytes.subarray(start, start + len));
    } catch (e) {
      throw new ProtocolViolationError(
        `invalid UBJSON at byte ${start}: string is not valid UTF-8`,
        {
          cause: e,
        },
      );
    }
  }

  /** Value of marker `m` (already read). */
  value(m: number, depth: number): unknown {
    switch (m) {
      case M.NULL:
        return null;
      case M.TRUE:
        return true;
      case M.FALSE:
        return false;
      case M.INT8:
      case M.UINT8:
      case M.INT16:
      case M.INT32:
      case M.INT64:
      case M.BJ_UINT16:
      case M.BJ_UINT32:
      case M.BJ_UINT64:
      case M.BJ_BYTE:
        return this.integer(m);
      case M.FLOAT32: {
        this.need(4);
        const r = this.view.getFloat32(this.pos);
        this.pos += 4;
        return r;
      }
      case M.FLOAT64: {
        this.need(8);
        const r = this.view.getFloat64(this.pos);
        this.pos += 8;
        return r;
      }
      case M.BJ_FLOAT16: {
        this.need(2);
        const r = float16(this.view.getUint16(this.pos, true));
        this.pos += 2;
        return r;
      }
      case M.HIGH_PRECISION: {
        const at = this.pos;
        const s = this.text();
        if (!NUMBER_SYNTAX.test(s)) fail('invalid high-precision number', at);
        return /^-?\d+$/.test(s) ? bigToValue(BigInt(s)) : Number(s);
      }
      case M.CHAR: {
        this.need(1);
        const c = this.bytes[this.pos++]!;
        if (c >= 0x80) fail('char must be ASCII', this.pos - 1);
        return String.fromCharCode(c);
      }
      case M.STRING:
        return this.text();
      case M.ARRAY_START:
        return this.array(depth);
      case M.OBJECT_START:
        return this.object(depth);
      default:
        return fail(`unknown marker 0x${m.toString(16)}`, this.pos - 1);
    }
  }

  /** Optional `$type` and `#count` after a container start (spec "Optimized Format"). */
  header(): { type: number; count: number } {
    let type = -1;
    let count = -1;
    if (this.bytes[this.pos] === M.TYPE) {
      this.pos++;
      type = this.marker();
      if (type === M.NULL || type === M.NOOP || type === M.TRUE || type === M.FALSE) {
        fail('typed container of a zero-size type', this.pos - 1);
      }
      if (this.bytes[this.pos] !== M.COUNT) fail('a typed container needs a count', this.pos);
    }
    if (this.bytes[this.pos] === M.COUNT) {
      this.pos++;
      if (this.bytes[this.pos] === M.ARRAY_START)
        fail('N-dimensional arrays are not supported', this.pos);
      count = this.length(1);
    }
    return { type, count };
  }

  enter(depth: number): void {
    if (depth >= this.maxDepth)
      fail(`nesting deeper than the limit of ${this.maxDepth}`, this.pos - 1);
  }

  array(depth: number): unknown {
    this.enter(depth);
    const { type, count } = this.header();
    if (type === M.UINT8 || type === M.BJ_BYTE) {
      // Binary: py-ubjson writes bytes as [$U#, BJData as [$B#.
      const out = this.bytes.slice(this.pos, this.pos + count);
      this.pos += count;
      return out;
    }
    const out: unknown[] = [];
    if (count >= 0) {
      for (let i = 0; i < count; i++) {
        out.push(this.value(type >= 0 ? type : this.marker(), depth + 1));
      }
      return out;
    }
    for (;;) {
      const m = this.markerSkippingNoop();
      if (m === M.ARRAY_END) return out;
      out.push(this.value(m, depth + 1));
    }
  }

  object(depth: number): unknown {
    this.enter(depth);
    const { type, count } = this.header();
    const out: Record<string, unknown> = {};
    if (count >= 0) {
      for (let i = 0; i < count; i++) {
        const key = this.text();
        defineEntry(out, key, this.value(type >= 0 ? type : this.marker(), depth + 1));
      }
      return out;
    }
    for (;;) {
      while (this.bytes[this.pos] === M.NOOP) this.pos++;
      this.need(1);
      if (this.bytes[this.pos] === M.OBJECT_END) {
        this.pos++;
        return out;
      }
      const key = this.text();
      defineEntry(out, key, this.value(this.markerSkippingNoop(), depth + 1));
    }
  }
}

export function decodeUbjson(input: Uint8Array, maxDepth: number): unknown {
  // A plain Uint8Array view (not a Node Buffer), so the binary values sliced from it are too.
  const bytes =
    input.constructor === Uint8Array
      ? input
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const r = new Reader(bytes, maxDepth);
  const value = r.value(r.markerSkippingNoop(), 0);
  if (r.pos !== bytes.length)
    fail(`${bytes.length - r.pos} trailing bytes after the message`, r.pos);
  return value;
}
