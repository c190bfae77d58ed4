/**
 * Options of `openTransport`, the one entry that turns a URL into a Transport. The module behind
 * it is chosen by package.json `imports` conditions (`#open-transport`): open-node.ts in Node,
 * open-browser.ts everywhere else; protocol code never checks the runtime.
 */
import type { Serializer } from '@wampkit/serializers';
import type { KeepaliveOptions } from '@wampkit/session';
import type { WebSocketTransportOptions } from '@wampkit/session/websocket';

export type { KeepaliveOptions };

/** Options of openTransport(). */
export interface TransportOptions {
  serializer: Serializer;
  signal?: AbortSignal;
  /** Opening the transport (TCP, proxy, TLS, WebSocket/RawSocket handshake), ms. Default 10 000. */
  connectTimeout?: number;
  /** Node only: TLS for wss://, rss://, tls:// (verification on unless rejectUnauthorized: false). */
  tls?: WebSocketTransportOptions['tls'];
  /** Node WebSocket only: tunnel through an HTTP CONNECT proxy. */
  proxy?: WebSocketTransportOptions['proxy'];
  /** Node WebSocket only: 'wampkit' (default, @wampkit/framing) or 'ws' (the ws package). */
  implementation?: 'wampkit' | 'ws';
  /** WebSocket only: extra handshake headers (Node). */
  headers?: Record<string, string>;
  /** Largest incoming message, bytes (WebSocket: maxMessageSize; RawSocket: the announced
   * maxMessageLength). Default 16 MiB. */
  maxIncomingMessage?: number;
  /**
   * Transport keepalive. Node WebSocket: PING/PONG. RawSocket: PING/PONG only with
   * `rawSocketPing: true` (many routers, e.g. Crossbar and Autobahn|Python, do not answer
   * RawSocket PINGs), else the transport reports `keepalive: false` and the session-level WAMP
   * probe is used. Browsers: always the WAMP probe.
   */
  keepalive?: KeepaliveOptions & { rawSocketPing?: boolean };
}

/** URL schemes each runtime's openTransport accepts. */
export const WEBSOCKET_SCHEMES = ['ws:', 'wss:'] as const;
export const RAWSOCKET_SCHEMES = ['rs:', 'rss:', 'tcp:', 'tls:', 'unix:'] as const;

export function schemeOf(url: string): string {
  const colon = url.indexOf(':');
  return colon < 0 ? '' : url.slice(0, colon + 1).toLowerCase();
}
