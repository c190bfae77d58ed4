/**
 * Transport selection outside Node (`#open-transport`, default condition): WebSocket only, on
 * the runtime's native WebSocket. RawSocket needs raw TCP, which browsers do not give scripts.
 */
import { type Transport, UnsupportedTransportError } from '@wampkit/session';
import { connectWebSocket } from '@wampkit/session/websocket';
import {
  RAWSOCKET_SCHEMES,
  schemeOf,
  type TransportOptions,
  WEBSOCKET_SCHEMES,
} from './options.js';

export type { TransportOptions };

export async function openTransport(url: string, options: TransportOptions): Promise<Transport> {
  const scheme = schemeOf(url);
  if ((WEBSOCKET_SCHEMES as readonly string[]).includes(scheme)) {
    const ws: Parameters<typeof connectWebSocket>[1] = { serializer: options.serializer };
    if (options.signal) ws.signal = options.signal;
    if (options.connectTimeout !== undefined) ws.handshakeTimeout = options.connectTimeout;
    return connectWebSocket(url, ws);
  }
  if ((RAWSOCKET_SCHEMES as readonly string[]).includes(scheme)) {
    throw new UnsupportedTransportError(
      `${url}: RawSocket is available in Node only; use a ws:// or wss:// URL in browsers`,
    );
  }
  throw new UnsupportedTransportError(`${url}: unsupported URL scheme (use ws:// or wss://)`);
}
