/**
 * The MessagePack and CBOR decoders keep two bounded tables (issue 9): decoded short key strings
 * by their bytes (binary/utf8.ts readKey, 4096 slots) and, for dicts of more than 16 keys, the
 * key sequences whose hidden-class transitions were built once (binary/map-shapes.ts, 64 slots).
 * Neither may change a decoded value: keys that repeat, collide in a slot, are not ASCII, are
 * invalid UTF-8 or too long for the cache, and big dicts with repeated, colliding, duplicate,
 * `__proto__`, integer-like or dropped (`undefined`) keys all decode exactly as a plain
 * key-by-key assignment would. Maps are written out byte by byte here (header, key, value), so
 * duplicate keys and invalid UTF-8 can be expressed.
 */
import { describe, expect, it } from 'vitest';
import { cborSerializer, decodeCborValue, encodeCbor } from '../src/cbor.js';
import { ProtocolViolationError } from '../src/index.js';
import { decodeMsgpackValue, encodeMsgpack, msgpackSerializer } from '../src/msgpack.js';

const utf8 = new TextEncoder();
type Key = string | Uint8Array;
type Entry = readonly [Key, unknown];
const keyBytes = (k: Key) => (typeof k === 'string' ? utf8.encode(k) : k);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function be(n: number, size: number): number[] {
  return Array.from({ length: size }, (_, i) => (n / 256 ** (size - 1 - i)) & 0xff);
}

/** MessagePack map (fixmap/map16/map32) of raw key strings and encoded values. */
function msgpackMap(entries: readonly Entry[]): Uint8Array {
  const n = entries.length;
  const head = n < 16 ? [0x80 | n] : n < 0x10000 ? [0xde, ...be(n, 2)] : [0xdf, ...be(n, 4)];
  const parts = [Uint8Array.from(head)];
  for (const [k, v] of entries) {
    const b = keyBytes(k);
    const h =
      b.length < 32
        ? [0xa0 | b.length]
        : b.length < 0x100
          ? [0xd9, b.length]
          : [0xda, ...be(b.length, 2)];
    parts.push(
      Uint8Array.from(h),
      b,
      v === undefined ? Uint8Array.of(0xd4, 0, 0) : encodeMsgpack(v),
    );
  }
  return concat(parts);
}

/** CBOR head of major type `major` with argument `n` (RFC 8949 section 3). */
function cborHead(major: number, n: number): number[] {
  const m = major << 5;
  if (n < 24) return [m | n];
  if (n < 0x100) return [m | 24, n];
  if (n < 0x10000) return [m | 25, ...be(n, 2)];
  return [m | 26, ...be(n, 4)];
}

/** CBOR map (definite, or indefinite with `indefinite`) of raw text keys and encoded values. */
function cborMap(entries: readonly Entry[], indefinite = false): Uint8Array {
  const parts = [Uint8Array.from(indefinite ? [0xbf] : cborHead(5, entries.length))];
  for (const [k, v] of entries) {
    const b = keyBytes(k);
    parts.push(Uint8Array.from(cborHead(3, b.length)), b);
    parts.push(v === undefined ? Uint8Array.of(0xf7) : encodeCbor(v));
  }
  if (indefinite) parts.push(Uint8Array.of(0xff));
  return concat(parts);
}

/** What key-by-key assignment gives (own data property even for "__proto__"). */
function reference(entries: readonly Entry[], dropUndefined = false): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    if (v === undefined && dropUndefined) continue;
    const key = typeof k === 'string' ? k : new TextDecoder().decode(k);
    Object.defineProperty(obj, key, {
      value: v,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return obj;
}

/** Same own keys in the same order, same values, plain prototype. */
function expectSame(actual: unknown, expected: Record<string, unknown>): void {
  expect(typeof actual).toBe('object');
  const a = actual as Record<string, unknown>;
  expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
  expect(Object.keys(a)).toEqual(Object.keys(expected));
  for (const k of Object.keys(expected)) {
    expect(Object.getOwnPropertyDescriptor(a, k)?.value).toEqual(
      Object.getOwnPropertyDescriptor(expected, k)?.value,
    );
  }
}

const codecs = [
  { name: 'msgpack', map: msgpackMap, decode: (b: Uint8Array) => decodeMsgpackValue(b, 64) },
  {
    name: 'cbor',
    map: (e: readonly Entry[]) => cborMap(e),
    decode: (b: Uint8Array) => decodeCborValue(b, 64),
  },
  {
    name: 'cbor indefinite',
    map: (e: readonly Entry[]) => cborMap(e, true),
    decode: (b: Uint8Array) => decodeCborValue(b, 64),
  },
] as const;

/** Deterministic shuffle (xorshift), so a failure reproduces. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed | 1;
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe.each(codecs)('$name map keys', ({ map, decode }) => {
  it('decodes the same keys again and again to the same dict', () => {
    const entries: Entry[] = [
      ['id', 1],
      ['name', 'x'],
      ['nested', { t: 1, v: 2.5, ok: true }],
    ];
    const bytes = map(entries);
    for (let i = 0; i < 50; i++) expectSame(decode(bytes), reference(entries));
    // The same key strings with other values and in another order.
    const other: Entry[] = [
      ['nested', null],
      ['name', 'y'],
      ['id', -7],
    ];
    expectSame(decode(map(other)), reference(other));
  });

  it('keeps keys apart that share a cache slot (more keys than slots)', () => {
    // 6000 distinct short keys > 4096 slots: some must collide and evict each other.
    const keys = Array.from({ length: 6000 }, (_, i) => `k${i.toString(36)}_${i % 7}`);
    for (let round = 0; round < 3; round++) {
      const entries: Entry[] = shuffled(keys, round + 1).map((k, i) => [k, i]);
      expectSame(decode(map(entries)), reference(entries));
    }
    // Two small maps whose keys evicted each other in turn still decode right.
    for (let i = 0; i < 20; i++) {
      const a: Entry[] = [
        [keys[i]!, 1],
        [keys[i + 4096]!, 2],
      ];
      expectSame(decode(map(a)), reference(a));
    }
  });

  it('decodes non-ASCII keys, at every position of a short key', () => {
    const keys = ['é', 'ключ', '日本語', '😀', 'aé', 'ab', 'x\u0000y', '\u07ff\u0800\uffff'];
    const entries: Entry[] = keys.map((k, i) => [k, i]);
    for (let i = 0; i < 3; i++) expectSame(decode(map(entries)), reference(entries));
    for (let len = 1; len <= 40; len++) {
      for (const at of [0, Math.floor(len / 2), len - 1]) {
        const ascii = 'q'.repeat(len);
        const mixed = `${'q'.repeat(at)}é${'q'.repeat(len - at - 1)}`;
        const e: Entry[] = [
          [ascii, 1],
          [mixed, 2],
        ];
        expectSame(decode(map(e)), reference(e));
        expectSame(decode(map(e)), reference(e));
      }
    }
  });

  it('refuses invalid UTF-8 keys every time, before and after valid keys of that length', () => {
    const invalid = [
      [0xc3, 0x28], // bad continuation
      [0xc0, 0x80], // overlong NUL
      [0xed, 0xa0, 0x80], // UTF-16 surrogate
      [0xe6, 0x97], // truncated
      [0xff, 0x61], // never valid
      [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x80], // after an ASCII run of 8
    ].map((b) => Uint8Array.from(b));
    for (const bad of invalid) {
      const good = 'g'.repeat(bad.length);
      expectSame(decode(map([[good, 1]])), { [good]: 1 });
      for (let i = 0; i < 3; i++) {
        expect(() => decode(map([[bad, 1]]))).toThrow(ProtocolViolationError);
        expect(() =>
          decode(
            map([
              ['ok', 0],
              [bad, 1],
            ]),
          ),
        ).toThrow(ProtocolViolationError);
      }
      expectSame(decode(map([[good, 2]])), { [good]: 2 });
    }
  });

  it('decodes long keys (past the 32-byte cache limit) exactly', () => {
    const prefix = 'p'.repeat(32);
    const keys = [
      prefix,
      `${prefix}a`,
      `${prefix}b`,
      `${prefix}é`,
      'L'.repeat(300),
      `${'L'.repeat(299)}M`,
    ];
    const entries: Entry[] = keys.map((k, i) => [k, i]);
    for (let i = 0; i < 3; i++) expectSame(decode(map(entries)), reference(entries));
    expect(() => decode(map([[Uint8Array.from([...utf8.encode(prefix), 0xc3]), 1]]))).toThrow(
      ProtocolViolationError,
    );
  });
});

describe.each(codecs)('$name dicts of more than 16 keys', ({ map, decode }) => {
  const big = (tag: string, n: number): Entry[] =>
    Array.from({ length: n }, (_, i) => [`${tag}_${i}`, i % 3 === 0 ? { i } : i * 1.5]);

  it('decodes a repeating big dict the same every time (before and after its shape is kept)', () => {
    for (const n of [17, 23, 64, 130]) {
      const entries = big(`r${n}`, n);
      const bytes = map(entries);
      for (let i = 0; i < 10; i++) expectSame(decode(bytes), reference(entries));
      // Same keys, other values; then a prefix of the keys; then one key more.
      const revalued: Entry[] = entries.map(([k], i) => [k, `v${i}`]);
      expectSame(decode(map(revalued)), reference(revalued));
      expectSame(decode(map(entries.slice(0, n - 1))), reference(entries.slice(0, n - 1)));
      const longer: Entry[] = [...entries, ['extra', true]];
      expectSame(decode(map(longer)), reference(longer));
    }
  });

  it('keeps many shapes apart (more shapes than slots, reordered keys)', () => {
    const shapes = Array.from({ length: 100 }, (_, s) =>
      s % 2 === 0 ? big(`s${s}`, 17 + (s % 5)) : shuffled(big('same', 20), s),
    );
    const bytes = shapes.map(map);
    for (let pass = 0; pass < 3; pass++) {
      for (let s = 0; s < shapes.length; s++) {
        // Each shape twice in a row, so shapes get kept (as often as the table allows).
        expectSame(decode(bytes[s]!), reference(shapes[s]!));
        expectSame(decode(bytes[s]!), reference(shapes[s]!));
      }
      for (const s of shuffled(
        shapes.map((_, i) => i),
        pass + 7,
      )) {
        expectSame(decode(bytes[s]!), reference(shapes[s]!));
      }
    }
  });

  it('applies duplicate keys, __proto__ and integer-like keys as assignment does', () => {
    const entries: Entry[] = [
      ...big('d', 18),
      ['d_3', 'second'],
      ['__proto__', { polluted: true }],
      ['10', 'ten'],
      ['2', 'two'],
      ['d_0', 'last'],
    ];
    const bytes = map(entries);
    for (let i = 0; i < 10; i++) {
      const obj = decode(bytes) as Record<string, unknown>;
      expectSame(obj, reference(entries));
      expect(Object.getOwnPropertyDescriptor(obj, '__proto__')?.value).toEqual({ polluted: true });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.keys(obj).slice(0, 2)).toEqual(['2', '10']);
      expect(obj.d_0).toBe('last');
      expect(obj.d_3).toBe('second');
    }
  });

  it('still refuses undefined inside a big dict outside the tolerant slots', () => {
    const entries: Entry[] = [...big('u', 20), ['gone', undefined]];
    for (let i = 0; i < 5; i++) expect(() => decode(map(entries))).toThrow(ProtocolViolationError);
  });
});

describe('big kwargs with undefined values (dropped in the tolerant slots)', () => {
  const entries: Entry[] = Array.from({ length: 24 }, (_, i) => [
    `kw_${i}`,
    i % 4 === 1 ? undefined : i,
  ]);
  const expected = reference(entries, true);

  it('msgpack', () => {
    const bytes = concat([
      Uint8Array.of(0x96, 0x30, 0x07, 0x80),
      encodeMsgpack('a.b'),
      Uint8Array.of(0x90),
      msgpackMap(entries),
    ]);
    for (let i = 0; i < 5; i++) {
      const msg = msgpackSerializer.unserialize(bytes) as { kwargs: Record<string, unknown> };
      expectSame(msg.kwargs, expected);
    }
  });

  it('cbor, definite and indefinite', () => {
    for (const indefinite of [false, true]) {
      const bytes = concat([
        Uint8Array.of(0x86, 0x18, 0x30, 0x07, 0xa0),
        encodeCbor('a.b'),
        Uint8Array.of(0x80),
        cborMap(entries, indefinite),
      ]);
      for (let i = 0; i < 5; i++) {
        const msg = cborSerializer.unserialize(bytes) as { kwargs: Record<string, unknown> };
        expectSame(msg.kwargs, expected);
      }
    }
  });
});
