/**
 * WAMP over the runtime's native WebSocket (browsers, Deno, Node 22+): spec wamp.md "WebSocket
 * Transport", subprotocol `wamp.2.<serializer>`, binary frames as ArrayBuffer.
 */
import type { Serializer } from '@wampkit/serializers';
import type { Transport, TransportCloseEvent } from '../transport.js';
import type { WebSocketTransportOptions } from './options.js';

export type { WebSocketTransportOptions };

class NativeWebSocketTransport implements Transport {
  onmessage: ((data: Uint8Array | string) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;

  constructor(
    private readonly ws: WebSocket,
    readonly serializer: Serializer,
  ) {
    ws.onmessage = (ev: MessageEvent) => {
      const data = ev.data as unknown;
      this.onmessage?.(data instanceof ArrayBuffer ? new Uint8Array(data) : (data as string));
    };
    ws.onclose = (ev: CloseEvent) => {
      this.onclose?.({ code: ev.code, reason: ev.reason, wasClean: ev.wasClean });
    };
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
}

export function connectWebSocket(
  url: string,
  options: WebSocketTransportOptions,
): Promise<Transport> {
  const serializer = options.serializer;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [serializer.subprotocol]);
    ws.binaryType = 'arraybuffer';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
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
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.handshakeTimeout !== undefined) {
      timer = setTimeout(
        () => fail(new Error(`WebSocket handshake timed out after ${options.handshakeTimeout} ms`)),
        options.handshakeTimeout,
      );
    }
    ws.onerror = () => fail(new Error(`cannot connect to ${url}`));
    ws.onclose = (ev) => fail(new Error(`WebSocket closed during the handshake (${ev.code})`));
    ws.onopen = () => {
      cleanup();
      if (ws.protocol !== serializer.subprotocol) {
        ws.close(1002);
        reject(new Error(`the router did not accept subprotocol ${serializer.subprotocol}`));
        return;
      }
      resolve(new NativeWebSocketTransport(ws, serializer));
    };
  });
}
