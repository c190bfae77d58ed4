/**
 * WAMP over the runtime's native WebSocket (browsers, Deno, Node 22+): spec wamp.md "WebSocket
 * Transport", subprotocol `wamp.2.<serializer>`, binary frames as ArrayBuffer. Browsers do not
 * expose WebSocket PING, so this transport reports `keepalive: false` and a WAMP-level probe
 * (keepalive.ts `startSessionProbe`) watches the connection instead; `abort()` lets that probe
 * fail a dead connection at once instead of waiting for a closing handshake. Browsers do not tell
 * scripts why a connection failed, so opening failures are ConnectError (or ConnectTimeoutError,
 * HandshakeFailedError when the subprotocol was refused).
 */
import type { Serializer } from '@wampkit/serializers';
import type { Transport, TransportCloseEvent } from '../transport.js';
import {
  ConnectError,
  ConnectionLostError,
  ConnectTimeoutError,
  HandshakeFailedError,
  UnsupportedTransportError,
} from '../transport-errors.js';
import type { WebSocketTransportOptions } from './options.js';

export type { ProxyOptions, WebSocketTlsOptions, WebSocketTransportOptions } from './options.js';

class NativeWebSocketTransport implements Transport {
  onmessage: ((data: Uint8Array | string) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  readonly keepalive = false;
  readonly maxMessageLength: number | undefined;
  private isClosed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly serializer: Serializer,
    private readonly url: string,
    maxMessageLength: number | undefined,
  ) {
    this.maxMessageLength = maxMessageLength;
    ws.onmessage = (ev: MessageEvent) => {
      const data = ev.data as unknown;
      this.onmessage?.(data instanceof ArrayBuffer ? new Uint8Array(data) : (data as string));
    };
    ws.onclose = (ev: CloseEvent) => {
      const event: TransportCloseEvent = {
        code: ev.code,
        reason: ev.reason,
        wasClean: ev.wasClean,
      };
      if (!ev.wasClean) {
        event.error = new ConnectionLostError(`${this.url}: connection lost (code ${ev.code})`);
      }
      this.emitClose(event);
    };
  }

  private emitClose(event: TransportCloseEvent): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onclose?.(event);
  }

  send(data: Uint8Array | string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(data as string | ArrayBufferView<ArrayBuffer>);
  }

  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(code, reason);
    }
  }

  /** Reports the close at once: a dead peer would never complete the closing handshake. */
  abort(error: Error): void {
    this.ws.onmessage = null;
    this.ws.onclose = null;
    try {
      this.ws.close(4000, 'keepalive timeout');
    } catch {
      // already closing
    }
    this.emitClose({ code: 1006, reason: error.message, wasClean: false, error });
  }
}

export function connectWebSocket(
  url: string,
  options: WebSocketTransportOptions,
): Promise<Transport> {
  const serializer = options.serializer;
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, [serializer.subprotocol]);
    } catch (e) {
      reject(new UnsupportedTransportError(`cannot open a WebSocket to ${url}`, { cause: e }));
      return;
    }
    ws.binaryType = 'arraybuffer';
    const timeout = options.handshakeTimeout ?? 10_000;
    const cleanup = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      ws.onopen = null;
      ws.onerror = null;
      ws.onclose = null;
    };
    const fail = (error: unknown) => {
      cleanup();
      try {
        ws.close();
      } catch {
        // not open yet
      }
      reject(error);
    };
    const onAbort = () => fail(options.signal?.reason);
    const timer = setTimeout(
      () => fail(new ConnectTimeoutError(`connecting to ${url} took longer than ${timeout} ms`)),
      timeout,
    );
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    ws.onerror = () => fail(new ConnectError(`cannot connect to ${url}`));
    ws.onclose = (ev) =>
      fail(new ConnectError(`cannot connect to ${url}: closed during the handshake (${ev.code})`));
    ws.onopen = () => {
      cleanup();
      if (ws.protocol !== serializer.subprotocol) {
        ws.close(1002);
        reject(
          new HandshakeFailedError(
            `the router at ${url} did not accept subprotocol ${serializer.subprotocol}`,
          ),
        );
        return;
      }
      resolve(new NativeWebSocketTransport(ws, serializer, url, options.maxSendLength));
    };
  });
}
