/**
 * WAMP over WebSocket (spec basic "WebSocket Transport"): subprotocols `wamp.2.json` (text
 * frames) and `wamp.2.msgpack`, `wamp.2.cbor`, `wamp.2.ubjson`, `wamp.2.flatbuffers` (binary
 * frames), on the framing engine's Node server. Each connection becomes a `PeerConnection`.
 */
import tls from 'node:tls';
import type { HandshakeRequest } from '@wampkit/framing';
import { type NodeWebSocket, WebSocketServer } from '@wampkit/framing/node';
import type { Serializer } from '@wampkit/serializers';
import { tlsAuthInfo } from '../auth-tls.js';
import type { CloseReason, PeerConnection, PeerHandler } from '../transport.js';

/** Where and how a router listens for WAMP over WebSocket. */
export interface WebSocketListenOptions {
  /** TCP port (0, the default, picks a free one). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accept the WebSocket handshake only on this request path (default: any path). */
  path?: string;
  /** Serve wss:// with these TLS options. */
  tls?: tls.TlsOptions;
  /** Offer permessage-deflate (default false). */
  deflate?: boolean;
}

/** What the WebSocket listener needs from the router. */
export interface WebSocketHost {
  readonly serializers: ReadonlyMap<string, Serializer>;
  readonly maxMessageBytes: number;
  attach(conn: PeerConnection): PeerHandler;
}

const CLOSE_CODES: Record<Exclude<CloseReason, 'overflow'>, [number, string]> = {
  normal: [1000, ''],
  'protocol-violation': [1002, 'WAMP protocol violation'],
  shutdown: [1001, 'router shutting down'],
};

function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

function peerOf(socket: { remoteFamily?: string; remoteAddress?: string; remotePort?: number }) {
  const family = socket.remoteFamily === 'IPv6' ? 'tcp6' : 'tcp4';
  return `${family}:${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
}

/** Accepts WAMP over WebSocket for a router, on the @wampkit/framing server. */
export class WebSocketListener {
  private readonly server: WebSocketServer;
  private boundPort = 0;

  constructor(
    private readonly host: WebSocketHost,
    private readonly options: WebSocketListenOptions = {},
  ) {
    this.server = new WebSocketServer({
      tls: options.tls,
      deflate: options.deflate ?? false,
      maxMessageSize: host.maxMessageBytes,
      onRequest: (request) => this.choose(request),
    });
    this.server.on('connection', (ws) => this.accept(ws));
  }

  /** The subprotocol: the client's most preferred one we speak. */
  private choose(request: HandshakeRequest): string | { status: number; reason: string } {
    if (this.options.path !== undefined && pathOf(request.path) !== this.options.path) {
      return { status: 404, reason: 'Not Found' };
    }
    const chosen = request.protocols.find((p) => this.host.serializers.has(p));
    if (chosen === undefined) {
      return { status: 400, reason: 'Bad Request: no supported WAMP subprotocol offered' };
    }
    return chosen;
  }

  private accept(ws: NodeWebSocket): void {
    const serializer = this.host.serializers.get(ws.protocol);
    if (serializer === undefined) {
      ws.close(1002, 'no WAMP subprotocol');
      return;
    }
    const binary = serializer.binary;
    const socket = ws.rawSocket;
    const conn: PeerConnection = {
      serializer,
      info: { type: 'websocket', protocol: ws.protocol, peer: peerOf(socket) },
      ...(socket instanceof tls.TLSSocket ? { authInfo: tlsAuthInfo(socket) } : {}),
      send: (data) => {
        if (ws.state === 'open') ws.send(data, { binary });
      },
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      close: (reason, message) => {
        if (reason === 'overflow') {
          ws.destroy();
          return;
        }
        const [code, text] = CLOSE_CODES[reason];
        if (ws.state === 'open') ws.close(code, message ?? text);
      },
    };
    const handler = this.host.attach(conn);
    ws.on('message', (data) => handler.message(data));
    ws.once('close', () => handler.closed());
    // Faults are reported in 'close' as well; nothing more to do per connection.
    ws.on('error', () => {});
  }

  /** Starts listening; resolves with the bound TCP port. */
  async listen(): Promise<number> {
    this.boundPort = await this.server.listen(
      this.options.port ?? 0,
      this.options.host ?? '127.0.0.1',
    );
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const scheme = this.options.tls ? 'wss' : 'ws';
    const host = this.options.host ?? '127.0.0.1';
    const h = host.includes(':') ? `[${host}]` : host;
    return `${scheme}://${h}:${this.boundPort}${this.options.path ?? '/'}`;
  }

  /** Stops listening and closes every connection (1001). */
  close(): Promise<void> {
    return this.server.close(1001, 'router shutting down');
  }
}
