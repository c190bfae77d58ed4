/**
 * Random and mutated bytes into every decoder must end in a ProtocolViolationError (or a valid
 * message), never another exception; hostile length/depth declarations must be refused fast.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborSerializer } from '../src/cbor.js';
import { flatbuffersSerializer } from '../src/flatbuffers.js';
import { jsonSerializer, ProtocolViolationError, type Serializer } from '../src/index.js';
import { msgpackSerializer } from '../src/msgpack.js';
import { ubjsonSerializer } from '../src/ubjson.js';
import { loadSingleMessageVectors } from './vectors.js';

const SERIALIZERS: Record<string, Serializer> = {
  json: jsonSerializer,
  msgpack: msgpackSerializer,
  cbor: cborSerializer,
  ubjson: ubjsonSerializer,
  flatbuffers: flatbuffersSerializer,
};

const hexOf = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

const seeds: Record<string, Uint8Array[]> = {};
for (const s of loadSingleMessageVectors().samples) {
  for (const [id, variants] of Object.entries(s.serializers)) {
    seeds[id] ??= [];
    for (const v of variants) seeds[id].push(v.bytes);
  }
}

function decodeOrViolation(ser: Serializer, bytes: Uint8Array): void {
  try {
    ser.unserialize(bytes);
  } catch (e) {
    if (!(e instanceof ProtocolViolationError)) {
      throw new Error(`${ser.id}: ${String(e)} for ${Buffer.from(bytes).toString('hex')}`);
    }
  }
}

const mutated = (pool: Uint8Array[]) =>
  fc
    .tuple(
      fc.constantFrom(...pool),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.integer({ min: 0, max: 255 }),
          fc.constantFrom('set', 'insert', 'delete'),
        ),
        {
          minLength: 1,
          maxLength: 8,
        },
      ),
    )
    .map(([seed, edits]) => {
      const b = [...seed];
      for (const [at, value, op] of edits) {
        const i = b.length === 0 ? 0 : at % b.length;
        if (op === 'set' && b.length > 0) b[i] = value;
        else if (op === 'insert') b.splice(i, 0, value);
        else b.splice(i, 1);
      }
      return new Uint8Array(b);
    });

describe.each(Object.keys(SERIALIZERS))('fuzz %s', (id) => {
  const ser = SERIALIZERS[id]!;
  it('random bytes end in a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (b) => decodeOrViolation(ser, b)),
      { numRuns: 1500 },
    );
  });
  it('mutated vector bytes end in a typed error or a valid message', () => {
    fc.assert(
      fc.property(mutated(seeds[id]!), (b) => decodeOrViolation(ser, b)),
      { numRuns: 3000 },
    );
  });
});

describe('hostile declarations', () => {
  const cases: [Serializer, string, string][] = [
    [msgpackSerializer, 'array32 of 2^32-1 elements', 'ddffffffff'],
    [msgpackSerializer, 'map32 of 2^32-1 entries', 'dfffffffff'],
    [msgpackSerializer, 'str32 of 4 GiB', '91dbffffffff'],
    [cborSerializer, 'array of 2^64-1 elements', '9bffffffffffffffff'],
    [cborSerializer, 'byte string of 2^32 bytes', '815a00000001'],
    [cborSerializer, 'indefinite array never closed', '9f01'],
    [cborSerializer, 'tag 55799 (self-described)', 'd9d9f78101'],
    [ubjsonSerializer, 'typed null array of 2^31 elements', '5b245a236c7fffffff'],
    [ubjsonSerializer, 'string of 2^62 bytes', '5b534c40000000000000005d'],
    [ubjsonSerializer, 'bytes of 2^31 declared', '5b5b2455236c7fffffff5d'],
    [flatbuffersSerializer, 'offset past the end', 'ffffff7f00000000'],
  ];
  it.each(cases)('%s: %s', (ser, _what, hex) => {
    const t0 = performance.now();
    expect(() => ser.unserialize(new Uint8Array(Buffer.from(hex, 'hex')))).toThrow(
      ProtocolViolationError,
    );
    expect(performance.now() - t0).toBeLessThan(100);
  });

  // [16, 1, {}, "a.b", [[[[...10000 levels...]]]]] in each format.
  const deep = 10_000;
  const nested: [Serializer, Uint8Array | string][] = [
    [jsonSerializer, `[16,1,{},"a.b",[${'['.repeat(deep)}${']'.repeat(deep)}]]`],
    [msgpackSerializer, hexOf(`951001 80 a3612e62 91${'91'.repeat(deep)}90`)],
    [cborSerializer, hexOf(`851001 a0 63612e62 81${'81'.repeat(deep)}80`)],
    [
      ubjsonSerializer,
      hexOf(`5b5510 5501 7b7d 5355036 12e62 5b${'5b'.repeat(deep)}${'5d'.repeat(deep)}5d 5d`),
    ],
  ];
  it.each(nested)('%s: nesting beyond maxDepth is refused', (ser, data) => {
    expect(() => ser.unserialize(data)).toThrow(/nesting deeper/);
  });

  it('a message over maxMessageBytes is refused before decoding', async () => {
    const { createJsonSerializer } = await import('../src/json.js');
    const small = createJsonSerializer({ limits: { maxMessageBytes: 16 } });
    expect(() => small.unserialize('[16,1,{},"a.b",["0123456789"]]')).toThrow(/exceeds the limit/);
  });
});
