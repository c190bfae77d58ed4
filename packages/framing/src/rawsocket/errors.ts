/**
 * Typed errors of the RawSocket engine (DESIGN.md principle 5). RawSocket has no close codes:
 * a failure ends the connection, and the error says why.
 */
import { describeHandshakeError } from './constants.js';

/** Base class of every RawSocket failure. */
export class RawSocketError extends Error {
  override name = 'RawSocketError';
}

/**
 * The opening handshake failed on our side of the check: a bad magic octet, an illegal
 * serializer value, non-zero reserved octets, or a reply that does not match the request.
 */
export class RawSocketHandshakeError extends RawSocketError {
  override name = 'RawSocketHandshakeError';
}

/**
 * The router answered the handshake with an error reply (client role), or we answered one
 * (router role). `code` is the spec's error code (1 serializer unsupported, 2 maximum message
 * length unacceptable, 3 use of reserved bits, 4 maximum connection count reached).
 */
export class RawSocketRefusedError extends RawSocketHandshakeError {
  override name = 'RawSocketRefusedError';
  readonly code: number;
  constructor(code: number, message?: string, options?: ErrorOptions) {
    super(message ?? `RawSocket handshake refused: ${describeHandshakeError(code)}`, options);
    this.code = code;
  }
}

/** A frame broke the framing rules: reserved bits set, a reserved message type, a bad length. */
export class RawSocketProtocolError extends RawSocketError {
  override name = 'RawSocketProtocolError';
}

/** A message is longer than the negotiated maximum (received: fatal; sent: refused locally). */
export class RawSocketMessageTooBigError extends RawSocketError {
  override name = 'RawSocketMessageTooBigError';
  readonly length: number;
  readonly limit: number;
  constructor(message: string, length: number, limit: number, options?: ErrorOptions) {
    super(message, options);
    this.length = length;
    this.limit = limit;
  }
}

/** The byte stream ended before the handshake completed, or in the middle of a frame. */
export class RawSocketConnectionLostError extends RawSocketError {
  override name = 'RawSocketConnectionLostError';
  constructor(message = 'RawSocket connection lost', options?: ErrorOptions) {
    super(message, options);
  }
}

/** The API was used in a state that does not allow it (e.g. sending before the handshake). */
export class RawSocketStateError extends RawSocketError {
  override name = 'RawSocketStateError';
}
