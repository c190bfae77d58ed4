/**
 * The fuzzing peer: a WebSocket endpoint on a raw node:net socket that writes whatever bytes a
 * case wants (crafted, chopped, slowed) and records what the implementation under test does:
 * echoed messages, pings, pongs, its Close frame (code, reason) and the TCP close. It also checks
 * every frame it receives against RFC 6455 §5 (masking, reserved bits, opcodes, minimal length
 * encoding, control-frame rules) and RFC 7692 §6 (RSV1 only on the first frame of a message).
 */

import { randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  checkResponse,
  type Negotiated,
  type OfferSpec,
  offerToExtension,
  PeerCompressor,
  PeerDecompressor,
} from './deflate.js';
import {
  acceptFor,
  closePayload,
  encodeFrame,
  type FrameSpec,
  formatExtension,
  isValidUtf8,
  maskInPlace,
  Op,
  parseExtensionHeader,
  readHead,
} from './wire.js';

export type PeerEvent =
  | { kind: 'message'; binary: boolean; data: Buffer }
  | { kind: 'ping'; data: Buffer }
  | { kind: 'pong'; data: Buffer }
  | { kind: 'marker'; name: string };

export interface PeerTiming {
  /** How long a client-side peer waits for the server to drop TCP after the closing handshake. */
  tcpCloseWait: number;
}

export class RawPeer {
  readonly events: PeerEvent[] = [];
  readonly violations: string[] = [];
  /** The Close frame received from the implementation: code (null when empty) and reason. */
  closeReceived: { code: number | null; reason: string } | null = null;
  closeSent = false;
  /** We started the closing handshake (Autobahn's "closedByMe"). */
  closedByMe = false;
  tcpClosed = false;
  /** We had to drop the TCP connection ourselves although the other side should have. */
  droppedByMe = false;
  deflate: Negotiated | null = null;

  private chunks: Buffer[] = [];
  private buffered = 0;
  private msgOpcode = 0;
  private msgCompressed = false;
  private msgParts: Buffer[] = [];
  private compressor: PeerCompressor | null = null;
  private decompressor: PeerDecompressor | null = null;
  private waiters: Array<() => void> = [];
  private dropTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly socket: net.Socket,
    /** The peer's own role: 'client' tests our server, 'server' tests our client. */
    readonly role: 'client' | 'server',
    private readonly timing: PeerTiming,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {});
    socket.on('end', () => {
      // The other side closed its half; a server peer or a finished client closes too.
      socket.end();
    });
    socket.on('close', () => {
      this.tcpClosed = true;
      if (this.dropTimer) clearTimeout(this.dropTimer);
      this.notify();
    });
  }

  /** Whether the WebSocket is still open from the peer's view (Autobahn's STATE_OPEN). */
  get open(): boolean {
    return !this.tcpClosed && this.closeReceived === null && !this.closeSent;
  }

  setDeflate(params: Negotiated | null): void {
    this.deflate = params;
    if (params === null) return;
    const mineNoCtx =
      this.role === 'client' ? params.clientNoContextTakeover : params.serverNoContextTakeover;
    const mineBits =
      this.role === 'client' ? params.clientMaxWindowBits : params.serverMaxWindowBits;
    const theirNoCtx =
      this.role === 'client' ? params.serverNoContextTakeover : params.clientNoContextTakeover;
    this.compressor = new PeerCompressor(mineNoCtx, mineBits);
    this.decompressor = new PeerDecompressor(theirNoCtx);
  }

  // ------------------------------------------------------------------ receiving

  feed(data: Buffer): void {
    if (data.length > 0) this.receive(data);
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      this.parse();
    } catch (err) {
      this.violations.push(`peer failure: ${(err as Error).message}`);
      this.drop();
    }
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.chunks, n).subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.alloc(n);
      let pos = 0;
      while (pos < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - pos);
        c.copy(out, pos, 0, k);
        pos += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }

  private parse(): void {
    while (this.buffered >= 2) {
      const head = this.peek(Math.min(14, this.buffered));
      const b0 = head[0]!;
      const b1 = head[1]!;
      let len = b1 & 0x7f;
      let off = 2;
      if (len === 126) {
        if (head.length < 4) return;
        len = head.readUInt16BE(2);
        off = 4;
        if (len < 126) this.violations.push('non-minimal 16-bit length encoding (§5.2)');
      } else if (len === 127) {
        if (head.length < 10) return;
        const hi = head.readUInt32BE(2);
        if (hi >= 0x80000000) this.violations.push('64-bit length with MSB set (§5.2)');
        len = hi * 2 ** 32 + head.readUInt32BE(6);
        off = 10;
        if (len < 65536) this.violations.push('non-minimal 64-bit length encoding (§5.2)');
      }
      const masked = (b1 & 0x80) !== 0;
      if (masked) {
        if (head.length < off + 4) return;
        off += 4;
      }
      if (this.buffered < off + len) return;
      const frame = this.take(off + len);
      const payload = Buffer.from(frame.subarray(off));
      if (masked) maskInPlace(payload, frame.subarray(off - 4, off));
      this.onFrame((b0 & 0x80) !== 0, (b0 >> 4) & 7, b0 & 0x0f, masked, payload);
      if (this.tcpClosed) return;
    }
  }

  private onFrame(fin: boolean, rsv: number, opcode: number, masked: boolean, payload: Buffer) {
    if (this.closeReceived !== null) {
      this.violations.push(`frame (opcode ${opcode}) after the Close frame (§5.5.1)`);
      return;
    }
    // §5.1/§5.3: a client masks every frame, a server none.
    if (this.role === 'client' && masked) this.violations.push('server sent a masked frame');
    if (this.role === 'server' && !masked) this.violations.push('client sent an unmasked frame');
    if ((rsv & 3) !== 0) this.violations.push(`RSV2/RSV3 set (rsv=${rsv}) without extension`);
    const isControl = opcode >= 8;
    if ((rsv & 4) !== 0) {
      // RFC 7692 §6: RSV1 marks a compressed message, on its first frame only.
      if (this.deflate === null || isControl || opcode === Op.Continuation)
        this.violations.push(`RSV1 set on opcode ${opcode} (RFC 7692 §6)`);
    }
    if (isControl) {
      if (!fin) this.violations.push('fragmented control frame (§5.5)');
      if (payload.length > 125) this.violations.push('control frame over 125 bytes (§5.5)');
    }
    switch (opcode) {
      case Op.Ping:
        this.push({ kind: 'ping', data: payload });
        if (this.open) this.write(this.frame({ opcode: Op.Pong, payload }));
        return;
      case Op.Pong:
        this.push({ kind: 'pong', data: payload });
        return;
      case Op.Close:
        this.onClose(payload);
        return;
      case Op.Text:
      case Op.Binary:
        if (this.msgOpcode !== 0) this.violations.push('new message inside a fragmented one');
        this.msgOpcode = opcode;
        this.msgCompressed = (rsv & 4) !== 0;
        this.msgParts = [payload];
        break;
      case Op.Continuation:
        if (this.msgOpcode === 0) {
          this.violations.push('continuation frame without a message');
          return;
        }
        this.msgParts.push(payload);
        break;
      default:
        this.violations.push(`reserved opcode ${opcode}`);
        return;
    }
    if (!fin) return;
    let data = this.msgParts.length === 1 ? this.msgParts[0]! : Buffer.concat(this.msgParts);
    if (this.msgCompressed) {
      try {
        data = this.decompressor!.decompress(data);
      } catch (err) {
        this.violations.push(`compressed message does not inflate: ${(err as Error).message}`);
      }
    }
    const binary = this.msgOpcode === Op.Binary;
    if (!binary && !isValidUtf8(data)) this.violations.push('text message is not UTF-8 (§8.1)');
    this.msgOpcode = 0;
    this.msgParts = [];
    this.push({ kind: 'message', binary, data });
  }

  private onClose(payload: Buffer): void {
    let code: number | null = null;
    let reason = '';
    if (payload.length === 1) this.violations.push('Close frame with a 1-byte payload (§5.5.1)');
    if (payload.length >= 2) {
      code = payload.readUInt16BE(0);
      const okCode =
        (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
        (code >= 3000 && code <= 4999);
      if (!okCode) this.violations.push(`Close frame with code ${code} not allowed on the wire`);
      const r = payload.subarray(2);
      if (!isValidUtf8(r)) this.violations.push('Close reason is not UTF-8 (§5.5.1)');
      reason = r.toString('utf8');
    }
    this.closeReceived = { code, reason };
    if (!this.closeSent) {
      // §5.5.1: answer with a Close echoing the code.
      this.closeSent = true;
      this.write(this.frame({ opcode: Op.Close, payload: closePayload(code) }));
    }
    this.afterClosingHandshake();
    this.notify();
  }

  /** §7.1.1: the server closes TCP first; a client waits for it, then gives up and drops. */
  private afterClosingHandshake(): void {
    if (this.role === 'server') {
      this.socket.end();
      this.armDrop(false);
    } else {
      this.armDrop(true);
    }
  }

  private armDrop(countsAgainst: boolean): void {
    if (this.dropTimer || this.tcpClosed) return;
    this.dropTimer = setTimeout(() => {
      if (!this.tcpClosed) {
        if (countsAgainst) this.droppedByMe = true;
        this.socket.destroy();
      }
    }, this.timing.tcpCloseWait);
  }

  private push(ev: PeerEvent): void {
    this.events.push(ev);
    this.notify();
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `cond` holds (checked on every event) or after `timeoutMs`; returns `cond()`. */
  waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
    if (cond()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(cond());
      }, timeoutMs);
      const check = (): void => {
        if (cond()) {
          clearTimeout(timer);
          resolve(true);
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  // ------------------------------------------------------------------ sending

  /** Encodes a frame, masked when we are the client (override with `mask`). */
  frame(spec: FrameSpec): Buffer {
    return encodeFrame({ mask: this.role === 'client', ...spec });
  }

  write(bytes: Buffer): void {
    if (!this.tcpClosed && !this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  /**
   * Writes `bytes` in pieces of `chop` bytes; between pieces waits `delayMs` (0: one event-loop
   * turn), so the implementation reads partial frames.
   */
  async writeChopped(bytes: Buffer, chop: number, delayMs = 0): Promise<void> {
    for (let off = 0; off < bytes.length; off += chop) {
      this.write(bytes.subarray(off, off + chop));
      await sleep(delayMs);
    }
  }

  sendClose(code: number | null, reason: Buffer | string = ''): void {
    if (this.closeSent || this.tcpClosed) return;
    this.closeSent = true;
    if (this.closeReceived === null) this.closedByMe = true;
    this.write(this.frame({ opcode: Op.Close, payload: closePayload(code, reason) }));
    if (this.closeReceived !== null) this.afterClosingHandshake();
  }

  /**
   * Sends a whole message, compressed when permessage-deflate is in force and `compress` is not
   * false (RFC 7692 §6.1: RSV1 on the first frame only), split into frames of `fragmentSize`.
   */
  async sendMessage(
    data: Buffer,
    binary: boolean,
    opts: { compress?: boolean; fragmentSize?: number } = {},
  ): Promise<void> {
    let payload = data;
    let rsv1 = false;
    if (this.compressor && opts.compress !== false) {
      payload = await this.compressor.compress(data);
      rsv1 = true;
    }
    const size = opts.fragmentSize ?? 0;
    const opcode = binary ? Op.Binary : Op.Text;
    if (size <= 0 || payload.length <= size) {
      this.write(this.frame({ opcode, payload, rsv: rsv1 ? 4 : 0 }));
      return;
    }
    const frames: Buffer[] = [];
    for (let off = 0; off < payload.length; off += size) {
      const end = Math.min(off + size, payload.length);
      frames.push(
        this.frame({
          opcode: off === 0 ? opcode : Op.Continuation,
          fin: end === payload.length,
          rsv: off === 0 && rsv1 ? 4 : 0,
          payload: payload.subarray(off, end),
        }),
      );
    }
    this.write(Buffer.concat(frames));
  }

  drop(): void {
    this.socket.destroy();
  }

  dispose(): void {
    if (this.dropTimer) clearTimeout(this.dropTimer);
    this.compressor?.close();
    this.socket.destroy();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}

/**
 * The peer as client (§4.1): connects, sends a hand-written upgrade request offering `offers`,
 * and checks the server's 101 response (§4.2.2) including the extension answer (RFC 7692 §7.1).
 */
export async function connectPeer(
  port: number,
  path: string,
  offers: OfferSpec[],
  timing: PeerTiming & { handshakeTimeout: number },
): Promise<RawPeer> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const key = randomBytes(16).toString('base64');
  const offerExts = offers.map(offerToExtension);
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
  ];
  if (offerExts.length > 0)
    lines.push(`Sec-WebSocket-Extensions: ${offerExts.map(formatExtension).join(', ')}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const head = await readHead(socket, timing.handshakeTimeout).catch((err: Error) => {
    socket.destroy();
    throw err;
  });
  const fail = (why: string): never => {
    socket.destroy();
    throw new Error(`bad handshake response: ${why}`);
  };
  if (!/^HTTP\/1\.1 101\b/.test(head.startLine)) fail(head.startLine);
  if (head.headers.get('upgrade')?.toLowerCase() !== 'websocket') fail('Upgrade header');
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(head.headers.get('connection') ?? ''))
    fail('Connection header');
  if (head.headers.get('sec-websocket-accept') !== acceptFor(key)) fail('Sec-WebSocket-Accept');
  let negotiated: Negotiated | null = null;
  try {
    const exts = parseExtensionHeader(head.headers.get('sec-websocket-extensions') ?? '');
    if (exts.length > 0 && offerExts.length === 0) throw new Error('extension not offered');
    negotiated = checkResponse(offerExts, exts);
  } catch (err) {
    fail((err as Error).message);
  }
  const peer = new RawPeer(socket, 'client', timing);
  peer.setDeflate(negotiated);
  peer.feed(head.rest);
  socket.resume();
  return peer;
}

/** Checks a client's upgrade request (§4.1, §4.2.1); returns the problem or null. */
export function checkClientRequest(startLine: string, headers: Map<string, string>): string | null {
  if (!/^GET \/\S* HTTP\/1\.1$/.test(startLine)) return `bad request line ${startLine}`;
  if (!headers.get('host')) return 'missing Host';
  if (headers.get('upgrade')?.toLowerCase() !== 'websocket') return 'bad Upgrade';
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(headers.get('connection') ?? '')) return 'bad Connection';
  const key = headers.get('sec-websocket-key') ?? '';
  if (Buffer.from(key, 'base64').length !== 16 || !/^[A-Za-z0-9+/]{22}==$/.test(key))
    return 'bad Sec-WebSocket-Key';
  if (headers.get('sec-websocket-version') !== '13') return 'bad Sec-WebSocket-Version';
  return null;
}
