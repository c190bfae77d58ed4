/**
 * Typed transport errors (DESIGN.md principle 5). Everything `connectRawSocket` rejects with, and
 * every `error` in a close event, is a `TransportError`; the underlying Node or RawSocket error
 * is its `cause`.
 */

/** Base class: the transport could not be opened, or it failed. */
export class TransportError extends Error {
  /** Node error code of the cause when there is one (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT...). */
  readonly code: string | undefined;
  constructor(message: string, options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.name = new.target.name;
    this.code = options?.code;
  }
}

/** The TCP connection or Unix socket could not be reached (DNS, unreachable, no socket file). */
export class ConnectError extends TransportError {}

/** Nothing listens there: ECONNREFUSED (TCP or Unix socket), or no socket file (ENOENT). */
export class ConnectionRefusedError extends ConnectError {}

/**
 * The TLS handshake failed: the certificate did not verify (self-signed without `ca`, wrong
 * host name, expired...), or the TLS negotiation itself failed. `code` is OpenSSL's / Node's.
 */
export class TlsError extends TransportError {}

/** Connecting (TCP, TLS and the RawSocket handshake) took longer than `connectTimeout`. */
export class ConnectTimeoutError extends TransportError {}

/**
 * The RawSocket handshake failed: the router refused (`refusal` holds the spec's error code: 1
 * serializer unsupported, 2 maximum message length unacceptable, 3 use of reserved bits, 4
 * maximum connection count reached) or the peer did not answer as a RawSocket router.
 */
export class HandshakeFailedError extends TransportError {
  readonly refusal: number | undefined;
  constructor(message: string, options?: ErrorOptions & { refusal?: number }) {
    super(message, options);
    this.refusal = options?.refusal;
  }
}

/** The peer broke RawSocket framing (reserved bits or types, an over-length frame). */
export class TransportProtocolError extends TransportError {}

/** A message is longer than the peer accepts (the limit it announced in the handshake). */
export class MessageTooBigError extends TransportError {
  readonly length: number;
  readonly limit: number;
  constructor(message: string, length: number, limit: number, options?: ErrorOptions) {
    super(message, options);
    this.length = length;
    this.limit = limit;
  }
}

/** No PONG answered a keepalive PING within `pingTimeout`. */
export class KeepaliveTimeoutError extends TransportError {}

/** The connection was lost (reset, or closed by the peer in the middle of a frame). */
export class ConnectionLostError extends TransportError {}
