/**
 * Typed transport errors (DESIGN.md principle 5). Everything `connectRawSocket` rejects with, and
 * every `error` in a close event, is a `TransportError` of @wampkit/session (the classes every
 * transport shares, re-exported here); the underlying Node or RawSocket error is its `cause`.
 */
import { HandshakeFailedError as TransportHandshakeFailedError } from '@wampkit/session';

export {
  ConnectError,
  ConnectionLostError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  KeepaliveTimeoutError,
  MessageTooBigError,
  TlsError,
  TransportError,
  TransportProtocolError,
} from '@wampkit/session';

/**
 * The RawSocket handshake failed: the router refused (`refusal` holds the spec's error code: 1
 * serializer unsupported, 2 maximum message length unacceptable, 3 use of reserved bits, 4
 * maximum connection count reached) or the peer did not answer as a RawSocket router. A subclass
 * of the shared `HandshakeFailedError`.
 */
export class HandshakeFailedError extends TransportHandshakeFailedError {
  override name = 'HandshakeFailedError';
  readonly refusal: number | undefined;
  constructor(message: string, options?: ErrorOptions & { refusal?: number }) {
    super(message, options);
    this.refusal = options?.refusal;
  }
}
