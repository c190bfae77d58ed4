/**
 * WAMP over WebSocket for Node (spec wamp.md "WebSocket Transport"), on the @wampkit/framing
 * engine: subprotocol `wamp.2.<serializer>`, text frames for JSON, binary frames otherwise.
 * Backpressure: `send()` passes on the engine's verdict (false once its buffer is above the
 * socket's high-water mark) and `ondrain` fires once that buffer is empty again.
 */
import { connect, type NodeWebSocket } from '@wampkit/framing/node';
import type { Serializer } from '@wampkit/serializers';
import type { Transport, TransportCloseEvent } from '../transport.js';
import type { WebSocketTransportOptions } from './options.js';

export type { WebSocketTransportOptions };

/**
 * How often a blocked transport looks at the engine's buffer. NodeWebSocket.send() counts bytes
 * it has not flushed yet; when the flush then goes to the kernel at once, the socket never needed
 * a 'drain' and emits none. The first look follows that flush at once, so polling only runs while
 * the socket really holds data (and its 'drain' usually ends the wait first).
 */
const DRAIN_POLL_MS = 10;

class NodeWebSocketTransport implements Transport {
  onmessage: ((data: Uint8Array | string) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;
  private isClosed = false;
  /** send() returned false; ondrain is owed. */
  private blocked = false;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ws: NodeWebSocket,
    readonly serializer: Serializer,
  ) {
    ws.on('message', (data) => this.onmessage?.(data));
    ws.on('drain', () => {
      if (this.blocked && !this.isClosed) this.drained();
    });
    ws.on('error', () => {
      // The 'close' event that follows carries the error.
    });
    ws.on('close', (info) => {
      this.isClosed = true;
      if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
      const event: TransportCloseEvent = {
        code: info.code,
        reason: info.reason,
        wasClean: info.wasClean,
      };
      if (info.error) event.error = info.error;
      this.onclose?.(event);
    });
  }

  /** false: above the socket's high-water mark; `ondrain` follows. */
  send(data: Uint8Array | string): boolean {
    // Closed: dropped, and never "full" (the session ends through onclose).
    if (this.isClosed || this.ws.connection.state !== 'open') return true;
    if (this.ws.send(data, { binary: this.serializer.binary })) return true;
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
}

/** Opens a WebSocket to a WAMP router and returns the transport once the handshake is done. */
export async function connectWebSocket(
  url: string,
  options: WebSocketTransportOptions,
): Promise<Transport> {
  const serializer = options.serializer;
  const connectOptions: Parameters<typeof connect>[1] = {
    ...options.node,
    protocols: [serializer.subprotocol],
  };
  if (options.signal) connectOptions.signal = options.signal;
  if (options.headers) connectOptions.headers = options.headers;
  if (options.maxMessageSize !== undefined) connectOptions.maxMessageSize = options.maxMessageSize;
  if (options.handshakeTimeout !== undefined) {
    connectOptions.handshakeTimeout = options.handshakeTimeout;
  }
  const ws = await connect(url, connectOptions);
  if (ws.protocol !== serializer.subprotocol) {
    ws.close(1002, 'subprotocol not negotiated');
    throw new Error(
      `the router did not accept subprotocol ${serializer.subprotocol} (got "${ws.protocol ?? ''}")`,
    );
  }
  return new NodeWebSocketTransport(ws, serializer);
}
