/**
 * Typed errors of the WebSocket engine. Every protocol fault carries the close code the engine
 * sends for it (RFC 6455 §7.4.1), so callers never have to map messages to codes themselves.
 */
import { CloseCode } from './close-codes.js';

/** Base class of every error the framing package throws or reports. */
export class WebSocketError extends Error {
  override name = 'WebSocketError';
  /** Close code that describes the failure (RFC 6455 §7.4.1). */
  readonly code: number;
  constructor(message: string, code: number, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The peer violated RFC 6455 or RFC 7692 framing rules (close code 1002). */
export class ProtocolError extends WebSocketError {
  override name = 'ProtocolError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, CloseCode.ProtocolError, options);
  }
}

/** A text message or close reason was not valid UTF-8 (close code 1007). */
export class InvalidPayloadError extends WebSocketError {
  override name = 'InvalidPayloadError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, CloseCode.InvalidPayload, options);
  }
}

/** A frame, message or decompressed message exceeded a configured limit (close code 1009). */
export class MessageTooBigError extends WebSocketError {
  override name = 'MessageTooBigError';
  readonly limit: number;
  constructor(message: string, limit: number, options?: ErrorOptions) {
    super(message, CloseCode.MessageTooBig, options);
    this.limit = limit;
  }
}

/** Something inside the engine failed unexpectedly, e.g. the compressor (close code 1011). */
export class InternalError extends WebSocketError {
  override name = 'InternalError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, CloseCode.InternalError, options);
  }
}

/** The transport went away without a closing handshake (close code 1006, never sent on the wire). */
export class ConnectionLostError extends WebSocketError {
  override name = 'ConnectionLostError';
  constructor(message = 'connection lost without a closing handshake', options?: ErrorOptions) {
    super(message, CloseCode.Abnormal, options);
  }
}

/**
 * The opening handshake failed (RFC 6455 §4). No close frame is possible yet, so `code` is 1002
 * and `status` holds the HTTP status that was (server role) or would have been answered.
 */
export class HandshakeError extends WebSocketError {
  override name = 'HandshakeError';
  /** HTTP status of the failure: the server's answer (client role) or the one we send (server). */
  readonly status: number;
  constructor(message: string, status = 400, options?: ErrorOptions) {
    super(message, CloseCode.ProtocolError, options);
    this.status = status;
  }
}

/** The API was used in a state that does not allow it (e.g. sending after close). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateError';
  }
}
