/**
 * Runs every single-message vector of shared/wamp-spec/testsuite through every serializer it
 * lists: each variant we can decode must give the expected message (at least one must decode);
 * encoding the expected message must decode back to it, and must be byte-equal to a variant
 * where the vector is canonical (json compact, msgpack, cbor, ubjson's py-ubjson form).
 */

import { ByteBuffer } from 'flatbuffers';
import { afterAll, describe, expect, it } from 'vitest';
import { cborSerializer } from '../src/cbor.js';
import { Hello } from '../src/flatbuffers/generated/wamp/proto/hello.js';
import { Message } from '../src/flatbuffers/generated/wamp/proto/message.js';
import { Welcome } from '../src/flatbuffers/generated/wamp/proto/welcome.js';
import { flatbuffersSerializer } from '../src/flatbuffers.js';
import {
  type Dict,
  jsonSerializer,
  messageFromArray,
  ProtocolViolationError,
  type Serializer,
  type WampMessage,
} from '../src/index.js';
import { msgpackSerializer } from '../src/msgpack.js';
import { ubjsonSerializer } from '../src/ubjson.js';
import { hexBytes, loadSingleMessageVectors } from './vectors.js';

const SERIALIZERS: Record<string, Serializer> = {
  json: jsonSerializer,
  msgpack: msgpackSerializer,
  cbor: cborSerializer,
  ubjson: ubjsonSerializer,
  flatbuffers: flatbuffersSerializer,
};
/** Serializers whose output must equal a listed variant byte for byte. */
const CANONICAL = new Set(['json', 'msgpack', 'cbor', 'ubjson']);

const { samples, validations } = loadSingleMessageVectors();
const counts: Record<
  string,
  { pass: number; fail: number; byteEqual: number; knownDefect: number }
> = {};
const tally = (id: string) => {
  counts[id] ??= { pass: 0, fail: 0, byteEqual: 0, knownDefect: 0 };
  return counts[id];
};

/**
 * Known defect of the vectors: the FlatBuffers HELLO/WELCOME bytes carry no roles table
 * (Autobahn|Python does not serialize ClientRoles/RouterRoles), while expected_attributes
 * list roles. Verified on the bytes themselves, so this stops matching if the vectors change.
 */
function flatbuffersRolesMissing(bytes: Uint8Array): boolean {
  const root = Message.getRootAsMessage(new ByteBuffer(bytes));
  const t = root.msgType() as number;
  if (t === 1) return (root.msg(new Hello()) as Hello).roles() === null;
  if (t === 2) return (root.msg(new Welcome()) as Welcome).roles() === null;
  return false;
}

function withoutRoles(m: WampMessage): WampMessage {
  const details = { ...((m as { details: Dict }).details ?? {}), roles: {} };
  return { ...m, details } as WampMessage;
}

const decodeInput = (id: string, bytes: Uint8Array) =>
  id === 'json' ? new TextDecoder().decode(bytes) : bytes;
const asBytes = (v: Uint8Array | string) =>
  typeof v === 'string' ? new TextEncoder().encode(v) : v;
const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

describe('conformance vectors', () => {
  it('loads the vectors', () => {
    expect(samples.length).toBeGreaterThanOrEqual(30);
    expect(validations.length).toBeGreaterThanOrEqual(40);
  });

  for (const sample of samples) {
    for (const [id, variants] of Object.entries(sample.serializers)) {
      const ser = SERIALIZERS[id];
      it(`${id}: ${sample.file}#${sample.index} ${sample.description}`, () => {
        const c = tally(id);
        if (ser === undefined) {
          c.fail++;
          throw new Error(`no serializer ${id}`);
        }
        try {
          // Decode: every variant we can decode must match; at least one must decode.
          let decoded = 0;
          let defect = false;
          for (const v of variants) {
            let msg: WampMessage;
            try {
              msg = ser.unserialize(decodeInput(id, v.bytes));
            } catch (e) {
              expect(e).toBeInstanceOf(ProtocolViolationError);
              continue;
            }
            decoded++;
            if (id === 'flatbuffers' && flatbuffersRolesMissing(v.bytes)) {
              defect = true;
              expect(msg).toEqual(withoutRoles(sample.expected));
            } else {
              expect(msg).toEqual(sample.expected);
            }
          }
          expect(decoded).toBeGreaterThan(0);
          // Encode the expected message; it must decode back to itself.
          const out = ser.serialize(sample.expected);
          expect(ser.unserialize(out)).toEqual(sample.expected);
          // Byte equality: re-encoding what a variant decodes to gives that variant's bytes
          // (expected_attributes need not list dict keys in wire order, so the message decoded
          // from the bytes is the one to re-encode).
          const equal = variants.some((v) => {
            try {
              return same(
                asBytes(ser.serialize(ser.unserialize(decodeInput(id, v.bytes)))),
                v.bytes,
              );
            } catch {
              return false;
            }
          });
          if (equal) c.byteEqual++;
          if (CANONICAL.has(id)) expect(equal, 'byte-equal to a listed variant').toBe(true);
          if (defect) c.knownDefect++;
          else c.pass++;
        } catch (e) {
          c.fail++;
          throw e;
        }
      });
    }
  }

  for (const v of validations) {
    it(`validation: ${v.file} ${v.description}`, () => {
      // The vectors write PassThru payloads in a wire array as hex strings.
      const wmsg = v.wmsg.map((x, i) =>
        i >= 4 && typeof x === 'string' && /^[0-9a-f]+$/.test(x) ? hexBytes(x) : x,
      );
      const c = tally('validation');
      try {
        if (v.error) {
          let err: unknown;
          try {
            messageFromArray(wmsg);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(ProtocolViolationError);
          expect((err as Error).message).toContain(v.error.contains);
        } else {
          expect(() => messageFromArray(wmsg)).not.toThrow();
        }
        c.pass++;
      } catch (e) {
        c.fail++;
        throw e;
      }
    });
  }

  afterAll(() => {
    console.log(`conformance: ${JSON.stringify(counts)}`);
  });
});
