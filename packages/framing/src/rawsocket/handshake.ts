/**
 * The RawSocket opening handshake (spec advanced/transport_rawsocket.md, "Handshake"): four
 * octets each way, `0111 1111 LLLL SSSS RRRR RRRR RRRR RRRR`. The client requests a serializer
 * and announces the longest message it accepts; the router echoes the serializer and announces
 * its own limit, or answers `0111 1111 EEEE 0000 ...` with an error code.
 */
import {
  HANDSHAKE_LENGTH,
  lengthOfExponent,
  MAGIC,
  MAX_LENGTH_EXPONENT,
  serializerName,
} from './constants.js';
import { RawSocketHandshakeError, RawSocketRefusedError } from './errors.js';

/** A client's 4-octet RawSocket handshake request, decoded. */
export interface HandshakeRequest {
  /** The `SERIALIZER` value the client asked for (1 json ... 5 flatbuffers). */
  readonly serializer: number;
  /** The client's `LENGTH` exponent. */
  readonly lengthExponent: number;
  /** Longest message the client accepts, octets: the router must not send more. */
  readonly maxLength: number;
  /** Octets 3 and 4 were not zero (spec: reserved, MUST be zero). */
  readonly reservedBitsUsed: boolean;
}

/** A router's successful 4-octet RawSocket handshake reply, decoded. */
export interface HandshakeReply {
  readonly serializer: number;
  readonly lengthExponent: number;
  /** Longest message the router accepts, octets: the client must not send more. */
  readonly maxLength: number;
}

function checkExponent(exponent: number): void {
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > MAX_LENGTH_EXPONENT) {
    throw new RangeError(`RawSocket length exponent must be 0..15, got ${exponent}`);
  }
}

function checkSerializer(serializer: number): void {
  if (!Number.isInteger(serializer) || serializer < 1 || serializer > 15) {
    throw new RangeError(`RawSocket serializer id must be 1..15, got ${serializer}`);
  }
}

/** Client handshake request: magic, `LENGTH`/`SERIALIZER`, two zero octets. */
export function encodeHandshakeRequest(serializer: number, lengthExponent: number): Uint8Array {
  checkSerializer(serializer);
  checkExponent(lengthExponent);
  return Uint8Array.of(MAGIC, (lengthExponent << 4) | serializer, 0, 0);
}

/** Router success reply: same structure, the client's serializer echoed. */
export const encodeHandshakeReply: (serializer: number, lengthExponent: number) => Uint8Array =
  encodeHandshakeRequest;

/** Router error reply: the error code in the upper nibble, the lower nibble zero. */
export function encodeHandshakeError(code: number): Uint8Array {
  if (!Number.isInteger(code) || code < 1 || code > 15) {
    throw new RangeError(`RawSocket handshake error code must be 1..15, got ${code}`);
  }
  return Uint8Array.of(MAGIC, code << 4, 0, 0);
}

function checkMagic(bytes: Uint8Array, what: string): void {
  if (bytes.length < HANDSHAKE_LENGTH) {
    throw new RawSocketHandshakeError(`RawSocket ${what} is ${bytes.length} octets, expected 4`);
  }
  if (bytes[0] !== MAGIC) {
    throw new RawSocketHandshakeError(
      `not a RawSocket ${what}: first octet 0x${(bytes[0] ?? 0).toString(16).padStart(2, '0')}, expected 0x7f`,
    );
  }
}

/**
 * Reads a client request. Throws RawSocketHandshakeError when the first octet is not 0x7F
 * (not a RawSocket peer: fail the connection). Serializer support and the reserved octets are
 * the caller's decision (it answers with an error reply).
 */
export function parseHandshakeRequest(bytes: Uint8Array): HandshakeRequest {
  checkMagic(bytes, 'handshake request');
  const octet2 = bytes[1] ?? 0;
  const lengthExponent = octet2 >> 4;
  return {
    serializer: octet2 & 0x0f,
    lengthExponent,
    maxLength: lengthOfExponent(lengthExponent),
    reservedBitsUsed: bytes[2] !== 0 || bytes[3] !== 0,
  };
}

/**
 * Reads the router's reply to our request for `requested`. Throws RawSocketRefusedError for an
 * error reply, RawSocketHandshakeError for a malformed one or a different serializer.
 */
export function parseHandshakeReply(bytes: Uint8Array, requested: number): HandshakeReply {
  checkMagic(bytes, 'handshake reply');
  const octet2 = bytes[1] ?? 0;
  if (bytes[2] !== 0 || bytes[3] !== 0) {
    throw new RawSocketHandshakeError(
      'RawSocket handshake reply has non-zero reserved octets (3 and 4 must be zero)',
    );
  }
  const serializer = octet2 & 0x0f;
  if (serializer === 0) {
    const code = octet2 >> 4;
    if (code === 0) {
      throw new RawSocketHandshakeError(
        'RawSocket handshake reply carries the illegal error code 0',
      );
    }
    throw new RawSocketRefusedError(code);
  }
  if (serializer !== requested) {
    const name = (id: number) => serializerName(id) ?? `id ${id}`;
    throw new RawSocketHandshakeError(
      `RawSocket router replied with serializer ${name(serializer)}, but ${name(requested)} was requested`,
    );
  }
  const lengthExponent = octet2 >> 4;
  return { serializer, lengthExponent, maxLength: lengthOfExponent(lengthExponent) };
}
