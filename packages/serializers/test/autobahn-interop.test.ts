/**
 * Cross-implementation: random WAMP messages (fast-check) serialized by Autobahn|Python
 * (Debian python3-autobahn, run with /usr/bin/python3) must decode identically in wampkit,
 * and wampkit's bytes must be parsed by Autobahn|Python into the same message.
 * FlatBuffers is not covered here: Debian's Autobahn 22.7 predates the shared schema (its
 * tables lack the `session` field, so field slots differ) and cannot serialize with it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborSerializer } from '../src/cbor.js';
import { jsonSerializer, messageFromArray, messageToArray, type Serializer } from '../src/index.js';
import { msgpackSerializer } from '../src/msgpack.js';
import { ubjsonSerializer } from '../src/ubjson.js';
import { fromNeutral, toNeutral, wampMessage } from './arbitraries.js';

const PYTHON = '/usr/bin/python3';
const PEER = join(import.meta.dirname, 'autobahn_peer.py');
const RUNS = 400;

interface PeerReply {
  encoded: ({ hex: string; marshal: unknown } | { error: string })[];
  decoded: (unknown | { error: string })[];
}

function askAutobahn(serializer: string, encode: unknown[], decode: string[]): PeerReply {
  const r = spawnSync(PYTHON, [PEER], {
    input: JSON.stringify({ serializer, encode, decode }),
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`autobahn peer failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as PeerReply;
}

const SERIALIZERS: Serializer[] = [
  jsonSerializer,
  msgpackSerializer,
  cborSerializer,
  ubjsonSerializer,
];

describe.each(SERIALIZERS)('Autobahn|Python interop: $id', (ser) => {
  const messages = fc.sample(wampMessage, { numRuns: RUNS, seed: 0x5eed + ser.rawSocketId });
  const ours = messages.map((m) => ser.serialize(m));
  const reply = askAutobahn(
    ser.id,
    messages.map((m) => toNeutral(messageToArray(m))),
    ours.map((b) =>
      Buffer.from(typeof b === 'string' ? new TextEncoder().encode(b) : b).toString('hex'),
    ),
  );

  it(`decodes ${RUNS} messages Autobahn serialized, identically`, () => {
    let checked = 0;
    reply.encoded.forEach((e, i) => {
      if ('error' in e) throw new Error(`Autobahn could not build message ${i}: ${e.error}`);
      const bytes = new Uint8Array(Buffer.from(e.hex, 'hex'));
      const decoded = ser.unserialize(ser.binary ? bytes : new TextDecoder().decode(bytes));
      // Autobahn's view of the message, and ours, must both equal the generated message.
      expect(messageFromArray(fromNeutral(e.marshal))).toEqual(messages[i]);
      expect(decoded).toEqual(messages[i]);
      checked++;
    });
    expect(checked).toBe(RUNS);
  });

  it(`Autobahn parses ${RUNS} messages we serialized into the same message`, () => {
    reply.decoded.forEach((d, i) => {
      if (d !== null && typeof d === 'object' && 'error' in d) {
        throw new Error(
          `Autobahn rejected message ${i} ${JSON.stringify(toNeutral(messageToArray(messages[i]!)))}: ${(d as { error: string }).error}`,
        );
      }
      expect(messageFromArray(fromNeutral(d))).toEqual(messages[i]);
    });
  });
});
