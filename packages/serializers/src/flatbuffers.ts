/**
 * WAMP FlatBuffers serializer, subprotocol `wamp.2.flatbuffers`, on the `flatbuffers` runtime
 * with code flatc generated from the WAMP schema (src/flatbuffers/generated/). Wire layout as
 * Autobahn|Python writes it: `Message.msg_type` is the WAMP message type code, args/kwargs are
 * CBOR inside byte vectors.
 */
import { ProtocolViolationError } from './errors.js';
import { decodeFlatbuffersMessage } from './flatbuffers/decode.js';
import { encodeFlatbuffersMessage } from './flatbuffers/encode.js';
import { resolveLimits } from './limits.js';
import type { WampMessage } from './messages.js';
import {
  asSerializationError,
  checkSize,
  RAWSOCKET_SERIALIZER_ID,
  type Serializer,
  type SerializerOptions,
} from './serializer.js';
import { validateOutgoing } from './wire.js';

/** Options of createFlatbuffersSerializer(). */
export interface FlatbuffersSerializerOptions extends SerializerOptions {
  /**
   * The schema has no slot for free-form dictionary keys (e.g. HELLO.Details.agent). false
   * (default): such keys are left out, as Autobahn|Python does. true: serialize() throws
   * SerializationError instead.
   */
  readonly strict?: boolean;
}

/** A flatbuffers serializer (subprotocol wamp.2.flatbuffers) with the given limits. */
export function createFlatbuffersSerializer(
  options: FlatbuffersSerializerOptions = {},
): Serializer & {
  /** Validates and encodes a message to bytes; throws SerializationError for an invalid one. */
  serialize(msg: WampMessage): Uint8Array;
} {
  const limits = resolveLimits(options.limits);
  const strict = options.strict ?? false;
  return {
    id: 'flatbuffers',
    subprotocol: 'wamp.2.flatbuffers',
    rawSocketId: RAWSOCKET_SERIALIZER_ID.flatbuffers,
    binary: true,
    serialize(msg: WampMessage): Uint8Array {
      validateOutgoing(msg);
      try {
        return encodeFlatbuffersMessage(msg, strict);
      } catch (e) {
        throw asSerializationError(e, 'flatbuffers');
      }
    },
    unserialize(data: Uint8Array | string): WampMessage {
      if (typeof data === 'string') {
        throw new ProtocolViolationError('FlatBuffers message arrived as text, expected binary');
      }
      checkSize(data, limits);
      return decodeFlatbuffersMessage(data, limits);
    },
  };
}

/** The flatbuffers serializer with the default limits. */
export const flatbuffersSerializer = /* @__PURE__ */ createFlatbuffersSerializer();
