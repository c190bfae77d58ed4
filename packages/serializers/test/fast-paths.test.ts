/**
 * The cheaper paths of issue 9 keep their contracts:
 * - utf8Length (loop for short strings, TextEncoder.encodeInto in chunks for longer ones) equals
 *   the UTF-8 length TextEncoder produces, lone surrogates and pairs across chunk edges included;
 * - the JSON decoder screens numbers at 2^53 (not 1e15) before its exact integer scan: random
 *   16-digit IDs below 2^53 decode, every integer literal beyond 2^53 is still refused;
 * - the JSON encoder's pre-check, with its leaf checks inlined, refuses the same values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeJson,
  jsonSerializer,
  ProtocolViolationError,
  SerializationError,
  utf8Length,
} from '../src/index.js';

const encoder = new TextEncoder();
const units = [
  'a',
  '~',
  '\u00e9',
  '\u0800',
  '\u20ac',
  '\ud83d\ude00',
  '\ud800',
  '\udfff',
  '\u0000',
];

describe('utf8Length', () => {
  it('equals the TextEncoder length for short and long strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...units), { maxLength: 40 }),
        fc.integer({ min: 0, max: 20_000 }),
        (parts, pad) => {
          // A run of ASCII moves the mixed part across the 8192-unit chunk edges.
          const s = 'x'.repeat(pad) + parts.join('');
          expect(utf8Length(s)).toBe(encoder.encode(s).length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never splits a surrogate pair at a chunk edge', () => {
    for (let pad = 8185; pad <= 8195; pad++) {
      const s = `${'a'.repeat(pad)}${'\ud83d\ude00'.repeat(10)}`;
      expect(utf8Length(s)).toBe(pad + 40);
    }
    const many = '\ud83d\ude00'.repeat(20_000);
    expect(utf8Length(many)).toBe(80_000);
    expect(utf8Length('\ud800'.repeat(9000))).toBe(27_000);
  });
});

describe('JSON integers near 2^53', () => {
  it('decodes IDs between 1e15 and 2^53 exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1e15, max: 2 ** 53 }),
        fc.integer({ min: 1e15, max: 2 ** 53 }),
        (subscription, publication) => {
          const text = `[36,${subscription},${publication},{},[${-subscription}]]`;
          expect(jsonSerializer.unserialize(text)).toEqual({
            type: 'EVENT',
            subscription,
            publication,
            details: {},
            args: [-subscription],
          });
        },
      ),
    );
  });

  it('still refuses every integer literal beyond 2^53, wherever it is', () => {
    for (const literal of [
      '9007199254740993',
      '-9007199254740993',
      '9007199254740994',
      '12345678901234567890',
      '-99999999999999999999999',
    ]) {
      for (const text of [
        `[36,1,2,{},[${literal}]]`,
        `[36,1,2,{},[],{"k":{"deep":[${literal}]}}]`,
        `[48,1,{"timeout":${literal}},"a.b"]`,
      ]) {
        expect(() => jsonSerializer.unserialize(text)).toThrow(ProtocolViolationError);
      }
    }
  });

  it('accepts large non-integer literals and digits inside strings', () => {
    expect(
      jsonSerializer.unserialize(
        '[36,1,2,{},[1e300,12345678901234567890.5,"99999999999999999999"]]',
      ),
    ).toEqual({
      type: 'EVENT',
      subscription: 1,
      publication: 2,
      details: {},
      args: [1e300, Number('12345678901234567890.5'), '99999999999999999999'],
    });
  });
});

describe('encodeJson pre-check', () => {
  const bad: unknown[] = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -Infinity,
    '\u0000x',
    () => 1,
    Symbol('s'),
    10n,
  ];
  it('refuses values JSON would change, in lists and in dicts, at any depth', () => {
    for (const v of bad) {
      for (const wrap of [
        (x: unknown) => x,
        (x: unknown) => [1, 'a', x],
        (x: unknown) => ({ a: 1, b: x }),
        (x: unknown) => [{ a: [true, { b: x }] }],
      ]) {
        expect(() => encodeJson(wrap(v))).toThrow(SerializationError);
      }
    }
    expect(() => encodeJson([1, undefined])).toThrow(SerializationError);
    expect(() => encodeJson(undefined)).toThrow(SerializationError);
  });

  it('drops undefined dict values and encodes binary anywhere with the NUL convention', () => {
    expect(encodeJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    const bytes = new Uint8Array([1, 2, 3]);
    expect(encodeJson([{ k: [bytes] }, bytes])).toBe('[{"k":["\\u0000AQID"]},"\\u0000AQID"]');
  });

  it('refuses nesting beyond 512 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 600; i++) deep = i % 2 === 0 ? [deep] : { d: deep };
    expect(() => encodeJson(deep)).toThrow(/nested too deeply/);
  });
});
