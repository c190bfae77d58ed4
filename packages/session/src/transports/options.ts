/**
 * Options of `connectWebSocket` (spec wamp.md "WebSocket Transport"), one type for both
 * runtimes: export conditions pick websocket-node.ts or websocket-browser.ts. Options marked
 * "Node only" are ignored by browsers, which own TLS, proxies and ping themselves.
 */
import type { Serializer } from '@wampkit/serializers';
import type { KeepaliveOptions } from '../keepalive.js';

/** PEM text or bytes (a Node Buffer is a Uint8Array). */
export type Pem = string | Uint8Array | Array<string | Uint8Array>;

/** TLS settings for wss:// in Node. Verification is on unless `rejectUnauthorized` is false. */
export interface WebSocketTlsOptions {
  /** Trusted CA certificates; default: Node's bundled roots. */
  ca?: Pem;
  /** Client certificate chain, for routers that authenticate by certificate. */
  cert?: Pem;
  /** Private key of the client certificate. */
  key?: Pem;
  passphrase?: string;
  /** SNI and the name the certificate must match; default: the URL's host (unless an IP). */
  servername?: string;
  /** Verify the router's certificate. Default true. */
  rejectUnauthorized?: boolean;
}

/** An HTTP proxy reached with CONNECT (RFC 9110 §9.3.6): `http://[user:pass@]host:port`. */
export interface ProxyOptions {
  url: string;
  /** Extra headers of the CONNECT request. */
  headers?: Record<string, string>;
}

/** Options of connectWebSocket(). */
export interface WebSocketTransportOptions {
  serializer: Serializer;
  signal?: AbortSignal;
  /** Extra handshake headers (Node only: browsers cannot set them). */
  headers?: Record<string, string>;
  /** Largest incoming WebSocket message, bytes (Node only; default 16 MiB). */
  maxMessageSize?: number;
  /** Longest message the router accepts, bytes (the transport's `maxMessageLength`): longer
   * requests are refused locally with MessageTooBigError. Default: no limit. */
  maxSendLength?: number;
  /** Opening the connection (TCP, proxy, TLS, WebSocket handshake) must finish within this many
   * ms (ConnectTimeoutError). Default 10 000. */
  handshakeTimeout?: number;
  /** Node only: TLS settings for wss://. */
  tls?: WebSocketTlsOptions;
  /** Node only: tunnel through an HTTP proxy with CONNECT (a URL string or options). */
  proxy?: string | ProxyOptions;
  /**
   * Node only: the WebSocket implementation. 'wampkit' (default): the @wampkit/framing engine;
   * 'ws': the `ws` package (an optional peer dependency, loaded only when chosen).
   */
  implementation?: 'wampkit' | 'ws';
  /** Node only: WebSocket PING every `interval` ms, the transport fails (KeepaliveTimeoutError)
   * when no PONG comes within `timeout`. Browsers cannot ping: the transport reports
   * `keepalive: false` and a WAMP-level probe (keepalive.ts) is used instead. */
  keepalive?: KeepaliveOptions;
  /** Node only: options passed to the framing adapter (deflate, closeTimeout, ...). */
  node?: Record<string, unknown>;
}
