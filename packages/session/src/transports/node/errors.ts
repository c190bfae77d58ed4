/// <reference types="node" />
/**
 * Maps what Node, OpenSSL, the framing engine and `ws` report while opening or running a
 * WebSocket to the shared TransportError classes (transport-errors.ts), keeping the original as
 * `cause` and its code as `code`.
 */
import { HandshakeError, WebSocketError } from '@wampkit/framing';
import {
  ConnectError,
  ConnectionLostError,
  ConnectionRefusedError,
  HandshakeFailedError,
  TlsError,
  TransportError,
  TransportProtocolError,
} from '../../transport-errors.js';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

/** The Node errno error in an error's cause chain (the framing engine wraps them). */
function errnoOf(error: unknown): NodeJS.ErrnoException | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (typeof (e as NodeJS.ErrnoException).code === 'string') return e as NodeJS.ErrnoException;
  }
  return undefined;
}

/** A failure while opening a WebSocket to `where` (host:port), as a TransportError. */
export function openError(error: unknown, where: string): TransportError {
  if (error instanceof TransportError) return error;
  if (error instanceof HandshakeError) {
    return new HandshakeFailedError(`WebSocket handshake with ${where} failed: ${error.message}`, {
      cause: error,
      status: error.status,
    });
  }
  const errno = errnoOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const code = errno?.code;
  if (code !== undefined) {
    const options = { cause: error, code };
    if (code === 'ECONNREFUSED' || code === 'ENOENT') {
      return new ConnectionRefusedError(`connection refused by ${where}`, options);
    }
    if (isTlsCode(code)) {
      const hint = UNTRUSTED.has(code)
        ? `the router's certificate is not trusted (${code}); pass its CA as tls.ca`
        : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? `the router's certificate does not match the host name (${errno?.message})`
          : `${errno?.message} (${code})`;
      return new TlsError(`TLS handshake with ${where} failed: ${hint}`, options);
    }
    return new ConnectError(`cannot connect to ${where}: ${errno?.message}`, options);
  }
  // `ws` reports a refused upgrade as "Unexpected server response: 404".
  const status = /Unexpected server response: (\d{3})/.exec(message);
  if (status) {
    return new HandshakeFailedError(`WebSocket handshake with ${where} failed: ${message}`, {
      cause: error,
      status: Number(status[1]),
    });
  }
  if (error instanceof WebSocketError && error.code !== 1006) {
    return new TransportProtocolError(`${where}: ${message}`, { cause: error });
  }
  return new ConnectionLostError(`${where}: ${message}`, { cause: error });
}

/** The error of an open WebSocket's close (undefined for a clean close). */
export function closeError(error: unknown, where: string): TransportError | undefined {
  if (error === undefined || error === null) return undefined;
  if (error instanceof TransportError) return error;
  if (error instanceof WebSocketError && error.code !== 1006) {
    return new TransportProtocolError(`${where}: ${error.message}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionLostError(`${where}: connection lost (${message})`, { cause: error });
}
