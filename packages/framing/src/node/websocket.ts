/**
 * A WebSocket over a Node socket (net or tls): the I/O half that drives the sans-IO engine.
 * It owns the socket, the timers (handshake and closing-handshake timeouts), write batching and
 * backpressure; the engine owns the protocol.
 */
import type { Socket } from 'node:net';
import {
  type CloseInfo,
  type ConnectionHandler,
  type ConnectionOptions,
  type HandshakeRequest,
  type OpenInfo,
  type SendOptions,
  WebSocketConnection,
} from '../connection.js';
import { ConnectionLostError, type WebSocketError } from '../errors.js';
import type { HeaderList } from '../handshake/http.js';
import { nodeEngineOptions } from './defaults.js';
import { TypedEmitter } from './emitter.js';

/** Engine options plus the Node adapter's timeouts. */
export interface NodeSocketOptions extends ConnectionOptions {
  /** How long to wait for the peer's answer to our Close, and (client) for the server to close
   * the TCP connection after the closing handshake, before dropping the socket. Default 3000 ms. */
  closeTimeout?: number;
  /** How long the opening handshake may take. Default 10000 ms. */
  handshakeTimeout?: number;
}

/** Events of a NodeWebSocket. */
export interface WebSocketEvents {
  open: [info: OpenInfo];
  message: [data: string | Uint8Array, isBinary: boolean];
  ping: [payload: Uint8Array];
  pong: [payload: Uint8Array];
  /** The engine reported a fault (protocol error, handshake failure, lost connection). */
  error: [error: WebSocketError];
  /** The socket is closed; emitted exactly once. */
  close: [info: CloseInfo];
  /** The socket's write buffer drained after `send` returned false. */
  drain: [];
}

/**
 * Queued pieces below this size are joined into one buffer when flushed; larger ones are
 * written as they are (no copy). `pnpm bench websocket`, pipelined 16 B rows (bench/README.md):
 * one write instead of a writev entry per frame cut our CPU per round trip from 1.43 to 0.97 us.
 * The cut-off is Node's own for pooling small buffers (Buffer.poolSize / 2); larger values were
 * not measured.
 */
const COALESCE_MAX_PIECE = 4096;

/** A connected (or connecting) WebSocket on a Node socket. */
export class NodeWebSocket extends TypedEmitter<WebSocketEvents> {
  readonly connection: WebSocketConnection;
  /** Server role: the handshake request, once received. */
  request: HandshakeRequest | null = null;
  private readonly socket: Socket;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private awaitingDrain = false;
  private closeInfo: CloseInfo | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private readonly closeTimeout: number;
  private openInfo: OpenInfo | null = null;
  private socketClosed = false;

  constructor(
    socket: Socket,
    role: 'client' | 'server',
    options: NodeSocketOptions,
    onRequest?: (ws: NodeWebSocket, request: HandshakeRequest) => void,
  ) {
    super();
    this.socket = socket;
    this.closeTimeout = options.closeTimeout ?? 3000;
    const handler: ConnectionHandler = {
      write: (data) => this.queue(data),
      open: (info) => {
        this.clearHandshakeTimer();
        this.openInfo = info;
        this.emit('open', info);
      },
      message: (data, binary) => this.emit('message', data, binary),
      ping: (payload) => this.emit('ping', payload),
      pong: (payload) => this.emit('pong', payload),
      closed: (info) => this.onEngineClosed(info),
    };
    if (role === 'server') {
      handler.request = (request) => {
        this.request = request;
        if (onRequest) onRequest(this, request);
        else this.connection.accept();
      };
    }
    this.connection = new WebSocketConnection(role, handler, { ...nodeEngineOptions, ...options });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.connection.receiveData(chunk);
      this.flush();
    });
    socket.on('end', () => {
      this.connection.receiveData(null);
      socket.end();
    });
    socket.on('error', (err) => {
      // ECONNRESET and friends: a loss without closing handshake (1006), reported on 'close'.
      if (this.closeInfo === null) {
        this.closeInfo = {
          code: 1006,
          reason: '',
          wasClean: false,
          error: new ConnectionLostError(err.message, { cause: err }),
        };
      }
      this.connection.receiveData(null);
    });
    socket.on('close', () => this.onSocketClosed());
    socket.on('drain', () => this.checkDrain());
    const handshakeTimeout = options.handshakeTimeout ?? 10_000;
    this.handshakeTimer = setTimeout(() => {
      if (this.connection.state === 'connecting')
        this.destroy(new ConnectionLostError('opening handshake timed out'));
    }, handshakeTimeout);
    this.handshakeTimer.unref?.();
  }

  /** The negotiated subprotocol ("" when none). */
  get protocol(): string {
    return this.openInfo?.protocol ?? '';
  }

  /** The negotiated extensions header value ("" when none). */
  get extensions(): string {
    return this.openInfo?.extensions ?? '';
  }

  /** Headers of the peer's handshake message. */
  get headers(): HeaderList | null {
    return this.openInfo?.headers ?? null;
  }

  /**
   * The underlying socket (a `tls.TLSSocket` for wss://), for what lives below the WebSocket:
   * TLS channel binding and peer certificates (WAMP authentication). Do not read or write it.
   */
  get rawSocket(): Socket {
    return this.socket;
  }

  /** Bytes queued but not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.socket.writableLength + this.pendingBytes;
  }

  get state(): WebSocketConnection['state'] {
    return this.connection.state;
  }

  /**
   * Send a message. Returns false when the socket's buffer is above its high-water mark: wait for
   * 'drain' before sending more (backpressure).
   */
  send(data: string | Uint8Array, opts?: SendOptions): boolean {
    this.connection.send(data, opts);
    return this.hasRoom();
  }

  /** Sends one fragment of a message (RFC 6455 §5.4); `fin` ends the message. Returns false above the high-water mark, like send(). */
  sendFragment(data: string | Uint8Array, fin: boolean, binary?: boolean): boolean {
    this.connection.sendFragment(data, fin, binary);
    return this.hasRoom();
  }

  private hasRoom(): boolean {
    const room = this.bufferedAmount < this.socket.writableHighWaterMark;
    if (!room) this.awaitingDrain = true;
    return room;
  }

  /**
   * Emits 'drain' once after a send returned false and the buffer went below the high-water
   * mark. The socket's own 'drain' is not enough: when our queued bytes go straight to the
   * kernel on flush, the socket never needed draining and never emits it.
   */
  private checkDrain(): void {
    if (!this.awaitingDrain || this.socket.writableNeedDrain) return;
    if (this.bufferedAmount >= this.socket.writableHighWaterMark) return;
    this.awaitingDrain = false;
    this.emit('drain');
  }

  /** Sends a Ping frame (RFC 6455 §5.5.2). */
  ping(payload?: Uint8Array | string): void {
    this.connection.ping(payload);
  }

  /** Sends an unsolicited Pong frame (RFC 6455 §5.5.3). */
  pong(payload?: Uint8Array | string): void {
    this.connection.pong(payload);
  }

  /** Start the closing handshake; the socket is dropped if the peer does not answer in time. */
  close(code?: number | null, reason?: string): void {
    this.connection.close(code, reason);
    this.flush();
    if (this.closeInfo === null) this.armCloseTimer();
  }

  /** Drop the connection at once, without a closing handshake. */
  destroy(error?: WebSocketError): void {
    if (this.closeInfo === null) {
      this.closeInfo = {
        code: 1006,
        reason: '',
        wasClean: false,
        error: error ?? new ConnectionLostError('connection destroyed'),
      };
    }
    this.socket.destroy();
  }

  /** Server role: accept the pending handshake (when an `onRequest` hook decides). */
  accept(opts?: Parameters<WebSocketConnection['accept']>[0]): void {
    this.connection.accept(opts);
    this.flush();
  }

  /** Server role: refuse the pending handshake with an HTTP status. */
  reject(status?: number, reason?: string): void {
    this.connection.reject(status, reason);
    this.flush();
  }

  /** Resolves when the socket is closed. */
  closed(): Promise<CloseInfo> {
    if (this.socketClosed && this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve) => this.once('close', resolve));
  }

  private queue(data: Uint8Array): void {
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Writes issued in one tick go out together (one syscall via cork/uncork).
      queueMicrotask(() => {
        this.flush();
        this.checkDrain();
      });
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const pending = this.pending;
    const count = pending.length;
    if (count === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.socket.destroyed) return;
    if (count === 1) {
      this.socket.write(pending[0]!);
      return;
    }
    // Runs of small frames are copied into one buffer: one socket.write instead of a writev
    // entry (and its bookkeeping) per frame. Large pieces go out as they are, without a copy.
    this.socket.cork();
    let runStart = 0;
    let runBytes = 0;
    for (let i = 0; i < count; i++) {
      const piece = pending[i]!;
      if (piece.length >= COALESCE_MAX_PIECE) {
        this.writeRun(pending, runStart, i, runBytes);
        this.socket.write(piece);
        runStart = i + 1;
        runBytes = 0;
      } else {
        runBytes += piece.length;
      }
    }
    this.writeRun(pending, runStart, count, runBytes);
    this.socket.uncork();
  }

  private writeRun(pieces: Uint8Array[], start: number, end: number, bytes: number): void {
    if (end - start === 1) this.socket.write(pieces[start]!);
    else if (end > start) {
      const joined = Buffer.allocUnsafe(bytes);
      let pos = 0;
      for (let i = start; i < end; i++) {
        joined.set(pieces[i]!, pos);
        pos += pieces[i]!.length;
      }
      this.socket.write(joined);
    }
  }

  private onEngineClosed(info: CloseInfo): void {
    this.clearHandshakeTimer();
    if (this.closeInfo === null) this.closeInfo = info;
    if (info.error && info.error.code !== 1006) this.emit('error', info.error);
    this.flush();
    if (this.connection.role === 'server' || !info.wasClean) {
      // §7.1.1: the server closes the TCP connection first; after a failure either side may.
      this.socket.end();
      this.armCloseTimer();
    } else {
      // The client waits for the server to close, but not forever.
      this.armCloseTimer();
    }
  }

  private armCloseTimer(): void {
    if (this.closeTimer !== null || this.socketClosed) return;
    this.closeTimer = setTimeout(() => {
      if (this.closeInfo === null) {
        this.closeInfo = {
          code: 1006,
          reason: '',
          wasClean: false,
          error: new ConnectionLostError('peer did not complete the closing handshake in time'),
        };
      }
      this.socket.destroy();
    }, this.closeTimeout);
    this.closeTimer.unref?.();
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer !== null) {
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = null;
    }
  }

  private onSocketClosed(): void {
    if (this.socketClosed) return;
    this.socketClosed = true;
    this.clearHandshakeTimer();
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    if (this.connection.state !== 'closed') this.connection.receiveData(null);
    const info = this.closeInfo ?? {
      code: 1006,
      reason: '',
      wasClean: false,
      error: new ConnectionLostError(),
    };
    this.closeInfo = info;
    if (info.code === 1006 && info.error && this.listenerCount('error') > 0)
      this.emit('error', info.error);
    this.emit('close', info);
  }
}
