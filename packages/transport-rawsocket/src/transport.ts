/**
 * WAMP over RawSocket for Node (spec advanced/transport_rawsocket.md) on the sans-IO engine of
 * `@wampkit/framing/rawsocket`: TCP, TLS and Unix domain sockets, the opening handshake with
 * serializer and maximum-length negotiation, and optional PING/PONG keepalive.
 */
import net from 'node:net';
import tls from 'node:tls';
import {
  type RawSocketCloseInfo,
  RawSocketConnection,
  RawSocketConnectionLostError,
  type RawSocketError,
  RawSocketHandshakeError,
  RawSocketMessageTooBigError,
  type RawSocketOpenInfo,
  RawSocketRefusedError,
} from '@wampkit/framing/rawsocket';
import type { Serializer } from '@wampkit/serializers';
import type { Transport, TransportCloseEvent } from '@wampkit/session';
import {
  ConnectError,
  ConnectionLostError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  HandshakeFailedError,
  KeepaliveTimeoutError,
  MessageTooBigError,
  TlsError,
  TransportError,
  TransportProtocolError,
} from './errors.js';
import { parseRawSocketUrl, type RawSocketEndpoint } from './url.js';

/** TLS options for rss:// and tls:// (verification is on unless rejectUnauthorized is false). */
export interface RawSocketTlsOptions {
  /** Trusted CA certificates (PEM); default: Node's bundled roots. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate chain (PEM), for routers that authenticate by certificate. */
  cert?: string | Buffer | Array<string | Buffer>;
  /** Private key of the client certificate (PEM). */
  key?: string | Buffer | Array<string | Buffer>;
  passphrase?: string;
  /** SNI and the name the certificate must match; default: the URL's host (unless an IP). */
  servername?: string;
  /** Verify the router's certificate. Default true. */
  rejectUnauthorized?: boolean;
  /** Any other `tls.connect` option (minVersion, ciphers, checkServerIdentity...). */
  node?: tls.ConnectionOptions;
}

/** Options of connectRawSocket(). */
export interface RawSocketTransportOptions {
  /** The serializer to request (its `rawSocketId` goes into the handshake). */
  serializer: Serializer;
  /** TLS settings for rss:// / tls:// URLs. */
  tls?: RawSocketTlsOptions;
  /**
   * Longest message we accept, octets (default and maximum 16 MiB). Announced in the handshake
   * rounded down to a power of two (at least 512); longer frames fail the connection.
   */
  maxMessageLength?: number;
  /** Send a PING this often (ms) once open; 0 (default) turns keepalive off. See README. */
  pingInterval?: number;
  /** A PING not answered within this many ms fails the transport. Default: pingInterval. */
  pingTimeout?: number;
  /** TCP connect + TLS + RawSocket handshake must finish within this many ms. Default 10 000. */
  connectTimeout?: number;
  /** After close(), the socket is destroyed if it has not closed within this many ms. Default 5000. */
  closeTimeout?: number;
  /** Aborts connecting (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** The close codes of the event (WebSocket's, since RawSocket has none of its own). */
const CODE_NORMAL = 1000;
const CODE_PROTOCOL = 1002;
const CODE_TOO_BIG = 1009;
const CODE_ABNORMAL = 1006;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A RawSocket connection to a router, as a session `Transport`. */
export class RawSocketTransport implements Transport {
  /** Receives each WAMP message (bytes, or a string for JSON). */
  onmessage: ((data: Uint8Array | string) => void) | null = null;
  /** Called once when the connection ended. */
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;
  /** The endpoint this transport is connected to. */
  readonly endpoint: RawSocketEndpoint;
  private readonly conn: RawSocketConnection;
  private opened: RawSocketOpenInfo | null = null;
  private failure: TransportError | undefined;
  private localCode: [number, string] | null = null;
  private closeEmitted = false;
  private closeTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private pongTimer: NodeJS.Timeout | null = null;
  private pingCounter = 0;
  private outstandingPing: string | null = null;
  /** Keepalive PONGs that answered our PINGs. */
  pongsReceived = 0;
  private readonly openWaiters: { resolve(): void; reject(e: TransportError): void }[] = [];

  /** Use `connectRawSocket`. */
  constructor(
    private readonly socket: net.Socket,
    endpoint: RawSocketEndpoint,
    readonly serializer: Serializer,
    private readonly options: RawSocketTransportOptions,
  ) {
    this.endpoint = endpoint;
    this.conn = new RawSocketConnection(
      'client',
      {
        write: (bytes) => {
          if (!this.socket.destroyed) this.socket.write(bytes);
        },
        open: (info) => this.handleOpen(info),
        message: (payload) => this.onmessage?.(payload),
        pong: (payload) => this.handlePong(payload),
        closed: (info) => this.handleClosed(info),
      },
      {
        serializer: serializer.rawSocketId,
        maxMessageLength: options.maxMessageLength ?? 2 ** 24,
      },
    );
    const ready = endpoint.tls ? 'secureConnect' : 'connect';
    socket.once(ready, () => {
      socket.setNoDelay?.(true);
      this.conn.initiate();
    });
    socket.on('data', (chunk: Buffer) => this.conn.receiveData(chunk));
    socket.on('end', () => this.conn.receiveData(null));
    socket.on('drain', () => {
      if (this.conn.state === 'open') this.ondrain?.();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.failure ??= this.classifySocketError(err);
    });
    socket.on('close', () => this.handleSocketClose());
  }

  /** Longest message the router accepts (its handshake limit), octets; 0 before open. */
  get maxSendLength(): number {
    return this.opened?.maxSendLength ?? 0;
  }

  /** The session's view of `maxSendLength`: longer requests are refused before they are queued. */
  get maxMessageLength(): number | undefined {
    return this.opened === null ? undefined : this.opened.maxSendLength;
  }

  /** Whether RawSocket PING/PONG keepalive runs (`pingInterval` > 0). */
  get keepalive(): boolean {
    return (this.options.pingInterval ?? 0) > 0;
  }

  /** Longest message we accept (our announced limit), octets. */
  get maxReceiveLength(): number {
    return this.conn.maxReceiveLength;
  }

  /** Bytes written but not yet handed to the operating system. */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  get isOpen(): boolean {
    return this.conn.state === 'open';
  }

  /**
   * Sends one serialized WAMP message (JSON text goes out as UTF-8). Dropped when closed.
   * Returns false once the socket's buffer is above its high-water mark; `ondrain` follows.
   * A message longer than the router accepts (its handshake limit, `maxSendLength`) cannot be
   * sent (spec "Serialization"): the transport fails with MessageTooBigError (close code 1009)
   * instead of dropping it silently, so nothing waits forever for its answer.
   */
  send(data: Uint8Array | string): boolean {
    if (this.conn.state !== 'open') return true;
    const payload = typeof data === 'string' ? encoder.encode(data) : data;
    try {
      this.conn.send(payload);
    } catch (e) {
      if (!(e instanceof RawSocketMessageTooBigError)) throw e;
      const err = new MessageTooBigError(
        `message of ${e.length} octets exceeds the router's RawSocket limit of ${e.limit}`,
        e.length,
        e.limit,
        { cause: e },
      );
      this.failure ??= err;
      this.conn.fail(new RawSocketConnectionLostError(err.message, { cause: err }));
      return true;
    }
    return !this.socket.writableNeedDrain;
  }

  /** Closes the connection (RawSocket has no closing handshake; the socket is ended). */
  close(code = CODE_NORMAL, reason = ''): void {
    if (this.conn.state === 'closed') return;
    this.localCode = [code, reason];
    this.conn.close();
  }

  /** Resolves once the RawSocket handshake completed; rejects with the failure otherwise. */
  opening(): Promise<void> {
    if (this.opened !== null) return Promise.resolve();
    if (this.conn.state === 'closed') {
      return Promise.reject(this.failure ?? new ConnectionLostError('RawSocket closed'));
    }
    return new Promise((resolve, reject) => this.openWaiters.push({ resolve, reject }));
  }

  /** Ends the connection with `error` (connect timeout, abort). */
  abort(error: TransportError): void {
    this.failure ??= error;
    if (this.conn.state !== 'closed')
      this.conn.fail(new RawSocketConnectionLostError(error.message, { cause: error }));
    this.socket.destroy();
  }

  // ---- internals -------------------------------------------------------------------------

  private handleOpen(info: RawSocketOpenInfo): void {
    this.opened = info;
    this.startKeepalive();
    for (const w of this.openWaiters.splice(0)) w.resolve();
  }

  private startKeepalive(): void {
    const interval = this.options.pingInterval ?? 0;
    if (interval <= 0) return;
    const timeout = this.options.pingTimeout ?? interval;
    this.pingTimer = setInterval(() => {
      if (this.outstandingPing !== null || this.conn.state !== 'open') return;
      this.pingCounter = (this.pingCounter + 1) >>> 0;
      // ASCII digits: some peers (Autobahn|JS) echo a PING's payload as a UTF-8 string.
      this.outstandingPing = String(this.pingCounter);
      this.conn.ping(encoder.encode(this.outstandingPing));
      this.pongTimer = setTimeout(() => {
        const err = new KeepaliveTimeoutError(
          `no RawSocket PONG within ${timeout} ms; the router is unreachable`,
        );
        this.failure ??= err;
        this.conn.fail(new RawSocketConnectionLostError(err.message, { cause: err }));
      }, timeout);
      this.pongTimer.unref();
    }, interval);
    this.pingTimer.unref();
  }

  private handlePong(payload: Uint8Array): void {
    if (this.outstandingPing === null || decoder.decode(payload) !== this.outstandingPing) return;
    this.outstandingPing = null;
    this.pongsReceived++;
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private stopTimers(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.pingTimer = this.pongTimer = null;
  }

  /** The engine is done: end the socket (flushing what was written), destroy it if it lingers. */
  private handleClosed(info: RawSocketCloseInfo): void {
    this.stopTimers();
    if (info.error !== undefined) this.failure ??= this.classifyEngineError(info.error);
    if (this.socket.destroyed) return;
    if (info.initiator === 'local' && info.error === undefined) {
      this.socket.end();
      this.closeTimer = setTimeout(() => this.socket.destroy(), this.options.closeTimeout ?? 5000);
      this.closeTimer.unref();
    } else {
      this.socket.destroy();
    }
  }

  private handleSocketClose(): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    if (this.conn.state !== 'closed') {
      // The socket went away without an 'end' (reset, destroyed).
      const cause = this.failure;
      this.conn.fail(
        new RawSocketConnectionLostError(
          'RawSocket connection lost',
          cause ? { cause } : undefined,
        ),
      );
    }
    this.stopTimers();
    const failure =
      this.failure ??
      (this.opened === null
        ? new ConnectionLostError('connection closed before the RawSocket handshake')
        : undefined);
    for (const w of this.openWaiters.splice(0)) {
      w.reject(failure ?? new ConnectionLostError('RawSocket closed'));
    }
    if (this.closeEmitted || this.opened === null) return;
    this.closeEmitted = true;
    const event: TransportCloseEvent =
      failure === undefined
        ? {
            code: this.localCode?.[0] ?? CODE_NORMAL,
            reason: this.localCode?.[1] ?? '',
            wasClean: true,
          }
        : {
            code:
              failure instanceof MessageTooBigError ||
              (failure instanceof TransportProtocolError &&
                failure.cause instanceof RawSocketMessageTooBigError)
                ? CODE_TOO_BIG
                : failure instanceof TransportProtocolError ||
                    failure instanceof HandshakeFailedError
                  ? CODE_PROTOCOL
                  : CODE_ABNORMAL,
            reason: failure.message,
            wasClean: false,
            error: failure,
          };
    this.onclose?.(event);
  }

  private where(): string {
    const e = this.endpoint;
    return e.kind === 'unix'
      ? e.path
      : `${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
  }

  private classifyEngineError(error: RawSocketError): TransportError {
    if (error.cause instanceof TransportError) return error.cause;
    if (error instanceof RawSocketRefusedError) {
      return new HandshakeFailedError(`${this.where()}: ${error.message}`, {
        cause: error,
        refusal: error.code,
      });
    }
    if (error instanceof RawSocketHandshakeError) {
      return new HandshakeFailedError(`${this.where()}: ${error.message}`, { cause: error });
    }
    if (error instanceof RawSocketConnectionLostError) {
      return new ConnectionLostError(
        `${this.where()}: ${this.opened === null ? 'connection closed during the RawSocket handshake' : error.message}`,
        { cause: error },
      );
    }
    return new TransportProtocolError(`${this.where()}: ${error.message}`, { cause: error });
  }

  private classifySocketError(err: NodeJS.ErrnoException): TransportError {
    const code = err.code;
    const at = this.where();
    const options = code === undefined ? { cause: err } : { cause: err, code };
    if (this.opened !== null) {
      return new ConnectionLostError(`${at}: connection lost (${err.message})`, options);
    }
    const tcpUp = this.endpoint.tls ? (this.socket as tls.TLSSocket).connecting === false : false;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') {
      const what = code === 'ENOENT' ? 'no Unix socket at' : 'connection refused by';
      return new ConnectionRefusedError(`${what} ${at}`, options);
    }
    if (tcpUp || isTlsCode(code)) {
      return new TlsError(`TLS handshake with ${at} failed: ${tlsHint(err)}`, options);
    }
    return new ConnectError(`cannot connect to ${at}: ${err.message}`, options);
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

function isTlsCode(code: string | undefined): boolean {
  return (
    code !== undefined &&
    (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))
  );
}

function tlsHint(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `the router's certificate is not trusted (${err.code}); pass its CA as tls.ca`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the router's certificate does not match the host name (${err.message})`;
    default:
      return err.code === undefined ? err.message : `${err.message} (${err.code})`;
  }
}

function openSocket(endpoint: RawSocketEndpoint, options: RawSocketTransportOptions): net.Socket {
  if (!endpoint.tls) {
    return endpoint.kind === 'unix'
      ? net.connect({ path: endpoint.path })
      : net.connect({ host: endpoint.host, port: endpoint.port });
  }
  const t = options.tls ?? {};
  const tlsOptions: tls.ConnectionOptions = { ...t.node };
  if (t.ca !== undefined) tlsOptions.ca = t.ca;
  if (t.cert !== undefined) tlsOptions.cert = t.cert;
  if (t.key !== undefined) tlsOptions.key = t.key;
  if (t.passphrase !== undefined) tlsOptions.passphrase = t.passphrase;
  tlsOptions.rejectUnauthorized = t.rejectUnauthorized ?? true;
  const host = endpoint.kind === 'tcp' ? endpoint.host : undefined;
  const servername =
    t.servername ?? (host !== undefined && net.isIP(host) === 0 ? host : undefined);
  if (servername !== undefined) tlsOptions.servername = servername;
  if (endpoint.kind === 'unix') return tls.connect({ ...tlsOptions, path: endpoint.path });
  // With an IP address and no servername, Node checks the certificate's IP SANs.
  return tls.connect({ ...tlsOptions, host: endpoint.host, port: endpoint.port });
}

/**
 * Connects to a router over RawSocket (`rs://`, `rss://`, `tcp://`, `tls://`, `unix://`, see
 * parseRawSocketUrl) and resolves with the transport once the handshake is done. Rejects with a
 * TransportError subclass (or the signal's reason when aborted).
 */
export async function connectRawSocket(
  url: string | URL,
  options: RawSocketTransportOptions,
): Promise<RawSocketTransport> {
  const endpoint = parseRawSocketUrl(url);
  const signal = options.signal;
  signal?.throwIfAborted();
  const transport = new RawSocketTransport(
    openSocket(endpoint, options),
    endpoint,
    options.serializer,
    options,
  );
  const timeout = options.connectTimeout ?? 10_000;
  const timer = setTimeout(() => {
    transport.abort(
      new ConnectTimeoutError(`connecting to ${String(url)} took longer than ${timeout} ms`),
    );
  }, timeout);
  const onAbort = () => {
    const reason = signal?.reason;
    transport.abort(new TransportError('connection attempt aborted', { cause: reason }));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await transport.opening();
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw e;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  return transport;
}
