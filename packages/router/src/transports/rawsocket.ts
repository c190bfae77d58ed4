/**
 * WAMP over RawSocket (spec advanced/transport_rawsocket.md): TCP, TLS and Unix domain socket
 * listeners on the sans-IO engine of `@wampkit/framing/rawsocket`. The handshake picks the
 * serializer (1 json, 2 msgpack, 3 cbor, 4 ubjson, 5 flatbuffers) and both maximum message
 * lengths; each connection then becomes a `PeerConnection`.
 */
import net from 'node:net';
import tls from 'node:tls';
import {
  HandshakeErrorCode,
  RawSocketConnection,
  type RawSocketError,
  RawSocketMessageTooBigError,
  type RawSocketOpenInfo,
} from '@wampkit/framing/rawsocket';
import type { Serializer } from '@wampkit/serializers';
import { tlsAuthInfo } from '../auth-tls.js';
import type { PeerConnection, PeerHandler } from '../transport.js';

/** Where and how a router listens for WAMP over RawSocket. */
export interface RawSocketListenOptions {
  /** TCP port (0, the default, picks a free one). Ignored with `path`. */
  port?: number;
  /** Default 127.0.0.1. Ignored with `path`. */
  host?: string;
  /** Listen on this Unix domain socket instead of TCP. */
  path?: string;
  /** Serve RawSocket over TLS with these options (on TCP or on the Unix socket). */
  tls?: tls.TlsOptions;
  /** Connections beyond this many are refused with handshake error 4. Default: no limit. */
  maxConnections?: number;
  /**
   * Clients that accept messages shorter than this (their handshake limit) are refused with
   * handshake error 2. Default 512 (every client).
   */
  minClientMaxLength?: number;
  /** The client's 4 handshake octets (and TLS) must arrive within this many ms. Default 10 000. */
  handshakeTimeout?: number;
  /**
   * Send a RawSocket PING this often (ms); 0 (the default) turns it off. Autobahn|Python's
   * clients do not answer PINGs (asyncio raises, Twisted reads the prefix as a length), so
   * enable this only for clients that do.
   */
  pingInterval?: number;
  /** A PING not answered within this many ms drops the connection. Default: pingInterval. */
  pingTimeout?: number;
}

/** What the RawSocket listener needs from the router. */
export interface RawSocketHost {
  readonly serializers: ReadonlyMap<string, Serializer>;
  readonly maxMessageBytes: number;
  attach(conn: PeerConnection): PeerHandler;
  log(level: 'info' | 'warn', message: string): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function peerOf(socket: net.Socket, unixPath: string | undefined): string {
  if (unixPath !== undefined) return `unix:${unixPath}`;
  const family = socket.remoteFamily === 'IPv6' ? 'tcp6' : 'tcp4';
  return `${family}:${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
}

/** Accepts WAMP over RawSocket (TCP, TLS or a Unix domain socket) for a router. */
export class RawSocketListener {
  private readonly server: net.Server;
  private readonly byId: Map<number, Serializer>;
  private readonly sockets = new Set<net.Socket>();
  private readonly handshaking = new Set<net.Socket>();
  private readonly closers = new Set<() => void>();
  private openCount = 0;
  private boundPort = 0;
  /** Keepalive PINGs sent and matching PONGs received, over all connections. */
  pings = 0;
  pongs = 0;

  constructor(
    private readonly host: RawSocketHost,
    private readonly options: RawSocketListenOptions = {},
  ) {
    this.byId = new Map([...host.serializers.values()].map((s) => [s.rawSocketId, s]));
    if (options.tls) {
      // The TLS handshake is bounded by the same timeout as the RawSocket handshake.
      const tlsOptions = { handshakeTimeout: options.handshakeTimeout ?? 10_000, ...options.tls };
      this.server = tls.createServer(tlsOptions, (socket) => this.accept(socket));
      this.server.on('tlsClientError', (err, socket) => {
        host.log('info', `RawSocket TLS handshake failed: ${err.message}`);
        socket.destroy();
      });
    } else {
      this.server = net.createServer((socket) => this.accept(socket));
    }
    // Connections still in their TLS handshake are tracked so close() can drop them.
    this.server.on('connection', (socket: net.Socket) => {
      if (options.tls === undefined) return;
      this.handshaking.add(socket);
      socket.once('close', () => this.handshaking.delete(socket));
    });
  }

  private accept(socket: net.Socket): void {
    const o = this.options;
    this.sockets.add(socket);
    socket.setNoDelay?.(true);
    let handler: PeerHandler | null = null;
    let counted = false;
    const peer = peerOf(socket, o.path);
    const conn = new RawSocketConnection(
      'router',
      {
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        request: () => {
          // Spec "Handshake": error 4, maximum connection count reached.
          if (o.maxConnections !== undefined && this.openCount >= o.maxConnections) {
            return HandshakeErrorCode.MaxConnectionCountReached;
          }
          return undefined;
        },
        open: (info) => {
          clearTimeout(handshakeTimer);
          this.openCount++;
          counted = true;
          handler = this.host.attach(this.peerConnection(socket, conn, info, peer));
          startKeepalive();
        },
        message: (payload) => handler?.message(payload),
        pong: (payload) => {
          if (outstanding !== null && decoder.decode(payload) === outstanding) {
            outstanding = null;
            this.pongs++;
            if (pongTimer !== null) clearTimeout(pongTimer);
          }
        },
        closed: (info) => {
          stopTimers();
          if (info.error !== undefined) this.report(peer, info.error);
          if (info.initiator === 'local' && info.error === undefined) socket.end();
          else if (info.error !== undefined && conn.info === null)
            socket.end(); // flush an error reply
          else socket.destroy();
        },
      },
      {
        maxMessageLength: this.host.maxMessageBytes,
        serializers: [...this.byId.keys()],
        minPeerMaxLength: o.minClientMaxLength ?? 512,
      },
    );

    const handshakeTimer = setTimeout(() => {
      this.host.log('info', `RawSocket ${peer}: no handshake within the timeout`);
      socket.destroy();
    }, o.handshakeTimeout ?? 10_000);
    handshakeTimer.unref();

    let pingTimer: NodeJS.Timeout | null = null;
    let pongTimer: NodeJS.Timeout | null = null;
    // PING payloads are ASCII digits: Autobahn|JS echoes a PING's payload as a UTF-8 string.
    let outstanding: string | null = null;
    let pingId = 0;
    const startKeepalive = () => {
      const interval = o.pingInterval ?? 0;
      if (interval <= 0) return;
      const timeout = o.pingTimeout ?? interval;
      pingTimer = setInterval(() => {
        if (outstanding !== null || conn.state !== 'open') return;
        pingId = (pingId + 1) >>> 0;
        outstanding = String(pingId);
        conn.ping(encoder.encode(outstanding));
        this.pings++;
        pongTimer = setTimeout(() => {
          this.host.log('info', `RawSocket ${peer}: no PONG within ${timeout} ms; dropping`);
          socket.destroy();
        }, timeout);
      }, interval);
    };
    const stopTimers = () => {
      if (pingTimer !== null) clearInterval(pingTimer);
      if (pongTimer !== null) clearTimeout(pongTimer);
      pingTimer = pongTimer = null;
    };

    socket.on('data', (chunk: Buffer) => conn.receiveData(chunk));
    socket.on('end', () => conn.receiveData(null));
    socket.on('error', (err) => this.host.log('info', `RawSocket ${peer}: ${err.message}`));
    socket.once('close', () => {
      clearTimeout(handshakeTimer);
      stopTimers();
      this.sockets.delete(socket);
      this.closers.delete(closer);
      if (conn.state !== 'closed') conn.receiveData(null);
      if (counted) this.openCount--;
      counted = false;
      const h = handler;
      handler = null;
      h?.closed();
    });
    const closer = () => {
      if (conn.state === 'open') conn.close();
      else socket.destroy();
    };
    this.closers.add(closer);
  }

  private peerConnection(
    socket: net.Socket,
    conn: RawSocketConnection,
    info: RawSocketOpenInfo,
    peer: string,
  ): PeerConnection {
    const serializer = this.byId.get(info.serializer) as Serializer;
    const host = this.host;
    return {
      serializer,
      info: {
        type: 'rawsocket',
        protocol: serializer.subprotocol,
        peer,
        tls: this.options.tls !== undefined,
        max_message_length: info.maxSendLength,
      },
      ...(socket instanceof tls.TLSSocket ? { authInfo: tlsAuthInfo(socket) } : {}),
      maxMessageBytes: info.maxSendLength,
      send: (data) => {
        if (conn.state !== 'open') return;
        try {
          conn.send(typeof data === 'string' ? encoder.encode(data) : data);
        } catch (e) {
          // Spec "Serialization": a message beyond the client's limit cannot be sent.
          if (!(e instanceof RawSocketMessageTooBigError)) throw e;
          host.log('warn', `RawSocket ${peer}: ${e.message}; not sent`);
        }
      },
      get bufferedAmount() {
        return socket.writableLength;
      },
      close: (reason) => {
        if (reason === 'overflow') socket.destroy();
        else conn.close();
      },
    };
  }

  private report(peer: string, error: RawSocketError): void {
    const level = error instanceof RawSocketMessageTooBigError ? 'warn' : 'info';
    this.host.log(level, `RawSocket ${peer}: ${error.message}`);
  }

  /** Starts listening; resolves with the bound TCP port (0 for a Unix socket). */
  async listen(): Promise<number> {
    const o = this.options;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      const done = () => {
        this.server.off('error', reject);
        resolve();
      };
      if (o.path !== undefined) this.server.listen(o.path, done);
      else this.server.listen(o.port ?? 0, o.host ?? '127.0.0.1', done);
    });
    const address = this.server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : 0;
    return this.boundPort;
  }

  /** The bound TCP port (0 for a Unix socket). */
  get port(): number {
    return this.boundPort;
  }

  /** `rs://host:port`, `rss://host:port` or `rs://unix:/path` (Autobahn|Python's URL forms). */
  get url(): string {
    const scheme = this.options.tls ? 'rss' : 'rs';
    if (this.options.path !== undefined) return `${scheme}://unix:${this.options.path}`;
    const host = this.options.host ?? '127.0.0.1';
    const h = host.includes(':') ? `[${host}]` : host;
    return `${scheme}://${h}:${this.boundPort}`;
  }

  /** Connections whose handshake completed and that are still open. */
  get connectionCount(): number {
    return this.openCount;
  }

  /** Stops listening and ends every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      // Open connections end in order (after what was sent, e.g. GOODBYE); the rest are dropped.
      for (const close of [...this.closers]) close();
      const force = setTimeout(() => {
        for (const socket of [...this.sockets, ...this.handshaking]) socket.destroy();
      }, 2000);
      force.unref();
      // A raw TCP connection still in its TLS handshake has no session to end.
      for (const socket of this.handshaking) {
        const secured = [...this.sockets].some(
          (s) => s.remotePort === socket.remotePort && s.remoteAddress === socket.remoteAddress,
        );
        if (!secured) socket.destroy();
      }
    });
  }
}
