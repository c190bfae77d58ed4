/**
 * Opens a Basic session over a WHATWG WebSocket (spec wamp.md "WebSocket Transport":
 * subprotocol `wamp.2.<serializer>`, text frames for JSON, binary for the others): the
 * browser's own, Node 22+'s global one, or any constructor with the same interface passed as
 * `WebSocket` (e.g. the `ws` package on Node 20).
 */
import { ProtocolViolationError } from '@wampkit/serializers';
import {
  ConnectError,
  ConnectionLostError,
  ConnectTimeoutError,
  UnsupportedTransportError,
} from '../transport-errors.js';
import { type BasicCodec, json } from './codec.js';
import { BasicSession, type BasicSessionOptions } from './session.js';
import { checkIncoming } from './wire.js';

/** The part of the WHATWG WebSocket interface the Basic client uses. */
export interface WebSocketLike {
  binaryType: string;
  readonly protocol: string;
  /** Called once the opening handshake completed. */
  onopen: ((ev: unknown) => void) | null;
  /** Called per message: a string (text) or an ArrayBuffer (binary, as binaryType asks). */
  onmessage: ((ev: { data: unknown }) => void) | null;
  /** Called once the connection is closed, or could not be opened. */
  onclose: ((ev: { code: number; reason: string; wasClean: boolean }) => void) | null;
  /** Called on a failure (a close event follows). */
  onerror: ((ev: unknown) => void) | null;
  /** Sends a text (string) or binary (Uint8Array) message. */
  send(data: string | Uint8Array): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
}

/** Options of the Basic client's connect(). */
export interface BasicConnectOptions extends BasicSessionOptions {
  /** ws:// or wss:// URL of the router. */
  url: string;
  /** `json` (default), `msgpack` or `cbor` from wampkit/basic. */
  serializer?: BasicCodec;
  /** WebSocket constructor. Default: the global WebSocket. */
  WebSocket?: new (
    url: string,
    protocols: string[],
  ) => WebSocketLike;
  /** Aborts connecting and joining. */
  signal?: AbortSignal;
  /** Opening handshake + HELLO/WELCOME must complete within this many ms. Default 10000. */
  connectTimeout?: number;
  /** Largest message accepted from the router, in bytes (UTF-16 units for text). Default 16 MiB. */
  maxMessageSize?: number;
}

/** Connects to a router and joins `realm`; resolves with the joined BasicSession. */
export function connect(options: BasicConnectOptions): Promise<BasicSession> {
  return new Promise((resolve, reject) => {
    const WS = options.WebSocket ?? (globalThis.WebSocket as BasicConnectOptions['WebSocket']);
    if (!WS) {
      throw new UnsupportedTransportError(
        'no global WebSocket in this runtime: pass one as options.WebSocket (e.g. from the ws package)',
      );
    }
    const { url, signal } = options;
    const codec = options.serializer ?? json;
    const limit = options.maxMessageSize ?? 16 * 1024 * 1024;
    const ws = new WS(url, [codec.protocol]);
    ws.binaryType = 'arraybuffer';
    // Every failure is followed by a close event, which reports it.
    ws.onerror = () => {};
    let session: BasicSession | undefined;
    let joined = false;
    const fail = (error: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (joined) return;
      joined = true;
      ws.close(1000);
      reject(error);
    };
    const onAbort = () => fail(new ConnectError(`${url}: aborted`, { cause: signal?.reason }));
    const timer = setTimeout(
      () =>
        fail(
          new ConnectTimeoutError(
            `${url}: not joined within ${options.connectTimeout ?? 10_000} ms`,
          ),
        ),
      options.connectTimeout ?? 10_000,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    ws.onopen = () => {
      const s = new BasicSession(
        { send: (m) => ws.send(codec.encode(m)), close: () => ws.close(1000) },
        options,
      );
      session = s;
      s.join().then(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        joined = true;
        resolve(s);
      }, fail);
    };
    ws.onmessage = (ev) => {
      if (!session) return;
      const raw = ev.data;
      const data = raw instanceof ArrayBuffer ? new Uint8Array(raw) : (raw as string);
      let m: unknown[];
      try {
        const size = typeof data === 'string' ? data.length : data.byteLength;
        if (size > limit)
          throw new ProtocolViolationError(`message of ${size} bytes over the limit of ${limit}`);
        m = checkIncoming(codec.decode(data));
      } catch (e) {
        return session.violation(e as Error);
      }
      session.receive(m);
    };
    ws.onclose = (ev) => {
      const text = `${url}: closed (code ${ev.code} ${ev.reason})`;
      if (!session) return fail(new ConnectError(text));
      session.transportClosed(ev.wasClean ? undefined : new ConnectionLostError(text));
      fail(new ConnectionLostError(text));
    };
  });
}
