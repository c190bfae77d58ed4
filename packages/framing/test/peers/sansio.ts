/**
 * Test helpers for driving the sans-IO engine without sockets: a handler that records every
 * callback, a frame encoder for hand-crafted (also invalid) frames, a frame decoder for what the
 * engine writes, and a client/server pair wired back to back.
 */
import { createHash } from 'node:crypto';
import {
  type CloseInfo,
  type ConnectionHandler,
  type ConnectionOptions,
  type HandshakeRequest,
  type OpenInfo,
  WebSocketConnection,
} from '../../src/index.js';

export class Recorder implements ConnectionHandler {
  readonly out: Uint8Array[] = [];
  readonly messages: Array<{ data: string | Uint8Array; binary: boolean }> = [];
  readonly pings: Uint8Array[] = [];
  readonly pongs: Uint8Array[] = [];
  readonly closings: Array<{ code: number; reason: string }> = [];
  opened: OpenInfo | null = null;
  closedInfo: CloseInfo | null = null;
  closedCount = 0;
  /** Server role: set to decide on requests yourself (the engine auto-accepts otherwise). */
  request?: (req: HandshakeRequest) => void;

  write(data: Uint8Array): void {
    // The engine may hand out views of buffers it reuses; keep a copy.
    this.out.push(data.slice());
  }
  open(info: OpenInfo): void {
    this.opened = info;
  }
  message(data: string | Uint8Array, binary: boolean): void {
    this.messages.push({ data: typeof data === 'string' ? data : new Uint8Array(data), binary });
  }
  ping(payload: Uint8Array): void {
    this.pings.push(payload);
  }
  pong(payload: Uint8Array): void {
    this.pongs.push(payload);
  }
  closing(code: number, reason: string): void {
    this.closings.push({ code, reason });
  }
  closed(info: CloseInfo): void {
    this.closedInfo = info;
    this.closedCount++;
  }

  /** Everything written so far, concatenated, and forgotten. */
  take(): Uint8Array {
    const all = concat(this.out);
    this.out.length = 0;
    return all;
  }

  /** Everything written so far as ISO-8859-1 text (handshake responses). */
  takeText(): string {
    return Buffer.from(this.take()).toString('latin1');
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** A 4-byte key, `true` for a fixed key, or false/undefined for no masking. */
  mask?: Uint8Array | boolean;
  /** Overrides the length written in the header (the payload is still appended as is). */
  declaredLength?: number;
  /** Forces the 16-bit or 64-bit length form. */
  lengthForm?: 7 | 16 | 64;
}

const FIXED_KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

/** Encodes one frame (RFC 6455 §5.2), valid or not. */
export function frame(spec: FrameSpec): Uint8Array {
  const payload =
    typeof spec.payload === 'string'
      ? new TextEncoder().encode(spec.payload)
      : (spec.payload ?? new Uint8Array(0));
  const key = spec.mask === true ? FIXED_KEY : spec.mask instanceof Uint8Array ? spec.mask : null;
  const len = spec.declaredLength ?? payload.length;
  const form = spec.lengthForm ?? (len < 126 ? 7 : len < 65536 ? 16 : 64);
  const head: number[] = [
    ((spec.fin ?? true) ? 0x80 : 0) |
      (spec.rsv1 ? 0x40 : 0) |
      (spec.rsv2 ? 0x20 : 0) |
      (spec.rsv3 ? 0x10 : 0) |
      spec.opcode,
  ];
  const maskBit = key ? 0x80 : 0;
  if (form === 7) head.push(maskBit | len);
  else if (form === 16) head.push(maskBit | 126, (len >>> 8) & 0xff, len & 0xff);
  else {
    head.push(maskBit | 127);
    const hi = Math.floor(len / 2 ** 32);
    const lo = len >>> 0;
    head.push(hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff);
    head.push(lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
  }
  if (key) head.push(...key);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  for (let i = 0; i < payload.length; i++) {
    out[head.length + i] = key ? payload[i]! ^ key[i & 3]! : payload[i]!;
  }
  return out;
}

export interface DecodedFrame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
}

/** Decodes a stream of complete frames (what the engine wrote after the handshake). */
export function decodeFrames(bytes: Uint8Array): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const b0 = bytes[pos]!;
    const b1 = bytes[pos + 1]!;
    pos += 2;
    let len = b1 & 0x7f;
    if (len === 126) {
      len = (bytes[pos]! << 8) | bytes[pos + 1]!;
      pos += 2;
    } else if (len === 127) {
      let n = 0;
      for (let i = 0; i < 8; i++) n = n * 256 + bytes[pos + i]!;
      len = n;
      pos += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    let key: Uint8Array | null = null;
    if (masked) {
      key = bytes.subarray(pos, pos + 4);
      pos += 4;
    }
    if (pos + len > bytes.length) throw new Error('truncated frame');
    const payload = bytes.slice(pos, pos + len);
    if (key) for (let i = 0; i < len; i++) payload[i] = (payload[i] ?? 0) ^ (key[i & 3] ?? 0);
    pos += len;
    frames.push({
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      opcode: b0 & 0x0f,
      masked,
      payload,
    });
  }
  return frames;
}

/** A short, comparable fingerprint of a message (type, length, SHA-256) for large payloads. */
export function digest(data: string | Uint8Array): string {
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data)
      : Buffer.from(data.buffer, data.byteOffset, data.length);
  return `${typeof data === 'string' ? 'text' : 'binary'}:${bytes.length}:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
}

/** A close frame payload: 2-byte code then the reason. */
export function closePayload(code: number, reason: string | Uint8Array = ''): Uint8Array {
  const r = typeof reason === 'string' ? new TextEncoder().encode(reason) : reason;
  const out = new Uint8Array(2 + r.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(r, 2);
  return out;
}

export interface Pair {
  client: WebSocketConnection;
  server: WebSocketConnection;
  c: Recorder;
  s: Recorder;
  /** Moves written bytes between the two until both are quiet. */
  pump(): void;
}

/** Builds a client and a server wired back to back and completes the opening handshake. */
export function openPair(
  clientOptions: ConnectionOptions = {},
  serverOptions: ConnectionOptions = {},
  protocols: readonly string[] = [],
): Pair {
  const c = new Recorder();
  const s = new Recorder();
  const client = new WebSocketConnection('client', c, clientOptions);
  const server = new WebSocketConnection('server', s, serverOptions);
  const pump = (): void => {
    for (let i = 0; i < 1000; i++) {
      const toServer = c.take();
      const toClient = s.take();
      if (toServer.length === 0 && toClient.length === 0) return;
      if (toServer.length > 0) server.receiveData(toServer);
      if (toClient.length > 0) client.receiveData(toClient);
    }
    throw new Error('pump did not settle');
  };
  client.initiate({ host: 'example.test', path: '/ws', protocols });
  pump();
  return { client, server, c, s, pump };
}

/** A well-formed client request; `overrides` replace (or with null remove) header lines. */
export function clientRequest(
  overrides: Record<string, string | null> = {},
  startLine = 'GET /chat HTTP/1.1',
): Uint8Array {
  const headers: Record<string, string | null> = {
    Host: 'server.example.com',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...overrides,
  };
  let text = `${startLine}\r\n`;
  for (const [k, v] of Object.entries(headers)) if (v !== null) text += `${k}: ${v}\r\n`;
  text += '\r\n';
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** Parses an HTTP response head written by the engine into status and lower-cased headers. */
export function parseResponse(text: string): {
  status: number;
  headers: Map<string, string>;
  body: string;
} {
  const end = text.indexOf('\r\n\r\n');
  const head = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1]);
  const headers = new Map<string, string>();
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return { status, headers, body: text.slice(end + 4) };
}
