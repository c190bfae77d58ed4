/** Message model validation and binary round trips, through every serializer. */
import { describe, expect, it } from 'vitest';
import { cborSerializer, encodeCbor } from '../src/cbor.js';
import { flatbuffersSerializer } from '../src/flatbuffers.js';
import {
  encodeJson,
  jsonSerializer,
  ProtocolViolationError,
  SerializationError,
  type Serializer,
  type WampMessage,
} from '../src/index.js';
import { encodeMsgpack, msgpackSerializer } from '../src/msgpack.js';
import { encodeUbjson, ubjsonSerializer } from '../src/ubjson.js';

const ALL: Serializer[] = [
  jsonSerializer,
  msgpackSerializer,
  cborSerializer,
  ubjsonSerializer,
  flatbuffersSerializer,
];
const ARRAY_LEVEL = ALL.filter((s) => s.id !== 'flatbuffers');

const ENCODE_ARRAY: Record<string, (v: unknown) => Uint8Array | string> = {
  json: encodeJson,
  msgpack: encodeMsgpack,
  cbor: encodeCbor,
  ubjson: encodeUbjson,
};

const blob = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

describe.each(ALL)('$id', (ser) => {
  it('round-trips binary nested anywhere in args and kwargs, and a PassThru payload', () => {
    const call: WampMessage = {
      type: 'CALL',
      request: 2 ** 53,
      options: {},
      procedure: 'com.example.bin',
      args: [blob(0), blob(1), [blob(2), { deep: [blob(65536)] }]],
      kwargs: { a: blob(3), nested: { b: [null, blob(4)] } },
    };
    expect(ser.unserialize(ser.serialize(call))).toEqual(call);
    const event: WampMessage = {
      type: 'EVENT',
      subscription: 1,
      publication: 2,
      details: { enc_algo: 'cryptobox', enc_serializer: 'cbor' },
      payload: blob(100),
    };
    expect(ser.unserialize(ser.serialize(event))).toEqual(event);
  });

  it('rejects an invalid outgoing message with SerializationError', () => {
    const bad = { type: 'PUBLISH', request: -1, options: {}, topic: 'a.b' } as WampMessage;
    expect(() => ser.serialize(bad)).toThrow(SerializationError);
  });

  it('rejects text where bytes are expected, or garbage', () => {
    if (ser.binary) expect(() => ser.unserialize('[1]')).toThrow(ProtocolViolationError);
    expect(() => ser.unserialize(new Uint8Array([0xff, 0xfe, 0xfd]))).toThrow(
      ProtocolViolationError,
    );
  });
});

describe.each(ARRAY_LEVEL)('$id: malformed wire arrays are protocol violations', (ser) => {
  const cases: [string, unknown[], RegExp][] = [
    ['wrong arity', [16, 1, {}], /PUBLISH.*length 3/],
    ['too many elements', [33, 1, 2, 3], /SUBSCRIBED.*length 4/],
    ['request ID as string', [16, '1', {}, 'a.b'], /PUBLISH request/],
    ['ID above 2^53', [33, 1, 2 ** 53 + 2], /SUBSCRIBED subscription.*outside|beyond 2\^53/],
    ['negative ID', [33, -1, 5], /SUBSCRIBED request.*outside/],
    ['fractional ID', [33, 1.5, 5], /SUBSCRIBED request/],
    ['bad URI', [48, 1, {}, 'com..bad'], /CALL procedure: invalid URI/],
    ['URI with space', [32, 1, {}, 'a b'], /SUBSCRIBE topic/],
    ['options not a dict', [48, 1, [], 'a.b'], /CALL options/],
    ['args not a list', [48, 1, {}, 'a.b', {}], /CALL args/],
    ['kwargs not a dict', [48, 1, {}, 'a.b', [], []], /CALL kwargs/],
    ['unknown type', [99, 1], /unknown WAMP message type 99/],
    ['type not an int', ['CALL', 1], /type must be an integer/],
    ['HELLO without roles', [1, 'realm1', {}], /HELLO details.roles/],
    ['bad option type', [48, 1, { timeout: 'soon' }, 'a.b'], /CALL options.timeout/],
  ];
  it.each(cases)('%s', (_what, wmsg, pattern) => {
    // Encode at the array level (no outgoing validation), decode through the serializer.
    let err: unknown;
    try {
      ser.unserialize(ENCODE_ARRAY[ser.id]!(wmsg));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolViolationError);
    expect((err as Error).message).toMatch(pattern);
  });
});

describe('json specifics', () => {
  it('rejects integer literals beyond 2^53 instead of rounding them', () => {
    expect(() => jsonSerializer.unserialize('[33,1,9007199254740993]')).toThrow(/beyond 2\^53/);
    expect(jsonSerializer.unserialize('[33,1,9007199254740992]')).toEqual({
      type: 'SUBSCRIBED',
      request: 1,
      subscription: 2 ** 53,
    });
  });
  it('rejects invalid base64 after the NUL marker', () => {
    expect(() => jsonSerializer.unserialize('[48,1,{},"a.b",["\\u0000!!"]]')).toThrow(/base64/);
  });
  it('refuses to send values JSON would silently change', () => {
    const m = (v: unknown) =>
      ({ type: 'CALL', request: 1, options: {}, procedure: 'a.b', args: [v] }) as WampMessage;
    expect(() => jsonSerializer.serialize(m(Number.NaN))).toThrow(SerializationError);
    expect(() => jsonSerializer.serialize(m('\u0000abc'))).toThrow(SerializationError);
  });
});

describe('flatbuffers strict mode', () => {
  it('throws for dictionary keys the schema has no slot for', async () => {
    const { createFlatbuffersSerializer } = await import('../src/flatbuffers.js');
    const strict = createFlatbuffersSerializer({ strict: true });
    const hello: WampMessage = {
      type: 'HELLO',
      realm: 'realm1',
      details: { roles: { caller: {} }, agent: 'x' },
    };
    expect(() => strict.serialize(hello)).toThrow(/agent/);
    expect(flatbuffersSerializer.unserialize(flatbuffersSerializer.serialize(hello))).toEqual({
      type: 'HELLO',
      realm: 'realm1',
      details: { roles: { caller: {} } },
    });
  });
});
