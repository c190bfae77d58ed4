/** Node WebSocket client: ws:// over net, wss:// over tls, driven by the sans-IO engine. */
import net from 'node:net';
import tls from 'node:tls';
import type { ClientHandshakeOptions } from '../connection.js';
import { ConnectionLostError, HandshakeError, type WebSocketError } from '../errors.js';
import { installNodeDefaults, withNodeCodec } from './defaults.js';
import { type NodeSocketOptions, NodeWebSocket } from './websocket.js';

/** Options of the Node client connect(). */
export interface ConnectOptions extends NodeSocketOptions {
  /** Subprotocols to offer, most preferred first. */
  protocols?: readonly string[];
  /** Extra request headers. */
  headers?: Record<string, string>;
  origin?: string;
  /** TLS options for wss:// (ca, cert, key, servername, rejectUnauthorized, ...). */
  tls?: tls.ConnectionOptions;
  /** Abort the connection attempt. */
  signal?: AbortSignal;
  /**
   * An already connected socket to run the WebSocket over (e.g. an HTTP CONNECT proxy tunnel)
   * instead of opening one to the URL's host; wss:// still runs TLS over it.
   */
  socket?: net.Socket;
}

/** Opens a WebSocket and resolves once the opening handshake succeeded. */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<NodeWebSocket> {
  installNodeDefaults();
  const target = new URL(url);
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
    return Promise.reject(new TypeError(`unsupported URL scheme ${target.protocol}`));
  }
  const secure = target.protocol === 'wss:';
  const port = Number(target.port || (secure ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const handshake: ClientHandshakeOptions = {
    host: target.port ? `${target.hostname}:${target.port}` : target.hostname,
    path: `${target.pathname}${target.search}`,
    protocols: options.protocols ?? [],
    headers: options.headers ?? {},
  };
  if (options.origin !== undefined) handshake.origin = options.origin;

  return new Promise((resolve, reject) => {
    const tunnel = options.socket;
    const socket = secure
      ? tls.connect({
          ...(tunnel ? { socket: tunnel } : { host, port }),
          servername: net.isIP(host) ? undefined : host,
          ALPNProtocols: ['http/1.1'],
          ...options.tls,
        })
      : (tunnel ?? net.connect({ host, port }));
    const ws = new NodeWebSocket(socket, 'client', withNodeCodec(options));
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const onAbort = (): void => {
      fail(options.signal?.reason ?? new ConnectionLostError('connection attempt aborted'));
      ws.destroy();
    };
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const initiate = (): void => {
      try {
        ws.connection.initiate(handshake);
      } catch (err) {
        fail(err as Error);
        ws.destroy();
      }
    };
    // A given plain socket is connected already: no 'connect' event will come.
    if (tunnel && !secure) queueMicrotask(initiate);
    else socket.once(secure ? 'secureConnect' : 'connect', initiate);
    const onSocketError = (err: Error): void =>
      fail(
        new ConnectionLostError(`cannot connect to ${target.host}: ${err.message}`, { cause: err }),
      );
    const onClose = (info: { error?: WebSocketError }): void => {
      options.signal?.removeEventListener('abort', onAbort);
      const err: WebSocketError =
        info.error ?? new HandshakeError('connection closed during the opening handshake');
      fail(err);
    };
    socket.once('error', onSocketError);
    ws.once('open', () => {
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      // Once open, NodeWebSocket reports errors and the close itself: drop what only the
      // attempt needed (it held the URL, the options and this closure for the connection's life).
      socket.off('error', onSocketError);
      ws.off('close', onClose);
      resolve(ws);
    });
    ws.once('close', onClose);
  });
}
