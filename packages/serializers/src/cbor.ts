/**
 * WAMP CBOR serializer, subprotocol `wamp.2.cbor` (spec wamp.md "CBOR"), on cbor-x.
 * Binary is a CBOR byte string (major type 2); bignums (tags 2/3) decode as bigint.
 */
import { Decoder, Encoder } from 'cbor-x';
import { scanCbor } from './cbor-scan.js';
import { ProtocolViolationError } from './errors.js';
import type { DecodeLimits } from './limits.js';
import type { WampMessage } from './messages.js';
import { normalizeValue } from './normalize.js';
import {
  createArraySerializer,
  type Serializer,
  type SerializerOptions,
  type ValueCodec,
} from './serializer.js';
import { widenIntegers } from './widen-integers.js';

// Plain RFC 8949 output: no record/structure extensions, no typed-array tags, maps as objects.
const encoder = /* @__PURE__ */ new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  largeBigIntToFloat: false,
  variableMapSize: true,
});
const decoder = /* @__PURE__ */ new Decoder({ useRecords: false, mapsAsObjects: false });

export function encodeCbor(value: unknown): Uint8Array {
  const out = encoder.encode(widenIntegers(value));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export function decodeCbor(data: Uint8Array | string, limits: DecodeLimits): unknown {
  if (typeof data === 'string') {
    throw new ProtocolViolationError('CBOR message arrived as text, expected binary');
  }
  scanCbor(data, limits.maxDepth);
  return normalizeValue(decoder.decode(data), { maxDepth: limits.maxDepth, jsonBinary: false });
}

/** Array-level CBOR codec. */
export const cborCodec: ValueCodec<Uint8Array> = { encode: encodeCbor, decode: decodeCbor };

export function createCborSerializer(
  options?: SerializerOptions,
): Serializer & { serialize(msg: WampMessage): Uint8Array } {
  return createArraySerializer('cbor', cborCodec, options);
}

export const cborSerializer = /* @__PURE__ */ createCborSerializer();
