/**
 * The Serializer interface the session layer uses, and the shared implementation for the
 * serializers that put the WAMP message array through a value codec (json, msgpack, cbor, ubjson).
 */
import { ProtocolViolationError, SerializationError } from './errors.js';
import { type DecodeLimits, resolveLimits } from './limits.js';
import type { WampMessage } from './messages.js';
import { messageFromArray, messageToArray, validateOutgoing } from './wire.js';

/** The five WAMP serializers. */
export type SerializerId = 'json' | 'msgpack' | 'cbor' | 'ubjson' | 'flatbuffers';

/** WebSocket subprotocol names (spec wamp.md "WebSocket Transport"). */
export type Subprotocol = `wamp.2.${SerializerId}`;

/** RawSocket serializer ids (spec wamp-ap.md "RawSocket Transport", handshake octet 2). */
export const RAWSOCKET_SERIALIZER_ID: Readonly<Record<SerializerId, number>> = {
  json: 1,
  msgpack: 2,
  cbor: 3,
  ubjson: 4,
  flatbuffers: 5,
};

/** A WAMP serializer: the subprotocol and RawSocket ID it stands for, and message encoding with validation. */
export interface Serializer {
  readonly id: SerializerId;
  readonly subprotocol: Subprotocol;
  /** RawSocket handshake serializer id. */
  readonly rawSocketId: number;
  /** true: send as binary WebSocket frames; false (JSON): text frames. */
  readonly binary: boolean;
  /** Validates and encodes; throws SerializationError for an invalid message. */
  serialize(msg: WampMessage): Uint8Array | string;
  /** Decodes and validates; throws ProtocolViolationError for anything malformed. */
  unserialize(data: Uint8Array | string): WampMessage;
}

/** Options of the create*Serializer() functions. */
export interface SerializerOptions {
  readonly limits?: Partial<DecodeLimits>;
}

/** Array-level codec: WAMP message arrays (or any WAMP value) to bytes/text and back. */
export interface ValueCodec<Encoded extends Uint8Array | string = Uint8Array | string> {
  /** Encodes a WAMP value (a message array or any part of one). */
  encode(value: unknown): Encoded;
  /** Throws ProtocolViolationError; the result is already normalized (see normalize.ts). */
  decode(data: Uint8Array | string, limits: DecodeLimits): unknown;
}

export function byteLength(data: Uint8Array | string): number {
  return typeof data === 'string' ? data.length : data.byteLength;
}

export function checkSize(data: Uint8Array | string, limits: DecodeLimits): void {
  if (byteLength(data) > limits.maxMessageBytes) {
    throw new ProtocolViolationError(
      `message of ${byteLength(data)} bytes exceeds the limit of ${limits.maxMessageBytes}`,
    );
  }
}

/** Wraps an unexpected library exception while decoding as a protocol violation. */
export function asViolation(e: unknown, what: string): ProtocolViolationError {
  if (e instanceof ProtocolViolationError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new ProtocolViolationError(`invalid ${what}: ${detail}`, { cause: e });
}

export function asSerializationError(e: unknown, what: string): SerializationError {
  if (e instanceof SerializationError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new SerializationError(`cannot encode as ${what}: ${detail}`, { cause: e });
}

export function createArraySerializer<E extends Uint8Array | string>(
  id: Exclude<SerializerId, 'flatbuffers'>,
  codec: ValueCodec<E>,
  options: SerializerOptions = {},
): Serializer & { serialize(msg: WampMessage): E } {
  const limits = resolveLimits(options.limits);
  return {
    id,
    subprotocol: `wamp.2.${id}`,
    rawSocketId: RAWSOCKET_SERIALIZER_ID[id],
    binary: id !== 'json',
    serialize(msg: WampMessage): E {
      validateOutgoing(msg);
      try {
        return codec.encode(messageToArray(msg));
      } catch (e) {
        throw asSerializationError(e, id);
      }
    },
    unserialize(data: Uint8Array | string): WampMessage {
      checkSize(data, limits);
      let value: unknown;
      try {
        value = codec.decode(data, limits);
      } catch (e) {
        throw asViolation(e, `${id} message`);
      }
      return messageFromArray(value);
    },
  };
}
