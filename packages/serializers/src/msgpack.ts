/**
 * WAMP MessagePack serializer, subprotocol `wamp.2.msgpack` (spec wamp.md "MessagePack"), on
 * our own codec (src/msgpack/): one pass each way, bounded decoding, bytes equal to
 * Autobahn|Python's. Binary is MessagePack bin; 64-bit integers beyond 2^53 decode as bigint.
 */
import { ProtocolViolationError } from './errors.js';
import type { DecodeLimits } from './limits.js';
import type { WampMessage } from './messages.js';
import { decodeMsgpackMessage } from './msgpack/decode.js';
import { encodeMsgpackValue } from './msgpack/encode.js';
import {
  createArraySerializer,
  type Serializer,
  type SerializerOptions,
  type ValueCodec,
} from './serializer.js';

export { decodeMsgpackValue } from './msgpack/decode.js';

/** Encodes a WAMP value as MessagePack, binary as bin. */
export function encodeMsgpack(value: unknown): Uint8Array {
  return encodeMsgpackValue(value);
}

/** Decodes a WAMP message array (see decodeMsgpackMessage for the `undefined` rule). */
export function decodeMsgpack(data: Uint8Array | string, limits: DecodeLimits): unknown {
  if (typeof data === 'string') {
    throw new ProtocolViolationError('MessagePack message arrived as text, expected binary');
  }
  return decodeMsgpackMessage(data, limits.maxDepth);
}

/** Array-level MessagePack codec. */
export const msgpackCodec: ValueCodec<Uint8Array> = {
  encode: encodeMsgpack,
  decode: decodeMsgpack,
};

/** A MessagePack serializer (subprotocol wamp.2.msgpack) with the given limits. */
export function createMsgpackSerializer(options?: SerializerOptions): Serializer & {
  /** Validates and encodes a message to bytes; throws SerializationError for an invalid one. */
  serialize(msg: WampMessage): Uint8Array;
} {
  return createArraySerializer('msgpack', msgpackCodec, options);
}

/** The MessagePack serializer with the default limits. */
export const msgpackSerializer = /* @__PURE__ */ createMsgpackSerializer();
