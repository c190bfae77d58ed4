/**
 * WAMP-over-RawSocket constants (spec advanced/transport_rawsocket.md "RawSocket Transport").
 * Everything on the wire is big-endian ("network byte order").
 */

/** First octet of every handshake request and reply; no HTTP request can start with it. */
export const MAGIC = 0x7f;

/** Octets of a handshake request or reply, and of a frame header. */
export const HANDSHAKE_LENGTH = 4;
/** Octets of a frame header (the prefix before the payload). */
export const FRAME_HEADER_LENGTH = 4;

/** The `LENGTH` exponent range: 2**(e+9) octets, 512 B (e = 0) to 16 MiB (e = 15). */
export const MIN_LENGTH_EXPONENT = 0;
/** Largest `LENGTH` exponent: 2**24 octets. */
export const MAX_LENGTH_EXPONENT = 15;
/** Smallest and largest maximum message length a handshake can express. */
export const MIN_MAX_LENGTH = 2 ** 9;
/** Largest maximum message length a handshake can express (16 MiB). */
export const MAX_MAX_LENGTH = 2 ** 24;

/** Handshake `SERIALIZER` values (0 is illegal, 6-15 reserved). */
export const SerializerId = {
  json: 1,
  msgpack: 2,
  cbor: 3,
  ubjson: 4,
  flatbuffers: 5,
} as const;
/** A serializer name with a RawSocket handshake value. */
export type SerializerName = keyof typeof SerializerId;

/** Serializer name of a handshake `SERIALIZER` value, or undefined (0, reserved values). */
export function serializerName(id: number): SerializerName | undefined {
  for (const [name, value] of Object.entries(SerializerId)) {
    if (value === id) return name as SerializerName;
  }
  return undefined;
}

/** Error codes of a handshake error reply (upper nibble of octet 2; 0 must not be used). */
export const HandshakeErrorCode = {
  SerializerUnsupported: 1,
  MaxLengthUnacceptable: 2,
  ReservedBitsUsed: 3,
  MaxConnectionCountReached: 4,
} as const;
export type HandshakeErrorCode = (typeof HandshakeErrorCode)[keyof typeof HandshakeErrorCode];

const ERROR_TEXT: Record<number, string> = {
  0: 'illegal error code 0',
  1: 'serializer unsupported',
  2: 'maximum message length unacceptable',
  3: 'use of reserved bits (unsupported feature)',
  4: 'maximum connection count reached',
};

/** Human-readable meaning of a handshake error code (5-15 are reserved). */
export function describeHandshakeError(code: number): string {
  return ERROR_TEXT[code] ?? `reserved error code ${code}`;
}

/** Transport message types (the `TTT` bits of a frame header; 3-7 reserved). */
export const FrameType = {
  Message: 0,
  Ping: 1,
  Pong: 2,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Maximum message length announced by a `LENGTH` exponent: 2**(e + 9) octets. */
export function lengthOfExponent(exponent: number): number {
  return 2 ** (exponent + 9);
}

/**
 * The exponent to announce for a receive limit: the largest 2**(e+9) that does not exceed
 * `maxLength` (so the peer never sends more than we accept), clamped to 512 B .. 16 MiB.
 */
export function exponentForLength(maxLength: number): number {
  let e = MIN_LENGTH_EXPONENT;
  while (e < MAX_LENGTH_EXPONENT && lengthOfExponent(e + 1) <= maxLength) e++;
  return e;
}
