/**
 * Sans-IO WAMP-over-RawSocket connection (spec advanced/transport_rawsocket.md): bytes in
 * (`receiveData`), events and bytes out (the handler), in the client or the router role. It
 * does no I/O and owns no timers: the transport ends the socket when `closed` fires and runs
 * keepalive timers around `ping` / the `pong` event.
 */

import { ByteQueue } from './byte-queue.js';
import {
  exponentForLength,
  FrameType,
  HANDSHAKE_LENGTH,
  HandshakeErrorCode,
  lengthOfExponent,
  MIN_MAX_LENGTH,
  SerializerId,
} from './constants.js';
import {
  RawSocketConnectionLostError,
  type RawSocketError,
  RawSocketHandshakeError,
  RawSocketMessageTooBigError,
  RawSocketRefusedError,
  RawSocketStateError,
} from './errors.js';
import { encodeFrame, encodeFrameHeader, FrameReader } from './frame.js';
import {
  encodeHandshakeError,
  encodeHandshakeRequest,
  type HandshakeRequest,
  parseHandshakeReply,
  parseHandshakeRequest,
} from './handshake.js';

export type RawSocketRole = 'client' | 'router';
export type RawSocketState = 'idle' | 'handshake' | 'open' | 'closed';

export interface RawSocketOpenInfo {
  /** The negotiated `SERIALIZER` value. */
  readonly serializer: number;
  /** Longest message we accept (what we announced), octets. */
  readonly maxReceiveLength: number;
  /** Longest message the peer accepts (what it announced), octets. */
  readonly maxSendLength: number;
}

export interface RawSocketCloseInfo {
  /** 'remote': the peer ended the byte stream; 'local': `close()`, `fail()` or a fault we found. */
  readonly initiator: 'local' | 'remote';
  /** Why the connection failed; absent for an orderly end. */
  readonly error?: RawSocketError;
}

export interface RawSocketHandler {
  /** Bytes to send to the peer, in order. */
  write(bytes: Uint8Array): void;
  /**
   * Router role: a valid handshake request arrived for a serializer we support. Return an error
   * code (e.g. 4, maximum connection count reached) to refuse it, or undefined to accept.
   */
  request?(request: HandshakeRequest): number | undefined;
  /** The handshake completed; messages can flow. */
  open?(info: RawSocketOpenInfo): void;
  /** One transport message of type 0 (a serialized WAMP message). */
  message(payload: Uint8Array): void;
  /** A PING arrived (answered automatically unless `autoPong` is false). */
  ping?(payload: Uint8Array): void;
  /** A PONG arrived. */
  pong?(payload: Uint8Array): void;
  /** The connection is over (called once); the transport ends the socket after flushing. */
  closed(info: RawSocketCloseInfo): void;
}

export interface RawSocketOptions {
  /**
   * Longest message we accept, octets (default and maximum 16 MiB). The handshake can only
   * express powers of two from 512 B, so the announced (and enforced) limit is this value
   * rounded down to one, and at least 512.
   */
  maxMessageLength?: number;
  /** Client role: the serializer to request (1 json, 2 msgpack, 3 cbor, 4 ubjson, 5 flatbuffers). */
  serializer?: number;
  /** Router role: the serializers we speak (default: all five). */
  serializers?: readonly number[];
  /**
   * Router role: refuse clients that accept less than this many octets per message with
   * error 2 (maximum message length unacceptable). Default 512 (accept every client).
   */
  minPeerMaxLength?: number;
  /** Answer every PING with a PONG echoing its payload (spec: MUST). Default true. */
  autoPong?: boolean;
}

/** Writes larger than this go out as prefix + payload (two writes) instead of one copy. */
const COALESCE_LIMIT = 64 * 1024;

export class RawSocketConnection {
  private stateValue: RawSocketState = 'idle';
  private readonly handshakeBytes = new ByteQueue();
  private readonly reader: FrameReader;
  private readonly receiveExponent: number;
  private readonly requestedSerializer: number;
  private readonly accepted: ReadonlySet<number>;
  private readonly minPeerMaxLength: number;
  private readonly autoPong: boolean;
  private negotiated: RawSocketOpenInfo | null = null;
  /** Set while feeding the handler, so re-entrant receiveData calls are queued. */
  private delivering = false;

  constructor(
    readonly role: RawSocketRole,
    private readonly handler: RawSocketHandler,
    options: RawSocketOptions = {},
  ) {
    this.receiveExponent = exponentForLength(options.maxMessageLength ?? 2 ** 24);
    this.reader = new FrameReader(lengthOfExponent(this.receiveExponent));
    this.requestedSerializer = options.serializer ?? SerializerId.json;
    this.accepted = new Set(options.serializers ?? Object.values(SerializerId));
    this.minPeerMaxLength = options.minPeerMaxLength ?? MIN_MAX_LENGTH;
    this.autoPong = options.autoPong ?? true;
    if (role === 'client') {
      // Validates the serializer id early (RangeError for 0 or > 15).
      encodeHandshakeRequest(this.requestedSerializer, this.receiveExponent);
    }
    if (role === 'router') this.stateValue = 'handshake';
  }

  get state(): RawSocketState {
    return this.stateValue;
  }

  /** What the handshake negotiated (null before it completed). */
  get info(): RawSocketOpenInfo | null {
    return this.negotiated;
  }

  /** Longest message we accept, octets (what we announce). */
  get maxReceiveLength(): number {
    return lengthOfExponent(this.receiveExponent);
  }

  /** Client role: sends the handshake request. */
  initiate(): void {
    if (this.role !== 'client' || this.stateValue !== 'idle') {
      throw new RawSocketStateError('initiate() is for a client that has not started');
    }
    this.stateValue = 'handshake';
    this.handler.write(encodeHandshakeRequest(this.requestedSerializer, this.receiveExponent));
  }

  /** Feeds bytes from the peer; `null` means the byte stream ended. */
  receiveData(bytes: Uint8Array | null): void {
    if (this.stateValue === 'closed') return;
    if (bytes === null) {
      this.streamEnded();
      return;
    }
    if (this.stateValue === 'idle') {
      this.fail(new RawSocketHandshakeError('data received before the client handshake was sent'));
      return;
    }
    if (this.stateValue === 'handshake') {
      this.handshakeBytes.push(bytes);
      if (this.handshakeBytes.length < HANDSHAKE_LENGTH) return;
      const hs = this.handshakeBytes.take(HANDSHAKE_LENGTH);
      const rest =
        this.handshakeBytes.length > 0
          ? this.handshakeBytes.take(this.handshakeBytes.length)
          : null;
      if (this.role === 'router') this.answerRequest(hs);
      else this.readReply(hs);
      if ((this.stateValue as RawSocketState) !== 'open' || rest === null) return;
      this.reader.push(rest);
    } else {
      this.reader.push(bytes);
    }
    this.deliver();
  }

  /** Sends one WAMP message. Throws RawSocketMessageTooBigError above the peer's limit. */
  send(payload: Uint8Array): void {
    this.sendFrame(FrameType.Message, payload);
  }

  /** Sends a PING; the peer answers with a PONG echoing `payload`. */
  ping(payload: Uint8Array = new Uint8Array(0)): void {
    this.sendFrame(FrameType.Ping, payload);
  }

  /** Sends a PONG (only needed with `autoPong: false`). */
  pong(payload: Uint8Array): void {
    this.sendFrame(FrameType.Pong, payload);
  }

  /** Ends the connection in order (RawSocket has no closing handshake: the stream just ends). */
  close(): void {
    if (this.stateValue === 'closed') return;
    this.finish({ initiator: 'local' });
  }

  /** Ends the connection because of `error` (a local decision, e.g. a keepalive timeout). */
  fail(error: RawSocketError): void {
    if (this.stateValue === 'closed') return;
    this.finish({ initiator: 'local', error });
  }

  // ---- internals -------------------------------------------------------------------------

  private sendFrame(type: FrameType, payload: Uint8Array): void {
    const info = this.negotiated;
    if (this.stateValue !== 'open' || info === null) {
      throw new RawSocketStateError(
        `cannot send on a RawSocket connection in state ${this.stateValue}`,
      );
    }
    // Spec "Serialization": the length MUST NOT exceed the maximum requested by the peer.
    if (payload.length > info.maxSendLength) {
      throw new RawSocketMessageTooBigError(
        `message of ${payload.length} octets exceeds the peer's maximum of ${info.maxSendLength}`,
        payload.length,
        info.maxSendLength,
      );
    }
    if (payload.length <= COALESCE_LIMIT) {
      this.handler.write(encodeFrame(type, payload));
    } else {
      this.handler.write(encodeFrameHeader(type, payload.length));
      this.handler.write(payload);
    }
  }

  /** Router role: checks the request and writes the success or error reply. */
  private answerRequest(bytes: Uint8Array): void {
    let request: HandshakeRequest;
    try {
      request = parseHandshakeRequest(bytes);
    } catch (e) {
      // Not a RawSocket peer (first octet is not 0x7F): fail without a reply.
      this.fail(e as RawSocketHandshakeError);
      return;
    }
    if (request.serializer === 0) {
      // Spec: serializer value 0 is illegal: fail the connection.
      this.fail(
        new RawSocketHandshakeError(
          'RawSocket handshake request uses the illegal serializer value 0',
        ),
      );
      return;
    }
    let code: number | undefined;
    if (request.reservedBitsUsed) code = HandshakeErrorCode.ReservedBitsUsed;
    else if (!this.accepted.has(request.serializer))
      code = HandshakeErrorCode.SerializerUnsupported;
    else if (request.maxLength < this.minPeerMaxLength)
      code = HandshakeErrorCode.MaxLengthUnacceptable;
    else code = this.handler.request?.(request);
    if (code !== undefined) {
      this.handler.write(encodeHandshakeError(code));
      this.fail(new RawSocketRefusedError(code));
      return;
    }
    this.handler.write(encodeHandshakeRequest(request.serializer, this.receiveExponent));
    this.opened(request.serializer, request.maxLength);
  }

  /** Client role: checks the router's reply. */
  private readReply(bytes: Uint8Array): void {
    try {
      const reply = parseHandshakeReply(bytes, this.requestedSerializer);
      this.opened(reply.serializer, reply.maxLength);
    } catch (e) {
      this.fail(e as RawSocketHandshakeError);
    }
  }

  private opened(serializer: number, maxSendLength: number): void {
    this.stateValue = 'open';
    this.negotiated = { serializer, maxReceiveLength: this.maxReceiveLength, maxSendLength };
    this.handler.open?.(this.negotiated);
  }

  /** Hands every complete frame to the handler; stops when the connection closes. */
  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.stateValue === 'open') {
        let frame: ReturnType<FrameReader['next']>;
        try {
          frame = this.reader.next();
        } catch (e) {
          this.fail(e as RawSocketError);
          return;
        }
        if (frame === null) return;
        if (frame.type === FrameType.Message) {
          this.handler.message(frame.payload);
        } else if (frame.type === FrameType.Ping) {
          // Spec: reply to each PING with exactly one PONG echoing its payload, immediately.
          if (this.autoPong) this.trySend(FrameType.Pong, frame.payload);
          this.handler.ping?.(frame.payload);
        } else {
          this.handler.pong?.(frame.payload);
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Sends a frame we owe the peer; one that cannot be sent fails the connection. */
  private trySend(type: FrameType, payload: Uint8Array): void {
    try {
      this.sendFrame(type, payload);
    } catch (e) {
      this.fail(e as RawSocketError);
    }
  }

  private streamEnded(): void {
    if (this.stateValue === 'open' && !this.reader.midFrame) {
      this.finish({ initiator: 'remote' });
      return;
    }
    const where =
      this.stateValue === 'open' ? 'in the middle of a frame' : 'during the opening handshake';
    this.finish({
      initiator: 'remote',
      error: new RawSocketConnectionLostError(`RawSocket connection lost ${where}`),
    });
  }

  private finish(info: RawSocketCloseInfo): void {
    this.stateValue = 'closed';
    this.reader.clear();
    this.handshakeBytes.clear();
    this.handler.closed(info);
  }
}
