/**
 * The boundary between a transport (WebSocket, RawSocket) and the router: the transport
 * frames bytes and picks the serializer; the router sees one `PeerConnection` per connection and
 * answers with a `PeerHandler` that the transport feeds.
 */
import type { ChannelBindingData, PeerCertificateInfo } from '@wampkit/auth';
import type { Serializer } from '@wampkit/serializers';

/** Implementation-defined description of the transport, shown by `wamp.session.get`. */
export interface TransportInfo {
  /** e.g. `websocket`. */
  readonly type: string;
  /** Negotiated WAMP subprotocol / serializer, e.g. `wamp.2.json`. */
  readonly protocol: string;
  /** Remote address, when the transport knows it. */
  readonly peer?: string;
  readonly [key: string]: unknown;
}

/** Why the router closes a connection; a transport maps it to its own close code. */
export type CloseReason =
  /** Orderly end (after GOODBYE or ABORT in answer to a normal condition). */
  | 'normal'
  /** The peer violated the WAMP protocol (after ABORT wamp.error.protocol_violation). */
  | 'protocol-violation'
  /** The router is shutting down. */
  | 'shutdown'
  /** The peer's send queue exceeded its bound; nothing more can be sent. */
  | 'overflow';

/**
 * What authentication may use of a TLS connection (kept out of `TransportInfo`, which the session
 * meta-API shows): channel-binding data (RFC 5929 `tls-unique`, RFC 9266 `tls-exporter`) and the
 * client certificate.
 */
export interface TransportAuthInfo {
  readonly channelBinding?: ChannelBindingData;
  readonly peerCertificate?: PeerCertificateInfo;
}

/** One client connection, as a transport hands it to Router.attach(). */
export interface PeerConnection {
  readonly serializer: Serializer;
  readonly info: TransportInfo;
  /** TLS connections: channel binding and client certificate, for the authenticator. */
  readonly authInfo?: TransportAuthInfo;
  /** Sends one serialized message (text for JSON, binary otherwise). */
  send(data: string | Uint8Array): void;
  /**
   * Longest serialized message the peer accepts (RawSocket: the limit of its handshake), bytes;
   * absent when the transport has none. The router does not send longer messages.
   */
  readonly maxMessageBytes?: number;
  /** Bytes accepted by `send` but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Closes the connection after what was sent so far is flushed (unless 'overflow'). */
  close(reason: CloseReason, message?: string): void;
}

/** What the router gives back for a connection; the transport calls it. */
export interface PeerHandler {
  /** One complete transport message (a serialized WAMP message). */
  message(data: string | Uint8Array): void;
  /** The connection is gone (closed by either side or lost). Called once. */
  closed(): void;
}
