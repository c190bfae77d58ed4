/**
 * Interop rules of the binary decoders:
 * - `undefined` (msgpackr's fixext 1 type 0 `d4 00 00`; CBOR simple value 23 `f7`, RFC 8949
 *   section 3.3), which wampy 8 sends, is tolerated as a value of the Options/Details/kwargs
 *   dictionaries (the key is dropped) and refused everywhere else;
 * - binary values decode as plain Uint8Array (never a Node Buffer), whatever the input is.
 * Byte vectors are written out by hand from the format specs; the wampy cases use wampy's own
 * serializers (msgpackr, cbor-x) on the message arrays wampy builds.
 */

import { describe, expect, it } from 'vitest';
import { CborSerializer as WampyCbor } from 'wampy/CborSerializer.js';
import { MsgpackSerializer as WampyMsgpack } from 'wampy/MsgpackSerializer.js';
import { cborSerializer, encodeCbor } from '../src/cbor.js';
import { flatbuffersSerializer } from '../src/flatbuffers.js';
import {
  jsonSerializer,
  ProtocolViolationError,
  type Serializer,
  type WampMessage,
} from '../src/index.js';
import { encodeMsgpack, msgpackSerializer } from '../src/msgpack.js';
import { ubjsonSerializer } from '../src/ubjson.js';

const hex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');
/** msgpack fixstr / CBOR short text string of an ASCII string (< 24 bytes). */
const mpStr = (s: string) => (0xa0 | s.length).toString(16) + ascii(s);
const cbStr = (s: string) => (0x60 | s.length).toString(16) + ascii(s);
const MP_UNDEF = 'd40000';
const CB_UNDEF = 'f7';

interface Case {
  what: string;
  msgpack: string;
  cbor: string;
  expected: WampMessage;
}

const accepted: Case[] = [
  {
    what: 'SUBSCRIBE options {match: undefined, get_retained: undefined}',
    msgpack: `94 20 01 82 ${mpStr('match')}${MP_UNDEF} ${mpStr('get_retained')}${MP_UNDEF} ${mpStr('a.b')}`,
    cbor: `84 1820 01 a2 ${cbStr('match')}${CB_UNDEF} ${cbStr('get_retained')}${CB_UNDEF} ${cbStr('a.b')}`,
    expected: { type: 'SUBSCRIBE', request: 1, options: {}, topic: 'a.b' },
  },
  {
    what: 'SUBSCRIBE options as map16 / map with 2-byte head (msgpackr, cbor-x forms)',
    msgpack: `94 20 01 de0002 ${mpStr('match')}${mpStr('prefix')} ${mpStr('get_retained')}${MP_UNDEF} ${mpStr('a.b')}`,
    cbor: `84 1820 01 b90002 ${cbStr('match')}${cbStr('prefix')} ${cbStr('get_retained')}${CB_UNDEF} ${cbStr('a.b')}`,
    expected: { type: 'SUBSCRIBE', request: 1, options: { match: 'prefix' }, topic: 'a.b' },
  },
  {
    what: 'CALL options and kwargs with undefined values',
    msgpack: `96 30 07 81 ${mpStr('timeout')}${MP_UNDEF} ${mpStr('a.b')} 90 82 ${mpStr('k')}${MP_UNDEF} ${mpStr('v')}01`,
    cbor: `86 1830 07 a1 ${cbStr('timeout')}${CB_UNDEF} ${cbStr('a.b')} 80 a2 ${cbStr('k')}${CB_UNDEF} ${cbStr('v')}01`,
    expected: {
      type: 'CALL',
      request: 7,
      options: {},
      procedure: 'a.b',
      args: [],
      kwargs: { v: 1 },
    },
  },
  {
    what: 'EVENT details (index 3) and YIELD options (index 2)',
    msgpack: `94 24 01 02 81 ${mpStr('publisher')}${MP_UNDEF}`,
    cbor: `84 1824 01 02 bf ${cbStr('publisher')}${CB_UNDEF} ff`,
    expected: { type: 'EVENT', subscription: 1, publication: 2, details: {} },
  },
  {
    what: 'HELLO details',
    msgpack: `93 01 ${mpStr('realm1')} 82 ${mpStr('roles')}81${mpStr('caller')}80 ${mpStr('authid')}${MP_UNDEF}`,
    cbor: `83 01 ${cbStr('realm1')} a2 ${cbStr('roles')}a1${cbStr('caller')}a0 ${cbStr('authid')}${CB_UNDEF}`,
    expected: { type: 'HELLO', realm: 'realm1', details: { roles: { caller: {} } } },
  },
];

const refused: Omit<Case, 'expected'>[] = [
  {
    what: 'undefined as a list element (args)',
    msgpack: `95 30 07 80 ${mpStr('a.b')} 91${MP_UNDEF}`,
    cbor: `85 1830 07 a0 ${cbStr('a.b')} 81${CB_UNDEF}`,
  },
  {
    what: 'undefined as a message field',
    msgpack: `94 20 ${MP_UNDEF} 80 ${mpStr('a.b')}`,
    cbor: `84 1820 ${CB_UNDEF} a0 ${cbStr('a.b')}`,
  },
  {
    what: 'undefined in a dict nested inside kwargs',
    msgpack: `96 30 07 80 ${mpStr('a.b')} 90 81 ${mpStr('k')}81${mpStr('x')}${MP_UNDEF}`,
    cbor: `86 1830 07 a0 ${cbStr('a.b')} 80 a1 ${cbStr('k')}a1${cbStr('x')}${CB_UNDEF}`,
  },
  {
    what: 'undefined in a dict inside args',
    msgpack: `95 30 07 80 ${mpStr('a.b')} 91 81${mpStr('x')}${MP_UNDEF}`,
    cbor: `85 1830 07 a0 ${cbStr('a.b')} 81 a1${cbStr('x')}${CB_UNDEF}`,
  },
  {
    what: 'undefined in CHALLENGE extra (not Options/Details/kwargs)',
    msgpack: `93 04 ${mpStr('ticket')} 81 ${mpStr('x')}${MP_UNDEF}`,
    cbor: `83 04 ${cbStr('ticket')} a1 ${cbStr('x')}${CB_UNDEF}`,
  },
  {
    what: 'undefined as the whole message',
    msgpack: MP_UNDEF,
    cbor: CB_UNDEF,
  },
  {
    what: 'other extension / simple values',
    msgpack: `94 20 01 81 ${mpStr('match')}d40100 ${mpStr('a.b')}`,
    cbor: `84 1820 01 a1 ${cbStr('match')}f0 ${cbStr('a.b')}`,
  },
];

const BY_ID: Record<'msgpack' | 'cbor', Serializer> = {
  msgpack: msgpackSerializer,
  cbor: cborSerializer,
};

describe.each(['msgpack', 'cbor'] as const)('%s: undefined inside dictionaries', (id) => {
  const ser = BY_ID[id];
  it.each(accepted)('drops the keys: $what', (c) => {
    expect(ser.unserialize(hex(c[id]))).toStrictEqual(c.expected);
  });
  it.each(refused)('refuses $what', (c) => {
    expect(() => ser.unserialize(hex(c[id]))).toThrow(ProtocolViolationError);
  });
});

describe('messages as wampy 8 encodes them (msgpackr, cbor-x)', () => {
  const wampy = { msgpack: new WampyMsgpack(), cbor: new WampyCbor() };
  // wampy.subscribe(topic, handler) with no advanced options: {match, get_retained} undefined.
  const subscribe = [32, 11, { match: undefined, get_retained: undefined }, 'com.example.t'];
  // wampy.call with PassThru options and kwargs holding an undefined value.
  const call = [
    48,
    12,
    { ppt_scheme: 'x_custom', ppt_serializer: 'native', timeout: undefined },
    'com.example.ppt',
    ['opaque'],
    { k: true, missing: undefined },
  ];
  // Large IDs (msgpackr writes them as float64) and a Uint8Array (cbor-x: tag 64).
  const event = [36, 5512315355, 2 ** 53, {}, [new Uint8Array([1, 2, 3])]];

  it.each(['msgpack', 'cbor'] as const)('%s', (id) => {
    const ser = BY_ID[id];
    const w = wampy[id];
    expect(ser.unserialize(w.encode(subscribe) as Uint8Array)).toStrictEqual({
      type: 'SUBSCRIBE',
      request: 11,
      options: {},
      topic: 'com.example.t',
    });
    expect(ser.unserialize(w.encode(call) as Uint8Array)).toStrictEqual({
      type: 'CALL',
      request: 12,
      options: { ppt_scheme: 'x_custom', ppt_serializer: 'native' },
      procedure: 'com.example.ppt',
      args: ['opaque'],
      kwargs: { k: true },
    });
    const ev = ser.unserialize(w.encode(event) as Uint8Array);
    expect(ev).toStrictEqual({
      type: 'EVENT',
      subscription: 5512315355,
      publication: 2 ** 53,
      details: {},
      args: [new Uint8Array([1, 2, 3])],
    });
    // wampy's PassThru "native" payload is {args, kwargs} with kwargs undefined, inside args:
    // not an Options/Details/kwargs dictionary, so it stays a protocol violation.
    const ppt = [48, 13, { ppt_scheme: 'x_custom' }, 'a.b', [{ args: [1], kwargs: undefined }]];
    expect(() => ser.unserialize(w.encode(ppt) as Uint8Array)).toThrow(ProtocolViolationError);
  });
});

describe('binary values decode as plain Uint8Array', () => {
  const ALL: Serializer[] = [
    jsonSerializer,
    msgpackSerializer,
    cborSerializer,
    ubjsonSerializer,
    flatbuffersSerializer,
  ];
  const isPlain = (v: unknown) =>
    v instanceof Uint8Array && Object.getPrototypeOf(v) === Uint8Array.prototype;

  it.each(ALL.map((s) => [s.id, s] as const))('%s', (_id, ser) => {
    const withArgs: WampMessage = {
      type: 'CALL',
      request: 1,
      options: {},
      procedure: 'a.b',
      args: [new Uint8Array([1, 2]), [new Uint8Array([3])]],
      kwargs: { b: new Uint8Array([4, 5, 6]) },
    };
    const passthru: WampMessage = {
      type: 'EVENT',
      subscription: 1,
      publication: 2,
      details: { enc_algo: 'cryptobox' },
      payload: new Uint8Array([7, 8, 9]),
    };
    for (const msg of [withArgs, passthru]) {
      const out = ser.serialize(msg);
      // Node transports hand over Buffers: decode from a Buffer copy of the bytes.
      const input = typeof out === 'string' ? Buffer.from(out, 'utf8') : Buffer.from(out);
      const decoded = ser.unserialize(ser.binary ? input : input.toString('utf8'));
      expect(decoded).toStrictEqual(msg);
      const bins =
        decoded.type === 'CALL'
          ? [decoded.args?.[0], (decoded.args?.[1] as unknown[])[0], decoded.kwargs?.b]
          : [(decoded as { payload?: Uint8Array }).payload];
      for (const b of bins)
        expect(isPlain(b), `${ser.id} ${Object.getPrototypeOf(b)?.constructor?.name}`).toBe(true);
      // Decoded binary is a copy: changing the input afterwards does not change it.
      if (ser.binary) {
        input.fill(0);
        expect(decoded).toStrictEqual(msg);
      }
    }
  });
});

describe('binary encoders: shared output chunks', () => {
  it.each([
    ['msgpack', encodeMsgpack, msgpackSerializer],
    ['cbor', encodeCbor, cborSerializer],
  ] as const)('%s: earlier messages stay intact; a chunk change mid-dict is handled', (_id, encode, ser) => {
    const first = encode([1, 'x', { a: 1 }]);
    const copy = first.slice();
    // A dict whose undefined value is left out after a big value forced a new chunk.
    const big = new Uint8Array(40_000).fill(7);
    const kwargs: Record<string, unknown> = { a: big, skipped: undefined, b: 'after' };
    for (let i = 0; i < 30; i++) kwargs[`k${i}`] = i;
    const msg: WampMessage = {
      type: 'CALL',
      request: 3,
      options: {},
      procedure: 'a.b',
      args: [],
      kwargs,
    };
    const bytes = ser.serialize(msg);
    const expected = { ...kwargs };
    delete expected.skipped;
    expect(ser.unserialize(bytes)).toStrictEqual({ ...msg, kwargs: expected });
    for (let i = 0; i < 2000; i++) encode([i, 'filler', { n: i }]);
    expect(first).toStrictEqual(copy);
  });
});
