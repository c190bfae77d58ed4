/**
 * wampkit: the WAMP client users install. `connect()` opens a WebSocket to a router (Node: the
 * @wampkit/framing engine; browsers: native WebSocket, chosen by export conditions), joins a
 * realm and resolves with the Session. Everything of @wampkit/session is re-exported.
 */
import type { Serializer, SerializerId } from '@wampkit/serializers';
import {
  joinSession,
  type Session,
  type SessionOptions,
  startSessionProbe,
} from '@wampkit/session';
import { openTransport, type TransportOptions } from '#open-transport';
import { type AuthOption, sessionAuthOptions } from './auth.js';
import { loadSerializer } from './serializers.js';

export * from '@wampkit/session';
export { loadSerializer };
export { openTransport, type TransportOptions } from '#open-transport';
export { type AuthOption, type SessionAuthOptions, sessionAuthOptions } from './auth.js';
export {
  type ComponentTransport,
  createComponent,
  type WampkitComponentOptions,
} from './component.js';

/** Options of connect(): where to connect, how (serializer, TLS, proxy, keepalive, timeouts), and the session's options. */
export interface ConnectOptions
  extends SessionOptions,
    Pick<TransportOptions, 'tls' | 'proxy' | 'implementation' | 'keepalive'> {
  /**
   * URL of the router: ws:// or wss:// (everywhere); rs://, rss://, tcp://, tls://, unix://
   * (RawSocket, Node only). See transports/open-node.ts and open-browser.ts.
   */
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
  /**
   * Authenticate: `ticket({ authid, ticket })` from `wampkit/auth/ticket` (`wampkit.auth.ticket`
   * in the script-tag build), `wampcra(...)`, `scram(...)`, `cryptosign(...)`, `anonymous()`
   * (all in `wampkit/auth`), or several to offer. Sets authmethods,
   * authid, authextra, onChallenge and onWelcome (the WAMP-SCRAM server-signature check).
   */
  auth?: AuthOption;
}

/** Connects to a router and joins `realm`; resolves with the joined Session. */
export async function connect(options: ConnectOptions): Promise<Session> {
  const serializer = await loadSerializer(options.serializer);
  const timeout = options.connectTimeout ?? 10_000;
  // A timer cleared once joined (AbortSignal.timeout would keep its timer, and what the signal's
  // listeners reference, alive for the whole timeout after every connect).
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new DOMException(`not joined within ${timeout} ms`, 'TimeoutError')),
    timeout,
  );
  const signal = options.signal
    ? AbortSignal.any([options.signal, deadline.signal])
    : deadline.signal;
  try {
    return await connectWithin(options, serializer, signal);
  } finally {
    clearTimeout(timer);
  }
}

/** connect() once the serializer is loaded, bounded by `signal` (the caller's and the timeout). */
async function connectWithin(
  options: ConnectOptions,
  serializer: Serializer,
  signal: AbortSignal,
): Promise<Session> {
  const transportOptions: TransportOptions = { serializer, signal };
  if (options.headers) transportOptions.headers = options.headers;
  if (options.maxMessageSize !== undefined)
    transportOptions.maxIncomingMessage = options.maxMessageSize;
  if (options.tls) transportOptions.tls = options.tls;
  if (options.proxy !== undefined) transportOptions.proxy = options.proxy;
  if (options.implementation) transportOptions.implementation = options.implementation;
  if (options.keepalive) transportOptions.keepalive = options.keepalive;
  const transport = await openTransport(options.url, transportOptions);
  const {
    url: _url,
    serializer: _s,
    connectTimeout: _t,
    headers: _h,
    maxMessageSize: _m,
    tls: _tls,
    proxy: _p,
    implementation: _i,
    keepalive,
    auth,
    ...rest
  } = options;
  let authOptions: ReturnType<typeof sessionAuthOptions> | undefined;
  try {
    authOptions = auth ? sessionAuthOptions(auth, transport) : undefined;
  } catch (e) {
    transport.close(1000, 'invalid auth options');
    throw e;
  }
  const session = await joinSession(transport, { ...rest, ...authOptions, signal });
  // Transports that cannot ping (browsers; RawSocket without rawSocketPing): a WAMP-level probe.
  if (keepalive && keepalive.interval > 0 && !transport.keepalive) {
    startSessionProbe(session, transport, keepalive);
  }
  return session;
}
