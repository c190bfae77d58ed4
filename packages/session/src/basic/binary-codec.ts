/** BasicCodecs over @wampkit/serializers' binary value codecs (msgpack, cbor). */
import { DEFAULT_LIMITS, type DecodeLimits, ProtocolViolationError } from '@wampkit/serializers';
import type { BasicCodec } from './codec.js';

/** A BasicCodec over one of @wampkit/serializers' value codecs (decoded within `limits`). */
export function binaryCodec(
  name: string,
  codec: { encode(v: unknown): Uint8Array; decode(d: Uint8Array, l: DecodeLimits): unknown },
): BasicCodec {
  return {
    protocol: `wamp.2.${name}`,
    encode: (message) => codec.encode(message),
    decode(data) {
      if (typeof data === 'string') {
        throw new ProtocolViolationError(`a text message where ${name} sends binary`);
      }
      return codec.decode(data, DEFAULT_LIMITS);
    },
  };
}
