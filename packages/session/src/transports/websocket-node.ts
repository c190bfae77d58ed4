/// <reference types="node" />
/**
 * WAMP over WebSocket for Node (spec wamp.md "WebSocket Transport"), on the @wampkit/framing
 * engine by default or on the `ws` package (`implementation: 'ws'`): subprotocol
 * `wamp.2.<serializer>`, text frames for JSON, binary frames otherwise. TLS verification is on by
 * default (`tls`: ca, cert, key, servername...), an HTTP CONNECT proxy can carry the connection
 * (`proxy`), and `keepalive` sends WebSocket PINGs (RFC 6455 §5.5.2) and fails the transport
 * with KeepaliveTimeoutError when no PONG answers in time. Every failure is a TransportError.
 *
 * Backpressure: `send()` passes on the engine's verdict (false once its buffer is above the
 * socket's high-water mark) and `ondrain` fires once that buffer is empty again.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { TLSSocket } from 'node:tls';
import { allChannelBindings } from '@wampkit/auth/node';
import { connect, type NodeWebSocket } from '@wampkit/framing/node';
import type { Serializer } from '@wampkit/serializers';
import { type Heartbeat, startHeartbeat } from '../keepalive.js';
import type { Transport, TransportCloseEvent } from '../transport.js';
import {
  ConnectTimeoutError,
  HandshakeFailedError,
  type TransportError,
  UnsupportedTransportError,
} from '../transport-errors.js';
import { closeError, openError } from './node/errors.js';
import { openTunnel } from './node/http-connect.js';
import type { WebSocketTlsOptions, WebSocketTransportOptions } from './options.js';

export type { ProxyOptions, WebSocketTlsOptions, WebSocketTransportOptions } from './options.js';

/**
 * How often a blocked transport looks at the engine's buffer. NodeWebSocket.send() counts bytes
 * it has not flushed yet; when the flush then goes to the kernel at once, the socket never needed
 * a 'drain' and emits none. The first look follows that flush at once, so polling only runs while
 * the socket really holds data (and its 'drain' usually ends the wait first).
 */
const DRAIN_POLL_MS = 10;

/** Frame options of every message (shared, read only: no object per message sent). */
const TEXT_FRAME = Object.freeze({ binary: false });
const BINARY_FRAME = Object.freeze({ binary: true });

class NodeWebSocketTransport implements Transport {
  onmessage: ((data: Uint8Array | string) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;
  readonly maxMessageLength: number | undefined;
  readonly keepalive: boolean;
  private isClosed = false;
  /** send() returned false; ondrain is owed. */
  private blocked = false;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  private failure: TransportError | undefined;
  private readonly heartbeat: Heartbeat | undefined;

  constructor(
    private readonly ws: NodeWebSocket,
    readonly serializer: Serializer,
    private readonly where: string,
    options: WebSocketTransportOptions,
  ) {
    this.maxMessageLength = options.maxSendLength;
    ws.on('message', (data) => this.onmessage?.(data));
    ws.on('drain', () => {
      if (this.blocked && !this.isClosed) this.drained();
    });
    ws.on('error', () => {
      // The 'close' event that follows carries the error.
    });
    ws.on('close', (info) => {
      this.isClosed = true;
      this.heartbeat?.stop();
      if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
      const event: TransportCloseEvent = {
        code: info.code,
        reason: info.reason,
        wasClean: info.wasClean,
      };
      const error = this.failure ?? closeError(info.error, this.where);
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
          if (this.ws.connection.state === 'open') this.ws.ping();
        },
        onTimeout: (error) => this.abort(error),
      });
      ws.on('pong', () => heartbeat.pong());
      this.heartbeat = heartbeat;
    }
  }

  /** TLS channel-binding data (wss:// only), for WAMP-SCRAM and WAMP-cryptosign. */
  channelBinding(): Partial<Record<'tls-unique' | 'tls-exporter', Uint8Array>> | undefined {
    const socket = this.ws.rawSocket;
    return socket instanceof TLSSocket ? allChannelBindings(socket, 'client') : undefined;
  }

  /** false: above the socket's high-water mark; `ondrain` follows. */
  send(data: Uint8Array | string): boolean {
    // Closed: dropped, and never "full" (the session ends through onclose).
    if (this.isClosed || this.ws.connection.state !== 'open') return true;
    if (this.ws.send(data, this.serializer.binary ? BINARY_FRAME : TEXT_FRAME)) return true;
    if (!this.blocked) {
      this.blocked = true;
      // Runs after the engine's flush, which is already queued as a microtask.
      queueMicrotask(() => this.checkDrained());
    }
    return false;
  }

  private checkDrained(): void {
    if (!this.blocked || this.isClosed) return;
    if (this.ws.bufferedAmount === 0) {
      this.drained();
      return;
    }
    this.drainTimer = setTimeout(() => this.checkDrained(), DRAIN_POLL_MS);
  }

  private drained(): void {
    this.blocked = false;
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    this.ondrain?.();
  }

  close(code = 1000, reason = ''): void {
    if (this.isClosed) return;
    if (this.ws.connection.state === 'open') this.ws.close(code, reason);
  }

  /** Drops the connection at once; `onclose` reports `error`. */
  abort(error: Error): void {
    if (this.isClosed) return;
    this.failure ??= closeError(error, this.where);
    this.ws.destroy();
  }
}

/** URL pieces every Node implementation needs. */
export interface WebSocketTarget {
  url: URL;
  secure: boolean;
  host: string;
  port: number;
  /** host:port, for messages. */
  where: string;
}

function parseTarget(url: string): WebSocketTarget {
  let target: URL;
  try {
    target = new URL(url);
  } catch (e) {
    throw new UnsupportedTransportError(`invalid WebSocket URL ${JSON.stringify(url)}`, {
      cause: e,
    });
  }
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
    throw new UnsupportedTransportError(
      `WebSocket URL ${target.href}: scheme must be ws or wss, not ${target.protocol.slice(0, -1)}`,
    );
  }
  const secure = target.protocol === 'wss:';
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || (secure ? 443 : 80));
  return { url: target, secure, host, port, where: target.host };
}

/** Node `tls.connect` options from ours; verification stays on unless turned off explicitly. */
export function nodeTlsOptions(t: WebSocketTlsOptions = {}): tls.ConnectionOptions {
  const out: tls.ConnectionOptions = { rejectUnauthorized: t.rejectUnauthorized ?? true };
  if (t.ca !== undefined) out.ca = t.ca as tls.ConnectionOptions['ca'];
  if (t.cert !== undefined) out.cert = t.cert as tls.ConnectionOptions['cert'];
  if (t.key !== undefined) out.key = t.key as tls.ConnectionOptions['key'];
  if (t.passphrase !== undefined) out.passphrase = t.passphrase;
  if (t.servername !== undefined) out.servername = t.servername;
  return out;
}

/**
 * Opens a WebSocket to a WAMP router and returns the transport once the handshake is done.
 * Rejects with a TransportError subclass (or the signal's reason when aborted).
 */
export async function connectWebSocket(
  url: string,
  options: WebSocketTransportOptions,
): Promise<Transport> {
  const target = parseTarget(url);
  const timeout = options.handshakeTimeout ?? 10_000;
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(
        new ConnectTimeoutError(`connecting to ${target.where} took longer than ${timeout} ms`),
      ),
    timeout,
  );
  const signal = options.signal
    ? AbortSignal.any([options.signal, deadline.signal])
    : deadline.signal;
  try {
    let tunnel: net.Socket | undefined;
    if (options.proxy !== undefined) {
      tunnel = await openTunnel(options.proxy, target.host, target.port, signal);
    }
    if (options.implementation === 'ws') {
      const { connectWsPackage } = await import('./node/ws-package.js');
      return await connectWsPackage(target, options, signal, tunnel);
    }
    return await connectFraming(target, options, signal, tunnel, timeout);
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    throw openError(e, target.where);
  } finally {
    clearTimeout(timer);
  }
}

async function connectFraming(
  target: WebSocketTarget,
  options: WebSocketTransportOptions,
  signal: AbortSignal,
  tunnel: net.Socket | undefined,
  timeout: number,
): Promise<Transport> {
  const serializer = options.serializer;
  const connectOptions: Parameters<typeof connect>[1] = {
    ...options.node,
    protocols: [serializer.subprotocol],
    signal,
    // Our own deadline (ConnectTimeoutError) covers the whole opening; this one is a backstop.
    handshakeTimeout: timeout + 1000,
  };
  if (target.secure) connectOptions.tls = nodeTlsOptions(options.tls);
  if (tunnel) connectOptions.socket = tunnel;
  if (options.headers) connectOptions.headers = options.headers;
  if (options.maxMessageSize !== undefined) connectOptions.maxMessageSize = options.maxMessageSize;
  const ws = await connect(target.url, connectOptions);
  if (ws.protocol !== serializer.subprotocol) {
    ws.close(1002, 'subprotocol not negotiated');
    throw new HandshakeFailedError(
      `the router at ${target.where} did not accept subprotocol ${serializer.subprotocol} (got "${ws.protocol}")`,
    );
  }
  return new NodeWebSocketTransport(ws, serializer, target.where, options);
}
