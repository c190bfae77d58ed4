/**
 * WAMP MessagePack serializer, subprotocol `wamp.2.msgpack` (spec wamp.md "MessagePack"),
 * on @msgpack/msgpack. Binary is MessagePack bin; 64-bit integers beyond 2^53 decode as bigint.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { ProtocolViolationError } from './errors.js';
import type { DecodeLimits } from './limits.js';
import type { WampMessage } from './messages.js';
import { scanMsgpack } from './msgpack-scan.js';
import { normalizeValue } from './normalize.js';
import {
  createArraySerializer,
  type Serializer,
  type SerializerOptions,
  type ValueCodec,
} from './serializer.js';
import { widenIntegers } from './widen-integers.js';

const encoder = /* @__PURE__ */ new Encoder({ useBigInt64: true, ignoreUndefined: true });
const decoder = /* @__PURE__ */ new Decoder({ useBigInt64: true });

export function encodeMsgpack(value: unknown): Uint8Array {
  return encoder.encode(widenIntegers(value));
}

export function decodeMsgpack(data: Uint8Array | string, limits: DecodeLimits): unknown {
  if (typeof data === 'string') {
    throw new ProtocolViolationError('MessagePack message arrived as text, expected binary');
  }
  scanMsgpack(data, limits.maxDepth);
  return normalizeValue(decoder.decode(data), { maxDepth: limits.maxDepth, jsonBinary: false });
}

/** Array-level MessagePack codec. */
export const msgpackCodec: ValueCodec<Uint8Array> = {
  encode: encodeMsgpack,
  decode: decodeMsgpack,
};

export function createMsgpackSerializer(
  options?: SerializerOptions,
): Serializer & { serialize(msg: WampMessage): Uint8Array } {
  return createArraySerializer('msgpack', msgpackCodec, options);
}

export const msgpackSerializer = /* @__PURE__ */ createMsgpackSerializer();
