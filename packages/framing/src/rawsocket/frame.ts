/**
 * RawSocket framing (spec advanced/transport_rawsocket.md, "Framing"): a 4-octet prefix
 * `RRRR XTTT LLLL LLLL LLLL LLLL LLLL LLLL` before each transport message. `TTT` is the type
 * (0 WAMP message, 1 PING, 2 PONG, 3-7 reserved), the 24 `L` bits the payload length, and `X`
 * a 25th length bit set only for a payload of exactly 2**24 octets (with all `L` bits clear).
 */
import { ByteQueue } from './byte-queue.js';
import { FRAME_HEADER_LENGTH, FrameType, MAX_MAX_LENGTH } from './constants.js';
import { RawSocketMessageTooBigError, RawSocketProtocolError } from './errors.js';

/** One decoded RawSocket frame: a WAMP message, a PING or a PONG. */
export interface Frame {
  readonly type: FrameType;
  readonly payload: Uint8Array;
}

const TYPE_NAME: Record<number, string> = { 0: 'message', 1: 'PING', 2: 'PONG' };

/** The 4-octet prefix of a frame of `type` carrying `length` payload octets (0 .. 2**24). */
export function encodeFrameHeader(type: FrameType, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_MAX_LENGTH) {
    throw new RangeError(`RawSocket payload length must be 0..2^24, got ${length}`);
  }
  if (length === MAX_MAX_LENGTH) return Uint8Array.of(0x08 | type, 0, 0, 0);
  return Uint8Array.of(type, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

/** A whole frame (prefix + payload) in one array. */
export function encodeFrame(type: FrameType, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_LENGTH + payload.length);
  out.set(encodeFrameHeader(type, payload.length), 0);
  out.set(payload, FRAME_HEADER_LENGTH);
  return out;
}

/**
 * Parses a frame prefix. Throws RawSocketProtocolError for reserved bits, reserved types or
 * an `X` bit with non-zero `L` bits; RawSocketMessageTooBigError when the length exceeds `limit`.
 */
export function parseFrameHeader(
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  limit: number,
): { type: FrameType; length: number } {
  if ((b0 & 0xf0) !== 0) {
    throw new RawSocketProtocolError(
      `RawSocket frame uses reserved bits (first octet 0x${b0.toString(16).padStart(2, '0')})`,
    );
  }
  const type = b0 & 0x07;
  if (type > FrameType.Pong) {
    throw new RawSocketProtocolError(`RawSocket frame has reserved message type ${type}`);
  }
  const low = (b1 << 16) | (b2 << 8) | b3;
  let length = low;
  if ((b0 & 0x08) !== 0) {
    if (low !== 0) {
      throw new RawSocketProtocolError(
        'RawSocket frame sets the 25th length bit with non-zero length bits',
      );
    }
    length = MAX_MAX_LENGTH;
  }
  if (length > limit) {
    throw new RawSocketMessageTooBigError(
      `RawSocket ${TYPE_NAME[type]} of ${length} octets exceeds the negotiated maximum of ${limit}`,
      length,
      limit,
    );
  }
  return { type: type as FrameType, length };
}

/**
 * Incremental frame parser: push bytes in, take whole frames out. Buffers at most one frame
 * (prefix + `limit` octets) plus what the last push delivered beyond it.
 */
export class FrameReader {
  private readonly queue = new ByteQueue();
  private header: { type: FrameType; length: number } | null = null;

  constructor(private limit: number) {}

  /** Changes the receive limit (the one negotiated in the handshake). */
  setLimit(limit: number): void {
    this.limit = limit;
  }

  /** Buffered octets not yet returned as frames. */
  get buffered(): number {
    return this.queue.length;
  }

  /** Appends received octets. */
  push(bytes: Uint8Array): void {
    this.queue.push(bytes);
  }

  /** The next complete frame, or null when more bytes are needed. Throws on a bad prefix. */
  next(): Frame | null {
    if (this.header === null) {
      if (this.queue.length < FRAME_HEADER_LENGTH) return null;
      const q = this.queue;
      this.header = parseFrameHeader(q.peek(0), q.peek(1), q.peek(2), q.peek(3), this.limit);
      q.take(FRAME_HEADER_LENGTH);
    }
    if (this.queue.length < this.header.length) return null;
    const frame = { type: this.header.type, payload: this.queue.take(this.header.length) };
    this.header = null;
    return frame;
  }

  /** True when bytes of an unfinished frame are buffered. */
  get midFrame(): boolean {
    return this.header !== null || this.queue.length > 0;
  }

  /** Drops every buffered octet and any half-read frame. */
  clear(): void {
    this.queue.clear();
    this.header = null;
  }
}
