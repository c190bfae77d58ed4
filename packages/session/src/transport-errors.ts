/**
 * Typed transport errors shared by every transport (DESIGN.md principle 5): what opening a
 * transport rejects with, and the `error` of a transport's close event. WebSocket (Node and
 * browser) and RawSocket raise the same classes, so an application (and the Component's retry
 * policy) can tell a refused connection from a TLS failure or a dead peer without knowing the
 * transport. The underlying Node, TLS, WebSocket or RawSocket error is the `cause`.
 */

/** Base class: a transport could not be opened, or it failed. */
export class TransportError extends Error {
  override name = 'TransportError';
  /** Node/OpenSSL error code of the cause when there is one (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT...). */
  readonly code: string | undefined;
  constructor(message: string, options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.code = options?.code;
  }
}

/** The peer could not be reached (DNS failure, unreachable network, no socket file). */
export class ConnectError extends TransportError {
  override name = 'ConnectError';
}

/** Nothing listens there: ECONNREFUSED (TCP or Unix socket), or no socket file (ENOENT). */
export class ConnectionRefusedError extends ConnectError {
  override name = 'ConnectionRefusedError';
}

/**
 * An HTTP CONNECT proxy could not be reached or refused the tunnel (`status` is its HTTP status
 * when it answered).
 */
export class ProxyError extends ConnectError {
  override name = 'ProxyError';
  readonly status: number | undefined;
  constructor(message: string, options?: ErrorOptions & { code?: string; status?: number }) {
    super(message, options);
    this.status = options?.status;
  }
}

/**
 * The TLS handshake failed: the certificate did not verify (self-signed without a CA, wrong host
 * name, expired...) or the negotiation itself failed. `code` is OpenSSL's / Node's.
 */
export class TlsError extends TransportError {
  override name = 'TlsError';
}

/** Opening the transport (connect, TLS, transport handshake) took longer than allowed. */
export class ConnectTimeoutError extends TransportError {
  override name = 'ConnectTimeoutError';
}

/**
 * The transport's opening handshake failed: a WebSocket upgrade answered with an HTTP error
 * (`status`) or without a WAMP subprotocol, a RawSocket handshake refused (see the RawSocket
 * transport's subclass), or a peer that does not speak the protocol.
 */
export class HandshakeFailedError extends TransportError {
  override name = 'HandshakeFailedError';
  /** HTTP status of a refused WebSocket upgrade. */
  readonly status: number | undefined;
  constructor(message: string, options?: ErrorOptions & { code?: string; status?: number }) {
    super(message, options);
    this.status = options?.status;
  }
}

/** The peer broke the transport's framing (a malformed or over-length frame). */
export class TransportProtocolError extends TransportError {
  override name = 'TransportProtocolError';
}

/**
 * A message is longer than the peer accepts (`limit`: the transport's `maxMessageLength`, e.g.
 * the length a RawSocket router announced). Raised before sending, so nothing waits for an
 * answer that cannot come.
 */
export class MessageTooBigError extends TransportError {
  override name = 'MessageTooBigError';
  readonly length: number;
  readonly limit: number;
  constructor(message: string, length: number, limit: number, options?: ErrorOptions) {
    super(message, options);
    this.length = length;
    this.limit = limit;
  }
}

/** The peer did not answer a keepalive probe (WebSocket/RawSocket PONG or a WAMP probe call) in time. */
export class KeepaliveTimeoutError extends TransportError {
  override name = 'KeepaliveTimeoutError';
}

/** The connection was lost (reset, or closed without a closing handshake). */
export class ConnectionLostError extends TransportError {
  override name = 'ConnectionLostError';
}

/** The transport (or one of its URL schemes) does not exist in this runtime, or the URL is bad. */
export class UnsupportedTransportError extends TransportError {
  override name = 'UnsupportedTransportError';
}
