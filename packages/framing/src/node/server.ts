/** Node WebSocket server on net or tls, driven by the sans-IO engine. */
import net from 'node:net';
import tls from 'node:tls';
import type { HandshakeRequest } from '../connection.js';
import { installNodeDefaults, withNodeCodec } from './defaults.js';
import { TypedEmitter } from './emitter.js';
import { type NodeSocketOptions, NodeWebSocket } from './websocket.js';

/** Options of the Node WebSocketServer. */
export interface ServerOptions extends NodeSocketOptions {
  /** Port to listen on (0 picks a free one). */
  port?: number;
  host?: string;
  /** Serve wss:// with these TLS options (key, cert, ca, requestCert, ...). */
  tls?: tls.TlsOptions;
  /** Subprotocols we speak, most preferred first. */
  protocols?: readonly string[];
  /**
   * Decide on each handshake: return a subprotocol (or null for none) to accept, or
   * `{ status, reason }` to refuse. Default: the first of `protocols` the client offered.
   */
  onRequest?: (request: HandshakeRequest) => string | null | { status: number; reason: string };
}

/** Events of the WebSocketServer: a new connection (after the accepted handshake), and listener errors. */
export interface ServerEvents {
  connection: [ws: NodeWebSocket, request: HandshakeRequest];
  error: [error: Error];
}

/** A WebSocket server for Node on the sans-IO engine: listens on TCP (or TLS), runs the opening handshake and emits each accepted connection as a NodeWebSocket. */
export class WebSocketServer extends TypedEmitter<ServerEvents> {
  readonly server: net.Server;
  readonly clients = new Set<NodeWebSocket>();

  constructor(private readonly options: ServerOptions = {}) {
    super();
    installNodeDefaults();
    const socketOptions = withNodeCodec(options);
    const onSocket = (socket: net.Socket): void => {
      const ws = new NodeWebSocket(socket, 'server', socketOptions, (conn, request) =>
        this.decide(conn, request),
      );
      this.clients.add(ws);
      ws.once('close', () => this.clients.delete(ws));
      ws.once('open', () => this.emit('connection', ws, ws.request!));
    };
    this.server = options.tls
      ? tls.createServer(options.tls, onSocket)
      : net.createServer(onSocket);
    this.server.on('error', (err) => this.emit('error', err));
    // A TLS handshake failure concerns one client, not the server.
    this.server.on('tlsClientError', () => {});
  }

  private decide(ws: NodeWebSocket, request: HandshakeRequest): void {
    const protocols = this.options.protocols ?? [];
    const choice = this.options.onRequest
      ? this.options.onRequest(request)
      : (protocols.find((p) => request.protocols.includes(p)) ?? null);
    if (choice !== null && typeof choice === 'object') ws.reject(choice.status, choice.reason);
    else ws.accept({ protocol: choice });
  }

  /** Starts listening; resolves with the bound port. */
  listen(port = this.options.port ?? 0, host = this.options.host ?? '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops accepting, closes every connection with `code` (default 1001 going away), and waits. */
  async close(code = 1001, reason = 'server shutting down'): Promise<void> {
    const done = [...this.clients].map((ws) => {
      const closed = ws.closed();
      if (ws.state === 'open') ws.close(code, reason);
      else if (ws.state === 'connecting') ws.destroy();
      return closed;
    });
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(done);
  }
}
