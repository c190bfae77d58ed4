/// <reference types="node" />
/**
 * The `implementation: 'ws'` option of the Node WebSocket transport: the same Transport on the
 * `ws` package (loaded by dynamic import only when chosen; an optional peer dependency). DESIGN.md
 * names isomorphic-ws for this option; in Node isomorphic-ws is nothing but a re-export of `ws`
 * (and in browsers it hands out the native WebSocket, which websocket-browser.ts uses directly),
 * so `ws` is used as it is.
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { Serializer } from '@wampkit/serializers';
import type WsWebSocket from 'ws';
import { type Heartbeat, startHeartbeat } from '../../keepalive.js';
import type { Transport, TransportCloseEvent } from '../../transport.js';
import { HandshakeFailedError, type TransportError } from '../../transport-errors.js';
import type { WebSocketTransportOptions } from '../options.js';
import { nodeTlsOptions, type WebSocketTarget } from '../websocket-node.js';
import { closeError, openError } from './errors.js';

/** send() reports "full" above this many buffered bytes (the net.Socket default high-water mark). */
const HIGH_WATER_MARK = 16 * 1024;
const DRAIN_POLL_MS = 10;

class WsPackageTransport implements Transport {
  onmessage: ((data: Uint8Array | string) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;
  readonly maxMessageLength: number | undefined;
  readonly keepalive: boolean;
  private isClosed = false;
  private blocked = false;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  private failure: TransportError | undefined;
  private lastError: Error | undefined;
  private readonly heartbeat: Heartbeat | undefined;

  constructor(
    private readonly ws: WsWebSocket,
    readonly serializer: Serializer,
    private readonly where: string,
    options: WebSocketTransportOptions,
  ) {
    this.maxMessageLength = options.maxSendLength;
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : data instanceof ArrayBuffer
          ? Buffer.from(data)
          : data;
      this.onmessage?.(isBinary ? bytes : bytes.toString('utf8'));
    });
    ws.on('error', (err: Error) => {
      this.lastError = err;
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.isClosed = true;
      this.heartbeat?.stop();
      if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
      const wasClean = code !== 1006 && this.failure === undefined;
      const event: TransportCloseEvent = { code, reason: reason.toString('utf8'), wasClean };
      const error =
        this.failure ??
        closeError(this.lastError ?? (wasClean ? undefined : new Error(`close ${code}`)), where);
      if (error) event.error = error;
      this.onclose?.(event);
    });
    const interval = options.keepalive?.interval ?? 0;
    this.keepalive = interval > 0;
    if (this.keepalive) {
      const heartbeat = startHeartbeat({
        interval,
        timeout: options.keepalive?.timeout ?? interval,
        what: `WebSocket PONG from ${where}`,
        ping: () => {
          if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
        },
        onTimeout: (error) => this.abort(error),
      });
      ws.on('pong', () => heartbeat.pong());
      this.heartbeat = heartbeat;
    }
  }

  send(data: Uint8Array | string): boolean {
    if (this.isClosed || this.ws.readyState !== this.ws.OPEN) return true;
    this.ws.send(data, { binary: this.serializer.binary });
    if (this.ws.bufferedAmount < HIGH_WATER_MARK) return true;
    if (!this.blocked) {
      this.blocked = true;
      this.drainTimer = setTimeout(() => this.checkDrained(), DRAIN_POLL_MS);
    }
    return false;
  }

  private checkDrained(): void {
    if (!this.blocked || this.isClosed) return;
    if (this.ws.bufferedAmount < HIGH_WATER_MARK) {
      this.blocked = false;
      this.drainTimer = undefined;
      this.ondrain?.();
      return;
    }
    this.drainTimer = setTimeout(() => this.checkDrained(), DRAIN_POLL_MS);
  }

  close(code = 1000, reason = ''): void {
    if (this.isClosed) return;
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason);
  }

  abort(error: Error): void {
    if (this.isClosed) return;
    this.failure ??= closeError(error, this.where);
    this.ws.terminate();
  }
}

/** Opens the WebSocket with `ws`; resolves once the handshake is done. */
export async function connectWsPackage(
  target: WebSocketTarget,
  options: WebSocketTransportOptions,
  signal: AbortSignal,
  tunnel: net.Socket | undefined,
): Promise<Transport> {
  const { default: WebSocket } = await import('ws');
  const serializer = options.serializer;
  const tlsOptions = target.secure ? nodeTlsOptions(options.tls) : {};
  const wsOptions: WsWebSocket.ClientOptions = {
    ...(tlsOptions as WsWebSocket.ClientOptions),
    perMessageDeflate: false,
    maxPayload: options.maxMessageSize ?? 16 * 1024 * 1024,
  };
  if (options.headers) wsOptions.headers = options.headers;
  if (tunnel) {
    // The request runs over the proxy tunnel (with TLS on top for wss://).
    wsOptions.createConnection = (() =>
      target.secure
        ? tls.connect({
            ...tlsOptions,
            socket: tunnel,
            servername:
              tlsOptions.servername ?? (/^[\d.:]+$/.test(target.host) ? undefined : target.host),
          })
        : tunnel) as unknown as WsWebSocket.ClientOptions['createConnection'];
  }
  const ws = new WebSocket(target.url, [serializer.subprotocol], wsOptions);
  // Until the transport listens itself, a late second 'error' must not be unhandled.
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      ws.terminate();
      reject(signal.reason);
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    ws.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(openError(err, target.where));
    });
    ws.once('open', () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
  if (ws.protocol !== serializer.subprotocol) {
    ws.close(1002, 'subprotocol not negotiated');
    throw new HandshakeFailedError(
      `the router at ${target.where} did not accept subprotocol ${serializer.subprotocol} (got "${ws.protocol}")`,
    );
  }
  return new WsPackageTransport(ws, serializer, target.where, options);
}
