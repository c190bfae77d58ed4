/**
 * Options of `connectWebSocket` (spec wamp.md "WebSocket Transport"), one type for both
 * runtimes: export conditions pick websocket-node.ts or websocket-browser.ts.
 */
import type { Serializer } from '@wampkit/serializers';

export interface WebSocketTransportOptions {
  serializer: Serializer;
  signal?: AbortSignal;
  /** Extra handshake headers (Node only: browsers cannot set them). */
  headers?: Record<string, string>;
  /** Largest incoming WebSocket message, bytes (Node only; default 16 MiB). */
  maxMessageSize?: number;
  /** Opening handshake timeout, ms. */
  handshakeTimeout?: number;
  /** Node only: options passed to the framing adapter (tls, deflate, ...). */
  node?: Record<string, unknown>;
}
