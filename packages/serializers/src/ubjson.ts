/**
 * WAMP UBJSON serializer, subprotocol `wamp.2.ubjson` (spec wamp.md "UBJSON"). Our own codec
 * (src/ubjson/): byte-compatible with py-ubjson, and decoding the BJData forms too.
 */
import { ProtocolViolationError } from './errors.js';
import type { DecodeLimits } from './limits.js';
import type { WampMessage } from './messages.js';
import {
  createArraySerializer,
  type Serializer,
  type SerializerOptions,
  type ValueCodec,
} from './serializer.js';
import { decodeUbjson as decodeUbjsonValue } from './ubjson/decode.js';
import { encodeUbjson } from './ubjson/encode.js';

export { encodeUbjson };

/** Decodes a UBJSON WAMP message array within `limits`; throws ProtocolViolationError on malformed input. */
export function decodeUbjson(data: Uint8Array | string, limits: DecodeLimits): unknown {
  if (typeof data === 'string') {
    throw new ProtocolViolationError('UBJSON message arrived as text, expected binary');
  }
  return decodeUbjsonValue(data, limits.maxDepth);
}

/** Array-level UBJSON codec. */
export const ubjsonCodec: ValueCodec<Uint8Array> = { encode: encodeUbjson, decode: decodeUbjson };

/** A UBJSON serializer (subprotocol wamp.2.ubjson) with the given limits. */
export function createUbjsonSerializer(options?: SerializerOptions): Serializer & {
  /** Validates and encodes a message to bytes; throws SerializationError for an invalid one. */
  serialize(msg: WampMessage): Uint8Array;
} {
  return createArraySerializer('ubjson', ubjsonCodec, options);
}

/** The UBJSON serializer with the default limits. */
export const ubjsonSerializer = /* @__PURE__ */ createUbjsonSerializer();
