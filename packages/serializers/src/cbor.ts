/**
 * WAMP CBOR serializer, subprotocol `wamp.2.cbor` (spec wamp.md "CBOR"), on our own codec
 * (src/cbor/): one pass each way, bounded decoding, bytes equal to Autobahn|Python's (cbor2).
 * Binary is a CBOR byte string (major type 2); bignums (tags 2/3) decode as bigint.
 */
import { decodeCborMessage } from './cbor/decode.js';
import { encodeCborValue } from './cbor/encode.js';
import { ProtocolViolationError } from './errors.js';
import type { DecodeLimits } from './limits.js';
import type { WampMessage } from './messages.js';
import {
  createArraySerializer,
  type Serializer,
  type SerializerOptions,
  type ValueCodec,
} from './serializer.js';

export { decodeCborValue } from './cbor/decode.js';

/** Encodes a WAMP value as CBOR (RFC 8949); binary values become byte strings. */
export function encodeCbor(value: unknown): Uint8Array {
  return encodeCborValue(value);
}

/** Decodes a WAMP message array (see decodeCborMessage for the `undefined` rule). */
export function decodeCbor(data: Uint8Array | string, limits: DecodeLimits): unknown {
  if (typeof data === 'string') {
    throw new ProtocolViolationError('CBOR message arrived as text, expected binary');
  }
  return decodeCborMessage(data, limits.maxDepth);
}

/** Array-level CBOR codec. */
export const cborCodec: ValueCodec<Uint8Array> = { encode: encodeCbor, decode: decodeCbor };

/** A CBOR serializer (subprotocol wamp.2.cbor) with the given limits. */
export function createCborSerializer(options?: SerializerOptions): Serializer & {
  /** Validates and encodes a message to bytes; throws SerializationError for an invalid one. */
  serialize(msg: WampMessage): Uint8Array;
} {
  return createArraySerializer('cbor', cborCodec, options);
}

/** The CBOR serializer with the default limits. */
export const cborSerializer = /* @__PURE__ */ createCborSerializer();
