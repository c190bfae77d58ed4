/**
 * wampkit: the WAMP client users install. `connect()` opens a WebSocket to a router (Node: the
 * @wampkit/framing engine; browsers: native WebSocket, chosen by export conditions), joins a
 * realm and resolves with the Session. Everything of @wampkit/session is re-exported.
 */
import type { Serializer, SerializerId } from '@wampkit/serializers';
import { joinSession, type Session, type SessionOptions } from '@wampkit/session';
import { connectWebSocket } from '@wampkit/session/websocket';
import { loadSerializer } from './serializers.js';

export * from '@wampkit/session';
export { loadSerializer };

export interface ConnectOptions extends SessionOptions {
  /** ws:// or wss:// URL of the router. */
  url: string;
  /** 'json' (default), 'msgpack', 'cbor', 'ubjson', 'flatbuffers', or a Serializer instance. */
  serializer?: SerializerId | Serializer;
  /** Aborts connecting and joining. */
  signal?: AbortSignal;
  /** Opening handshake + HELLO/WELCOME must complete within this many ms. Default 10000. */
  connectTimeout?: number;
  /** Extra handshake headers (Node only). */
  headers?: Record<string, string>;
  /** Largest incoming message in bytes (Node only; default 16 MiB). */
  maxMessageSize?: number;
}

/** Connects to a router and joins `realm`; resolves with the joined Session. */
export async function connect(options: ConnectOptions): Promise<Session> {
  const serializer = await loadSerializer(options.serializer);
  const timeout = options.connectTimeout ?? 10_000;
  const timeoutSignal = AbortSignal.timeout(timeout);
  const signal = options.signal ? AbortSignal.any([options.signal, timeoutSignal]) : timeoutSignal;
  const transportOptions: Parameters<typeof connectWebSocket>[1] = { serializer, signal };
  if (options.headers) transportOptions.headers = options.headers;
  if (options.maxMessageSize !== undefined)
    transportOptions.maxMessageSize = options.maxMessageSize;
  const transport = await connectWebSocket(options.url, transportOptions);
  const {
    url: _url,
    serializer: _s,
    connectTimeout: _t,
    headers: _h,
    maxMessageSize: _m,
    ...rest
  } = options;
  return joinSession(transport, { ...rest, signal });
}
