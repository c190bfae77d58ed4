/**
 * Transport selection in Node (`#open-transport`, node condition): ws:// and wss:// on the Node
 * WebSocket transport (@wampkit/framing, or `ws`), rs://, rss://, tcp://, tls:// and unix:// on
 * @wampkit/transport-rawsocket, which is loaded by dynamic import only when such a URL is used
 * (and which browser bundles never see: they resolve open-browser.ts).
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

/** Opens the transport for `url`: WebSocket for ws:// and wss://, RawSocket for rs://, rss://, tcp://, tls:// and unix:// (Node). */
export async function openTransport(url: string, options: TransportOptions): Promise<Transport> {
  const scheme = schemeOf(url);
  if ((WEBSOCKET_SCHEMES as readonly string[]).includes(scheme)) {
    const ws: Parameters<typeof connectWebSocket>[1] = { serializer: options.serializer };
    if (options.signal) ws.signal = options.signal;
    if (options.connectTimeout !== undefined) ws.handshakeTimeout = options.connectTimeout;
    if (options.tls) ws.tls = options.tls;
    if (options.proxy !== undefined) ws.proxy = options.proxy;
    if (options.implementation) ws.implementation = options.implementation;
    if (options.headers) ws.headers = options.headers;
    if (options.maxIncomingMessage !== undefined) ws.maxMessageSize = options.maxIncomingMessage;
    if (options.keepalive) ws.keepalive = options.keepalive;
    return connectWebSocket(url, ws);
  }
  if ((RAWSOCKET_SCHEMES as readonly string[]).includes(scheme)) {
    const { connectRawSocket, InvalidUrlError } = await import('@wampkit/transport-rawsocket');
    const rs: Parameters<typeof connectRawSocket>[1] = { serializer: options.serializer };
    if (options.signal) rs.signal = options.signal;
    if (options.connectTimeout !== undefined) rs.connectTimeout = options.connectTimeout;
    if (options.tls) rs.tls = options.tls as NonNullable<typeof rs.tls>;
    if (options.maxIncomingMessage !== undefined) rs.maxMessageLength = options.maxIncomingMessage;
    if (options.keepalive?.rawSocketPing && options.keepalive.interval > 0) {
      rs.pingInterval = options.keepalive.interval;
      rs.pingTimeout = options.keepalive.timeout ?? options.keepalive.interval;
    }
    try {
      return await connectRawSocket(url, rs);
    } catch (e) {
      if (e instanceof InvalidUrlError) {
        throw new UnsupportedTransportError(e.message, { cause: e });
      }
      throw e;
    }
  }
  throw new UnsupportedTransportError(
    `${url}: unsupported URL scheme (use ws, wss, rs, rss, tcp, tls or unix)`,
  );
}
