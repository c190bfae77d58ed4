/**
 * A sans-IO WebSocket connection (RFC 6455), client or server role: bytes in through
 * `receiveData`, bytes out and events through the `ConnectionHandler` callbacks. It owns no
 * sockets and no timers; a transport feeds it and acts on `closed` (model: python-hyper/wsproto).
 */
import { type Accelerator, getAccelerator } from './accel/accelerator.js';
import type { Utf8Validator } from './accel/utf8.js';
import { CloseCode, isValidWireCloseCode } from './close-codes.js';
import {
  ConnectionLostError,
  HandshakeError,
  InternalError,
  InvalidPayloadError,
  InvalidStateError,
  MessageTooBigError,
  ProtocolError,
  type WebSocketError,
} from './errors.js';
import { type ExtensionOffer, formatExtension, parseExtensions } from './extensions/header.js';
import {
  acceptResponse,
  clientOffer,
  type DeflateOptions,
  EXTENSION_NAME,
  negotiateServer,
  PerMessageDeflate,
} from './extensions/permessage-deflate.js';
import { headerSize, isControl, MAX_CONTROL_PAYLOAD, Opcode, writeHeader } from './frame.js';
import { type HeaderList, parseHead, writeHead } from './handshake/http.js';
import {
  acceptKey,
  checkSubprotocols,
  newClientKey,
  splitList,
  validateClientRequest,
  validateServerResponse,
} from './handshake/opening.js';
import { fillMaskKey } from './random.js';

/** Which end of the connection this engine plays (RFC 6455 §1.3): masking and handshake duties follow from it. */
export type Role = 'client' | 'server';
/** Lifecycle of a connection (RFC 6455 §4 and §7): handshake, open, closing handshake, closed. */
export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

/** Size bounds applied to everything the peer sends. */
export interface Limits {
  /** Largest frame payload accepted, in bytes. Default 16 MiB. */
  maxFrameSize?: number;
  /** Largest message accepted (after decompression), in bytes. Default 16 MiB. */
  maxMessageSize?: number;
  /** Largest opening-handshake head accepted, in bytes. Default 16 KiB. */
  maxHandshakeSize?: number;
}

/** Options of a WebSocketConnection (either role). */
export interface ConnectionOptions extends Limits {
  /** Masking/UTF-8 implementation; defaults to the one installed with `setAccelerator`. */
  accelerator?: Accelerator;
  /**
   * permessage-deflate (RFC 7692). Client: offer it. Server: accept offers. `true` uses the
   * defaults. Off unless given.
   */
  deflate?: boolean | DeflateOptions;
  /** Answer pings automatically (§5.5.2). Default true. */
  autoPong?: boolean;
  /** Outgoing messages larger than this are split into frames of this size. Default: no split. */
  fragmentSize?: number;
  /** Server: subprotocols we speak, most preferred first (used when `request` is not handled). */
  protocols?: readonly string[];
  /**
   * Allocates the buffers the engine fills completely before anyone reads them (outgoing frames,
   * payloads that arrive in pieces). The memory need not be zeroed: the Node adapter passes
   * `Buffer.allocUnsafe`, which skips the zero-fill and pools small buffers (`pnpm bench
   * websocket`). Default: `new Uint8Array(size)`.
   */
  allocate?: (size: number) => Uint8Array;
  /** UTF-8 encoding of outgoing text, where the runtime has something faster than TextEncoder. */
  textEncoding?: TextEncoding;
}

/**
 * Writes text as UTF-8 straight into a frame, without an intermediate encoded copy. Both methods
 * must agree, and encode lone surrogates as U+FFFD as TextEncoder does.
 */
export interface TextEncoding {
  /** Number of UTF-8 bytes `text` encodes to. */
  byteLength(text: string): number;
  /** Writes `text` as UTF-8 into `dest` at `offset` (exactly byteLength(text) bytes). */
  encodeInto(text: string, dest: Uint8Array, offset: number): void;
}

/** What the client role puts into its opening handshake request (RFC 6455 §4.1). */
export interface ClientHandshakeOptions {
  /** Host header value, e.g. "example.com:8080". */
  host: string;
  /** Request target: path and query, e.g. "/ws?x=1". Default "/". */
  path?: string;
  /** Subprotocols to offer, most preferred first (e.g. "wamp.2.json"). */
  protocols?: readonly string[];
  /** Origin header (§10.2), for servers that check it. */
  origin?: string;
  /** Extra request headers. */
  headers?: Record<string, string> | Iterable<[string, string]>;
}

/** What the server learns from the client's opening handshake. */
export interface HandshakeRequest {
  method: string;
  path: string;
  headers: HeaderList;
  /** Subprotocols the client offered, in its order of preference. */
  protocols: string[];
  /** Extension offers, parsed (§9.1). */
  extensions: ExtensionOffer[];
}

/** How the server role answers a handshake request it accepts (RFC 6455 §4.2.2). */
export interface AcceptOptions {
  /** Subprotocol to select; must be one the client offered. */
  protocol?: string | null;
  /** Extra response headers. */
  headers?: Record<string, string> | Iterable<[string, string]>;
}

/** What the completed opening handshake settled. */
export interface OpenInfo {
  /** The selected subprotocol, or "" when none was. */
  protocol: string;
  /** The Sec-WebSocket-Extensions value in force, or "". */
  extensions: string;
  /** Headers of the peer's handshake message. */
  headers: HeaderList;
  /** Server role: the request path. */
  path?: string;
}

/** How the connection ended (RFC 6455 §7.1.5, §7.1.6). */
export interface CloseInfo {
  /** Close code received (or sent, when we failed the connection); 1005 when none, 1006 when lost. */
  code: number;
  reason: string;
  /** Whether the closing handshake completed (§7.1.4). */
  wasClean: boolean;
  /** Set when the connection failed: the protocol fault, handshake failure or loss. */
  error?: WebSocketError;
}

/** The callbacks through which a WebSocketConnection hands out bytes to write and events. */
export interface ConnectionHandler {
  /** Bytes to write to the transport, in order. */
  write(data: Uint8Array): void;
  /** Server: a handshake request arrived; call `accept` or `reject` (now or later). */
  request?(request: HandshakeRequest): void;
  /** The opening handshake completed. */
  open?(info: OpenInfo): void;
  /** A complete message: text as a string, binary as bytes. */
  message?(data: string | Uint8Array, binary: boolean): void;
  /** A Ping frame arrived (it is answered automatically unless autoPong is off). */
  ping?(payload: Uint8Array): void;
  /** A Pong frame arrived. */
  pong?(payload: Uint8Array): void;
  /** The peer started the closing handshake; our answer has already been written. */
  closing?(code: number, reason: string): void;
  /**
   * The connection is over. The server side should close the transport now; the client should
   * wait briefly for the server to close it first (§7.1.1) and then close it itself.
   */
  closed(info: CloseInfo): void;
}

/** Options of one outgoing message. */
export interface SendOptions {
  /** Send as binary; defaults to true for bytes and false for strings. */
  binary?: boolean;
  /** Compress when permessage-deflate is in use and the message reaches the threshold. */
  compress?: boolean;
}

const DEFAULT_MAX_SIZE = 16 * 1024 * 1024;
const DEFAULT_MAX_HANDSHAKE = 16 * 1024;
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is message content (§5.6), not a byte-order mark to strip.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const allocateZeroed = (size: number): Uint8Array => new Uint8Array(size);

enum Parse {
  Header,
  Length16,
  Length64,
  MaskKey,
  Payload,
}

/** The sans-IO RFC 6455 engine for one connection: feed it the bytes the transport received, and it writes bytes and reports events through its ConnectionHandler. */
export class WebSocketConnection {
  readonly role: Role;
  private stateValue: ConnectionState = 'connecting';
  private readonly handler: ConnectionHandler;
  private readonly accel: Accelerator;
  private readonly maxFrameSize: number;
  private readonly maxMessageSize: number;
  private readonly maxHandshakeSize: number;
  private readonly autoPong: boolean;
  private readonly fragmentSize: number;
  private readonly deflateOptions: DeflateOptions | null;
  private readonly serverProtocols: readonly string[];
  private readonly allocate: (size: number) => Uint8Array;
  private readonly textEncoding: TextEncoding | null;
  private deflate: PerMessageDeflate | null = null;
  private deflateOffer: ExtensionOffer | null = null;

  // Handshake state.
  private handshakeBuffer: Uint8Array = EMPTY;
  private clientKey = '';
  private offeredProtocols: readonly string[] = [];
  private pendingRequest: HandshakeRequest | null = null;
  private closeSent = false;

  // Input buffer: a queue of chunks, the first partly consumed up to `headOffset`.
  private chunks: Uint8Array[] = [];
  private headOffset = 0;
  private buffered = 0;

  // Frame being parsed.
  private parse = Parse.Header;
  private fin = false;
  private rsv1 = false;
  private opcode = 0;
  private masked = false;
  private payloadLength = 0;
  private readonly maskKey = new Uint8Array(4);
  /** Masking key of the frame being sent (client role, created on its first frame): refilled
   * per frame (§5.3), copied into the header and used before write() returns, so one buffer
   * serves every frame instead of a new view per frame. */
  private sendKey: Uint8Array | null = null;
  private payload: Uint8Array = EMPTY;
  private payloadFilled = 0;
  private textCheckedTo = 0;

  // Message being assembled.
  private messageOpcode = 0;
  private messageCompressed = false;
  private fragments: Uint8Array[] = [];
  private messageSize = 0;
  private messageText = false;
  /** Incremental UTF-8 state, created only when a text message arrives in more than one piece. */
  private validator: Utf8Validator | null = null;

  // Outgoing fragmented message (sendFragment).
  private sendingFragmented = false;

  constructor(role: Role, handler: ConnectionHandler, options: ConnectionOptions = {}) {
    this.role = role;
    this.handler = handler;
    this.accel = options.accelerator ?? getAccelerator();
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_SIZE;
    this.maxFrameSize = options.maxFrameSize ?? this.maxMessageSize;
    this.maxHandshakeSize = options.maxHandshakeSize ?? DEFAULT_MAX_HANDSHAKE;
    this.autoPong = options.autoPong ?? true;
    this.fragmentSize = options.fragmentSize ?? 0;
    this.deflateOptions = options.deflate
      ? options.deflate === true
        ? {}
        : options.deflate
      : null;
    this.serverProtocols = options.protocols ?? [];
    this.allocate = options.allocate ?? allocateZeroed;
    this.textEncoding = options.textEncoding ?? null;
    for (const [name, value] of [
      ['maxFrameSize', this.maxFrameSize],
      ['maxMessageSize', this.maxMessageSize],
      ['maxHandshakeSize', this.maxHandshakeSize],
    ] as const) {
      if (!Number.isSafeInteger(value) || value <= 0)
        throw new RangeError(`${name} must be a positive integer`);
    }
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The negotiated permessage-deflate parameters, or null when not in use. */
  get deflateParams(): PerMessageDeflate['params'] | null {
    return this.deflate?.params ?? null;
  }

  // ---------------------------------------------------------------- opening handshake, client

  /** Client: write the opening handshake request (§4.1). */
  initiate(opts: ClientHandshakeOptions): void {
    if (this.role !== 'client') throw new InvalidStateError('initiate() is for the client role');
    if (this.stateValue !== 'connecting' || this.clientKey !== '') {
      throw new InvalidStateError('the handshake was already initiated');
    }
    const protocols = opts.protocols ?? [];
    checkSubprotocols(protocols);
    this.offeredProtocols = protocols;
    this.clientKey = newClientKey();
    const headers: Array<[string, string]> = [
      ['Host', opts.host],
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key', this.clientKey],
      ['Sec-WebSocket-Version', '13'],
    ];
    if (opts.origin !== undefined) headers.push(['Origin', opts.origin]);
    if (protocols.length > 0) headers.push(['Sec-WebSocket-Protocol', protocols.join(', ')]);
    if (this.deflateOptions) {
      this.deflateOffer = clientOffer(this.deflateOptions);
      headers.push(['Sec-WebSocket-Extensions', formatExtension(this.deflateOffer)]);
    }
    headers.push(...headerEntries(opts.headers));
    const path = opts.path ?? '/';
    if (!/^\/[^\s]*$/.test(path))
      throw new SyntaxError(`invalid request path ${JSON.stringify(path)}`);
    this.handler.write(writeHead(`GET ${path} HTTP/1.1`, headers));
  }

  private receiveResponse(): void {
    const head = parseHead(this.handshakeBuffer, this.maxHandshakeSize, false);
    if (head === null) return;
    const { headers } = head;
    validateServerResponse(head.startLine[1], headers, this.clientKey);
    // §4.1: the selected subprotocol must be one we offered.
    const protocol = headers.get('sec-websocket-protocol') ?? '';
    if (protocol !== '' && !this.offeredProtocols.includes(protocol)) {
      throw new HandshakeError(
        `server selected subprotocol ${JSON.stringify(protocol)} that was not offered`,
        502,
      );
    }
    // §4.1 and §9.1: every extension in use must be one we offered.
    let extensions: ExtensionOffer[];
    try {
      extensions = parseExtensions(headers.get('sec-websocket-extensions') ?? '');
    } catch (err) {
      throw new HandshakeError('malformed Sec-WebSocket-Extensions in response', 502, {
        cause: err,
      });
    }
    for (const ext of extensions) {
      if (ext.name !== EXTENSION_NAME || this.deflateOffer === null || this.deflate !== null) {
        throw new HandshakeError(`server used extension ${ext.name} that was not offered`, 502);
      }
      try {
        const params = acceptResponse(this.deflateOffer, ext);
        this.deflate = new PerMessageDeflate(params, 'client', this.deflateOptions ?? {});
      } catch (err) {
        throw new HandshakeError(
          `unacceptable permessage-deflate response: ${(err as Error).message}`,
          502,
          {
            cause: err,
          },
        );
      }
    }
    const rest = this.handshakeBuffer.subarray(head.length);
    this.handshakeBuffer = EMPTY;
    this.stateValue = 'open';
    this.handler.open?.({
      protocol,
      extensions: extensions.map(formatExtension).join(', '),
      headers,
    });
    if (rest.length > 0) this.receiveFrames(rest);
  }

  // ---------------------------------------------------------------- opening handshake, server

  private receiveRequest(): void {
    if (this.pendingRequest !== null) return; // waiting for accept()/reject()
    const head = parseHead(this.handshakeBuffer, this.maxHandshakeSize, true);
    if (head === null) return;
    const [method, path, version] = head.startLine;
    validateClientRequest(method, version, head.headers);
    let extensions: ExtensionOffer[];
    try {
      extensions = parseExtensions(head.headers.get('sec-websocket-extensions') ?? '');
    } catch (err) {
      throw new HandshakeError('malformed Sec-WebSocket-Extensions', 400, { cause: err });
    }
    const request: HandshakeRequest = {
      method,
      path,
      headers: head.headers,
      protocols: splitList(head.headers.get('sec-websocket-protocol')),
      extensions,
    };
    this.clientKey = head.headers.get('sec-websocket-key')!;
    // Frames may follow the request in the same read; keep them until accept().
    this.handshakeBuffer = this.handshakeBuffer.subarray(head.length);
    this.pendingRequest = request;
    if (this.handler.request) {
      this.handler.request(request);
    } else {
      const protocol = this.serverProtocols.find((p) => request.protocols.includes(p)) ?? null;
      this.accept({ protocol });
    }
  }

  /** Server: accept the pending request (§4.2.2) and start exchanging frames. */
  accept(opts: AcceptOptions = {}): void {
    const request = this.pendingRequest;
    if (this.role !== 'server' || request === null || this.stateValue !== 'connecting') {
      throw new InvalidStateError('there is no handshake request to accept');
    }
    const protocol = opts.protocol ?? null;
    if (protocol !== null && !request.protocols.includes(protocol)) {
      throw new InvalidStateError(`subprotocol ${protocol} was not offered by the client`);
    }
    const headers: Array<[string, string]> = [
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Accept', acceptKey(this.clientKey)],
    ];
    if (protocol !== null) headers.push(['Sec-WebSocket-Protocol', protocol]);
    let extensionText = '';
    if (this.deflateOptions) {
      const chosen = negotiateServer(request.extensions, this.deflateOptions);
      if (chosen) {
        this.deflate = new PerMessageDeflate(chosen.params, 'server', this.deflateOptions);
        extensionText = formatExtension(chosen.response);
        headers.push(['Sec-WebSocket-Extensions', extensionText]);
      }
    }
    headers.push(...headerEntries(opts.headers));
    this.handler.write(writeHead('HTTP/1.1 101 Switching Protocols', headers));
    this.pendingRequest = null;
    this.stateValue = 'open';
    const rest = this.handshakeBuffer;
    this.handshakeBuffer = EMPTY;
    this.handler.open?.({
      protocol: protocol ?? '',
      extensions: extensionText,
      headers: request.headers,
      path: request.path,
    });
    if (rest.length > 0 && this.stateValue === 'open') this.receiveFrames(rest);
  }

  /** Server: refuse the pending request with an HTTP error response. */
  reject(status = 403, reason = 'Forbidden', headers?: Record<string, string>): void {
    if (this.role !== 'server' || this.stateValue !== 'connecting') {
      throw new InvalidStateError('there is no handshake request to reject');
    }
    this.pendingRequest = null;
    this.failHandshake(
      new HandshakeError(`handshake rejected: ${status} ${reason}`, status),
      headers,
    );
  }

  private failHandshake(err: HandshakeError, extraHeaders?: Record<string, string>): void {
    if (this.role === 'server') {
      const body = encoder.encode(`${err.message}\n`);
      const headers: Array<[string, string]> = [
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-Length', String(body.length)],
        ['Connection', 'close'],
      ];
      // §4.2.2: tell the client which version we speak.
      if (err.status === 426) headers.push(['Sec-WebSocket-Version', '13']);
      headers.push(...headerEntries(extraHeaders));
      const reason = STATUS_TEXT[err.status] ?? 'Error';
      this.handler.write(writeHead(`HTTP/1.1 ${err.status} ${reason}`, headers));
      this.handler.write(body);
    }
    this.finish({
      code: CloseCode.ProtocolError,
      reason: err.message,
      wasClean: false,
      error: err,
    });
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Feed bytes read from the transport. `null` means the transport closed: without a closing
   * handshake that is an abnormal closure (1006).
   */
  receiveData(data: Uint8Array | null): void {
    if (data === null) {
      if (this.stateValue !== 'closed') {
        this.finish({
          code: CloseCode.Abnormal,
          reason: '',
          wasClean: false,
          error: new ConnectionLostError(),
        });
      }
      return;
    }
    if (data.length === 0 || this.stateValue === 'closed') return;
    if (this.stateValue === 'connecting') {
      this.handshakeBuffer = concat2(this.handshakeBuffer, data);
      try {
        if (this.role === 'client') this.receiveResponse();
        else this.receiveRequest();
      } catch (err) {
        if (err instanceof HandshakeError) this.failHandshake(err);
        else throw err;
      }
      return;
    }
    this.receiveFrames(data);
  }

  private receiveFrames(data: Uint8Array): void {
    this.chunks.push(data);
    this.buffered += data.length;
    try {
      this.parseFrames();
    } catch (err) {
      if (isWebSocketError(err)) this.fail(err);
      else this.fail(new InternalError('unexpected failure while reading frames', { cause: err }));
    }
  }

  private parseFrames(): void {
    while (this.stateValue === 'open' || this.stateValue === 'closing') {
      switch (this.parse) {
        case Parse.Header: {
          if (this.buffered < 2) return;
          const b0 = this.readByte();
          const b1 = this.readByte();
          this.startFrame(b0, b1);
          break;
        }
        case Parse.Length16: {
          if (this.buffered < 2) return;
          this.payloadLength = (this.readByte() << 8) | this.readByte();
          // §5.2: the minimal encoding is the sender's duty; we accept longer forms.
          this.afterLength();
          break;
        }
        case Parse.Length64: {
          if (this.buffered < 8) return;
          const hi =
            (this.readByte() << 24) |
            (this.readByte() << 16) |
            (this.readByte() << 8) |
            this.readByte();
          const lo =
            ((this.readByte() << 24) |
              (this.readByte() << 16) |
              (this.readByte() << 8) |
              this.readByte()) >>>
            0;
          // §5.2: the most significant bit MUST be 0.
          if (hi < 0)
            throw new ProtocolError('64-bit payload length has its most significant bit set');
          this.payloadLength = hi * 2 ** 32 + lo;
          this.afterLength();
          break;
        }
        case Parse.MaskKey: {
          if (this.buffered < 4) return;
          for (let i = 0; i < 4; i++) this.maskKey[i] = this.readByte();
          this.beginPayload();
          break;
        }
        case Parse.Payload: {
          if (!this.readPayload()) return;
          this.parse = Parse.Header;
          this.endFrame();
          break;
        }
      }
    }
  }

  private readByte(): number {
    const chunk = this.chunks[0]!;
    const b = chunk[this.headOffset++]!;
    this.buffered--;
    if (this.headOffset === chunk.length) {
      this.chunks.shift();
      this.headOffset = 0;
    }
    return b;
  }

  /** §5.2 header checks that need only the first two bytes. */
  private startFrame(b0: number, b1: number): void {
    this.fin = (b0 & 0x80) !== 0;
    this.rsv1 = (b0 & 0x40) !== 0;
    this.opcode = b0 & 0x0f;
    this.masked = (b1 & 0x80) !== 0;
    const len = b1 & 0x7f;
    // §5.2: RSV2/RSV3 need an extension that defines them; we negotiate none.
    if ((b0 & 0x30) !== 0)
      throw new ProtocolError('reserved bits RSV2/RSV3 set without a negotiated extension');
    const op = this.opcode;
    if (op > Opcode.Binary && op < Opcode.Close)
      throw new ProtocolError(`reserved data opcode 0x${op.toString(16)}`);
    if (op > Opcode.Pong) throw new ProtocolError(`reserved control opcode 0x${op.toString(16)}`);
    if (isControl(op)) {
      // §5.5: control frames are never fragmented and carry at most 125 bytes.
      if (!this.fin) throw new ProtocolError('fragmented control frame');
      if (len > MAX_CONTROL_PAYLOAD)
        throw new ProtocolError('control frame payload longer than 125 bytes');
      // RFC 7692 §6.1: RSV1 is only meaningful on the first frame of a data message.
      if (this.rsv1) throw new ProtocolError('RSV1 set on a control frame');
    } else if (op === Opcode.Continuation) {
      if (this.messageOpcode === 0)
        throw new ProtocolError('continuation frame without a message in progress');
      if (this.rsv1) throw new ProtocolError('RSV1 set on a continuation frame');
    } else {
      if (this.messageOpcode !== 0)
        throw new ProtocolError('new data frame before the fragmented message finished');
      if (this.rsv1 && this.deflate === null)
        throw new ProtocolError('RSV1 set without permessage-deflate');
    }
    // §5.1: clients mask, servers do not.
    if (this.role === 'server' && !this.masked)
      throw new ProtocolError('client frame is not masked');
    if (this.role === 'client' && this.masked) throw new ProtocolError('server frame is masked');
    this.payloadLength = len;
    if (len === 126) this.parse = Parse.Length16;
    else if (len === 127) this.parse = Parse.Length64;
    else this.afterLength();
  }

  private afterLength(): void {
    if (this.payloadLength > this.maxFrameSize) {
      throw new MessageTooBigError(
        `frame payload of ${this.payloadLength} bytes exceeds the ${this.maxFrameSize}-byte limit`,
        this.maxFrameSize,
      );
    }
    if (
      !isControl(this.opcode) &&
      !this.isMessageCompressed() &&
      this.messageSize + this.payloadLength > this.maxMessageSize
    ) {
      throw new MessageTooBigError(
        `message exceeds the ${this.maxMessageSize}-byte limit`,
        this.maxMessageSize,
      );
    }
    if (this.masked) this.parse = Parse.MaskKey;
    else this.beginPayload();
  }

  private isMessageCompressed(): boolean {
    return this.opcode === Opcode.Continuation ? this.messageCompressed : this.rsv1;
  }

  private beginPayload(): void {
    this.parse = Parse.Payload;
    this.payloadFilled = 0;
    this.textCheckedTo = 0;
    if (!isControl(this.opcode)) {
      if (this.opcode !== Opcode.Continuation) {
        this.messageOpcode = this.opcode;
        this.messageCompressed = this.rsv1;
        this.messageSize = 0;
        this.messageText = this.opcode === Opcode.Text;
        this.validator = null;
      }
    }
    this.payload = EMPTY;
  }

  /**
   * Moves available payload bytes out of the input queue. Returns true once the frame's payload
   * is complete. Uncompressed text is validated as it arrives so invalid UTF-8 fails the
   * connection without waiting for the rest of the frame (§8.1 "fail fast").
   */
  private readPayload(): boolean {
    const need = this.payloadLength - this.payloadFilled;
    const first = this.chunks[0];
    // Fast path: the whole payload sits in the first chunk; take a view, unmask in place.
    if (this.payloadFilled === 0 && first !== undefined && first.length - this.headOffset >= need) {
      const view = first.subarray(this.headOffset, this.headOffset + need);
      this.headOffset += need;
      this.buffered -= need;
      if (this.headOffset === first.length) {
        this.chunks.shift();
        this.headOffset = 0;
      }
      if (this.masked && need > 0) this.accel.mask(view, 0, this.maskKey, 0, view, 0, need);
      this.payload = view;
      this.payloadFilled = need;
      return true;
    }
    // Every byte is written below before the payload is used, so `allocate` need not zero.
    if (this.payload.length !== this.payloadLength)
      this.payload = this.allocate(this.payloadLength);
    while (this.payloadFilled < this.payloadLength && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const take = Math.min(
        chunk.length - this.headOffset,
        this.payloadLength - this.payloadFilled,
      );
      if (this.masked) {
        this.accel.mask(
          chunk,
          this.headOffset,
          this.maskKey,
          this.payloadFilled & 3,
          this.payload,
          this.payloadFilled,
          take,
        );
      } else {
        this.payload.set(
          chunk.subarray(this.headOffset, this.headOffset + take),
          this.payloadFilled,
        );
      }
      this.payloadFilled += take;
      this.headOffset += take;
      this.buffered -= take;
      if (this.headOffset === chunk.length) {
        this.chunks.shift();
        this.headOffset = 0;
      }
    }
    const complete = this.payloadFilled === this.payloadLength;
    if (!complete && this.messageText && !this.isMessageCompressed() && !isControl(this.opcode)) {
      if (!this.textValidator().update(this.payload, this.textCheckedTo, this.payloadFilled)) {
        throw new InvalidPayloadError('text message is not valid UTF-8');
      }
      this.textCheckedTo = this.payloadFilled;
    }
    return complete;
  }

  private endFrame(): void {
    const payload = this.payload;
    this.payload = EMPTY;
    if (isControl(this.opcode)) {
      this.controlFrame(this.opcode, payload);
      return;
    }
    let data: Uint8Array[];
    if (this.messageCompressed) {
      const remaining = this.maxMessageSize - this.messageSize;
      try {
        data = this.deflate!.decompress(payload, this.fin, remaining);
      } catch (err) {
        if (isWebSocketError(err)) throw err;
        throw new ProtocolError('invalid compressed data', { cause: err });
      }
    } else {
      data = payload.length > 0 ? [payload] : [];
    }
    if (this.fin && this.fragments.length === 0 && data.length <= 1) {
      // The common case: the whole message is this frame's one piece (or nothing).
      const message = data.length === 1 ? data[0]! : EMPTY;
      this.messageSize += message.length;
      if (this.messageSize > this.maxMessageSize) {
        throw new MessageTooBigError(
          `message exceeds the ${this.maxMessageSize}-byte limit`,
          this.maxMessageSize,
        );
      }
      if (this.messageText) this.checkLastText(message);
      this.deliver(message);
      return;
    }
    for (const piece of data) {
      this.messageSize += piece.length;
      if (this.messageSize > this.maxMessageSize) {
        throw new MessageTooBigError(
          `message exceeds the ${this.maxMessageSize}-byte limit`,
          this.maxMessageSize,
        );
      }
      if (this.messageText) {
        const start = this.messageCompressed ? 0 : this.textCheckedTo;
        if (!this.textValidator().update(piece, start, piece.length)) {
          throw new InvalidPayloadError('text message is not valid UTF-8');
        }
      }
      this.fragments.push(piece);
    }
    if (!this.fin) return;
    if (this.validator !== null && !this.validator.finish()) {
      throw new InvalidPayloadError('text message ends inside a UTF-8 sequence');
    }
    const message =
      this.fragments.length === 1
        ? this.fragments[0]!
        : concatAll(this.fragments, this.messageSize);
    this.fragments = [];
    this.deliver(message);
  }

  private textValidator(): Utf8Validator {
    if (this.validator === null) this.validator = this.accel.createUtf8Validator();
    return this.validator;
  }

  /**
   * UTF-8 check (§8.1) of the last piece of a text message whose earlier pieces, if any, went
   * through the incremental validator: one bulk call when there were none. On failure the
   * incremental validator names the fault, so the close reasons match the piecewise path.
   */
  private checkLastText(piece: Uint8Array): void {
    const start = this.messageCompressed ? 0 : this.textCheckedTo;
    if (this.validator === null && this.accel.isUtf8(piece, start, piece.length)) return;
    const v = this.textValidator();
    if (!v.update(piece, start, piece.length))
      throw new InvalidPayloadError('text message is not valid UTF-8');
    if (!v.finish()) throw new InvalidPayloadError('text message ends inside a UTF-8 sequence');
  }

  private deliver(message: Uint8Array): void {
    const binary = this.messageOpcode === Opcode.Binary;
    this.messageOpcode = 0;
    this.messageCompressed = false;
    this.messageSize = 0;
    this.messageText = false;
    this.validator = null;
    this.handler.message?.(binary ? message : decoder.decode(message), binary);
  }

  private controlFrame(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Ping) {
      // The payload may be a view of the transport's buffer; copy before handing it on.
      const copy = payload.slice();
      if (this.autoPong && !this.closeSent) this.writeFrame(true, false, Opcode.Pong, copy);
      this.handler.ping?.(copy);
      return;
    }
    if (opcode === Opcode.Pong) {
      this.handler.pong?.(payload.slice());
      return;
    }
    // Close (§5.5.1): optional 2-byte code, then a UTF-8 reason.
    let code: number = CloseCode.NoStatus;
    let reason = '';
    if (payload.length === 1) throw new ProtocolError('close frame with a 1-byte payload');
    if (payload.length >= 2) {
      code = (payload[0]! << 8) | payload[1]!;
      if (!isValidWireCloseCode(code)) throw new ProtocolError(`invalid close code ${code}`);
      if (!this.accel.isUtf8(payload, 2, payload.length))
        throw new InvalidPayloadError('close reason is not valid UTF-8');
      reason = decoder.decode(payload.subarray(2));
    }
    if (!this.closeSent) {
      // §5.5.1: answer with a Close frame, echoing the status code.
      this.stateValue = 'closing';
      this.sendClose(code === CloseCode.NoStatus ? null : code, '');
      this.handler.closing?.(code, reason);
    }
    this.finish({ code, reason, wasClean: true });
  }

  // ---------------------------------------------------------------- sending

  /** Send a whole message. Strings go as text, bytes as binary unless `opts.binary` says otherwise. */
  send(data: string | Uint8Array, opts: SendOptions = {}): void {
    this.assertCanSend();
    if (this.sendingFragmented) throw new InvalidStateError('a fragmented message is being sent');
    const binary = opts.binary ?? typeof data !== 'string';
    const opcode = binary ? Opcode.Binary : Opcode.Text;
    const te = this.textEncoding;
    if (typeof data === 'string' && te !== null) {
      // Text goes straight into the frame when it is sent whole and uncompressed.
      const length = te.byteLength(data);
      if (
        (this.fragmentSize <= 0 || length <= this.fragmentSize) &&
        (this.deflate === null || opts.compress === false || length < this.deflate.threshold)
      ) {
        this.writeTextFrame(opcode, data, length);
        return;
      }
    }
    const bytes = typeof data === 'string' ? this.encodeText(data) : data;
    let payload = bytes;
    let compressed = false;
    if (
      this.deflate !== null &&
      opts.compress !== false &&
      bytes.length >= this.deflate.threshold
    ) {
      try {
        payload = this.deflate.compress(bytes);
      } catch (err) {
        this.fail(new InternalError('compression failed', { cause: err }));
        return;
      }
      compressed = true;
    }
    const size = this.fragmentSize;
    if (size <= 0 || payload.length <= size) {
      this.writeFrame(true, compressed, opcode, payload);
      return;
    }
    for (let off = 0; off < payload.length; off += size) {
      const end = Math.min(off + size, payload.length);
      this.writeFrame(
        end === payload.length,
        compressed && off === 0,
        off === 0 ? opcode : Opcode.Continuation,
        payload.subarray(off, end),
      );
    }
  }

  /**
   * Send one fragment of a message (§5.4); the first call picks text or binary, `fin` ends the
   * message. Fragments are sent uncompressed. Control frames may be sent in between.
   */
  sendFragment(data: string | Uint8Array, fin: boolean, binary = typeof data !== 'string'): void {
    this.assertCanSend();
    const bytes = typeof data === 'string' ? this.encodeText(data) : data;
    const opcode = this.sendingFragmented
      ? Opcode.Continuation
      : binary
        ? Opcode.Binary
        : Opcode.Text;
    this.sendingFragmented = !fin;
    this.writeFrame(fin, false, opcode, bytes);
  }

  /** Sends a Ping frame (RFC 6455 §5.5.2); the payload is at most 125 bytes. */
  ping(payload: Uint8Array | string = EMPTY): void {
    this.assertCanSend();
    this.writeFrame(true, false, Opcode.Ping, controlPayload(payload));
  }

  /** Sends an unsolicited Pong frame (RFC 6455 §5.5.3), e.g. as a heartbeat. */
  pong(payload: Uint8Array | string = EMPTY): void {
    this.assertCanSend();
    this.writeFrame(true, false, Opcode.Pong, controlPayload(payload));
  }

  /**
   * Start the closing handshake (§7.1.2). `code` must be sendable (1000-1003, 1007-1014,
   * 3000-4999); the reason is at most 123 bytes of UTF-8. Without a code, the frame is empty.
   */
  close(code: number | null = CloseCode.Normal, reason = ''): void {
    if (this.stateValue === 'closed' || this.closeSent) return;
    if (this.stateValue === 'connecting') {
      if (this.role === 'server' && this.pendingRequest !== null)
        this.reject(503, 'Service Unavailable');
      else
        this.finish({
          code: CloseCode.Abnormal,
          reason: '',
          wasClean: false,
          error: new ConnectionLostError('closed before the handshake completed'),
        });
      return;
    }
    if (code !== null && !isValidWireCloseCode(code))
      throw new RangeError(`close code ${code} cannot be sent`);
    if (code === null && reason !== '') throw new RangeError('a close reason needs a close code');
    // §5.5: check the reason before any state change, so a refused close leaves us open.
    if (encoder.encode(reason).length > 123)
      throw new RangeError('close reason longer than 123 bytes');
    this.stateValue = 'closing';
    this.sendClose(code, reason);
  }

  /**
   * Fail the connection (§7.1.7): send a Close frame with the error's code when we still can,
   * then report the connection as closed.
   */
  fail(err: WebSocketError): void {
    if (this.stateValue === 'closed') return;
    if (this.stateValue === 'connecting') {
      this.finish({ code: err.code, reason: err.message, wasClean: false, error: err });
      return;
    }
    if (!this.closeSent) this.sendClose(err.code, truncateUtf8(err.message, 123));
    this.finish({ code: err.code, reason: err.message, wasClean: false, error: err });
  }

  private sendClose(code: number | null, reason: string): void {
    this.closeSent = true;
    if (code === null) {
      this.writeFrame(true, false, Opcode.Close, EMPTY);
      return;
    }
    const text = encoder.encode(reason);
    if (text.length > 123) throw new RangeError('close reason longer than 123 bytes');
    const payload = new Uint8Array(2 + text.length);
    payload[0] = code >>> 8;
    payload[1] = code & 0xff;
    payload.set(text, 2);
    this.writeFrame(true, false, Opcode.Close, payload);
  }

  private assertCanSend(): void {
    if (this.stateValue !== 'open') {
      throw new InvalidStateError(`cannot send while the connection is ${this.stateValue}`);
    }
  }

  private encodeText(text: string): Uint8Array {
    const te = this.textEncoding;
    if (te === null) return encoder.encode(text);
    const out = this.allocate(te.byteLength(text));
    te.encodeInto(text, out, 0);
    return out;
  }

  /** One final, uncompressed frame with `text` encoded in place; clients mask it (§5.3). */
  private writeTextFrame(opcode: number, text: string, length: number): void {
    let key: Uint8Array | null = null;
    if (this.role === 'client') {
      if (this.sendKey === null) this.sendKey = new Uint8Array(4);
      key = this.sendKey;
      fillMaskKey(key);
    }
    const hsize = headerSize(length, key !== null);
    const out = this.allocate(hsize + length);
    writeHeader(out, true, false, opcode, length, key);
    this.textEncoding!.encodeInto(text, out, hsize);
    if (key !== null && length > 0) this.accel.mask(out, hsize, key, 0, out, hsize, length);
    this.handler.write(out);
  }

  /** Frames and writes a payload; clients mask with a fresh key (§5.3). */
  private writeFrame(fin: boolean, rsv1: boolean, opcode: number, payload: Uint8Array): void {
    const length = payload.length;
    if (this.role === 'client') {
      if (this.sendKey === null) this.sendKey = new Uint8Array(4);
      const key = this.sendKey;
      fillMaskKey(key);
      const hsize = headerSize(length, true);
      const out = this.allocate(hsize + length);
      writeHeader(out, fin, rsv1, opcode, length, key);
      if (length > 0) this.accel.mask(payload, 0, key, 0, out, hsize, length);
      this.handler.write(out);
      return;
    }
    const hsize = headerSize(length, false);
    // Small frames go out as one buffer; large ones as header + payload to avoid a copy.
    if (length <= 16384) {
      const out = this.allocate(hsize + length);
      writeHeader(out, fin, rsv1, opcode, length, null);
      out.set(payload, hsize);
      this.handler.write(out);
    } else {
      const header = this.allocate(hsize);
      writeHeader(header, fin, rsv1, opcode, length, null);
      this.handler.write(header);
      this.handler.write(payload);
    }
  }

  private finish(info: CloseInfo): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.chunks = [];
    this.buffered = 0;
    this.fragments = [];
    this.deflate?.close();
    this.handler.closed(info);
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

function isWebSocketError(err: unknown): err is WebSocketError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as WebSocketError).code === 'number' &&
    err instanceof Error
  );
}

function headerEntries(
  h: Record<string, string> | Iterable<[string, string]> | undefined,
): Array<[string, string]> {
  if (h === undefined) return [];
  if (Symbol.iterator in h) return [...(h as Iterable<[string, string]>)];
  return Object.entries(h);
}

function controlPayload(payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === 'string' ? encoder.encode(payload) : payload;
  if (bytes.length > MAX_CONTROL_PAYLOAD)
    throw new RangeError('control frame payload longer than 125 bytes');
  return bytes;
}

function concat2(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function concatAll(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Cuts a string to at most `max` UTF-8 bytes without splitting a code point. */
function truncateUtf8(text: string, max: number): string {
  let bytes = encoder.encode(text);
  if (bytes.length <= max) return text;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  bytes = bytes.subarray(0, end);
  return decoder.decode(bytes);
}
