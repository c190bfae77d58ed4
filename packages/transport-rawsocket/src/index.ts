/**
 * @wampkit/transport-rawsocket: WAMP over RawSocket for Node (TCP, TLS, Unix domain sockets),
 * implementing the `Transport` interface of @wampkit/session.
 */
export {
  ConnectError,
  ConnectionLostError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  HandshakeFailedError,
  KeepaliveTimeoutError,
  MessageTooBigError,
  TlsError,
  TransportError,
  TransportProtocolError,
} from './errors.js';
export {
  connectRawSocket,
  type RawSocketTlsOptions,
  RawSocketTransport,
  type RawSocketTransportOptions,
} from './transport.js';
export { InvalidUrlError, parseRawSocketUrl, type RawSocketEndpoint } from './url.js';
