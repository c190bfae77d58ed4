/**
 * Wire helpers of the fuzzing peer, written independently of @wampkit/framing: frame encoding
 * (RFC 6455 §5.2), masking (§5.3), HTTP head reading (§4), Sec-WebSocket-Extensions parsing
 * (§9.1) and UTF-8 validation (§8.1, RFC 3629). The peer must never borrow the engine's code, or
 * a shared bug would pass unnoticed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';

export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const Op = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

export interface FrameSpec {
  opcode: number;
  fin?: boolean;
  /** The three reserved bits as a number 0-7: 4 = RSV1, 2 = RSV2, 1 = RSV3. */
  rsv?: number;
  payload?: Buffer | string;
  /** Mask the payload (§5.3); clients must, servers must not. */
  mask?: boolean;
}

/** §4.2.2: Sec-WebSocket-Accept = base64(SHA-1(key + GUID)). */
export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');
}

/** XOR-masks `data` in place with `key` (§5.3), four bytes at a time where possible. */
export function maskInPlace(data: Buffer, key: Buffer): void {
  const n = data.length;
  const words = n >>> 2;
  if (words > 0 && data.byteOffset % 4 === 0) {
    const k = key.readUInt32LE(0);
    const view = new Uint32Array(data.buffer, data.byteOffset, words);
    for (let i = 0; i < words; i++) view[i]! ^= k;
    for (let i = words * 4; i < n; i++) data[i] = data[i]! ^ key[i & 3]!;
    return;
  }
  for (let i = 0; i < n; i++) data[i] = data[i]! ^ key[i & 3]!;
}

/** Encodes one frame with the minimal length encoding (§5.2). */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string'
      ? Buffer.from(spec.payload, 'utf8')
      : (spec.payload ?? Buffer.alloc(0));
  const len = payload.length;
  const mask = spec.mask ?? false;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const headerLen = 2 + ext + (mask ? 4 : 0);
  // Allocate aligned so masking can work on 32-bit words.
  const out = Buffer.alloc(headerLen + len);
  out[0] = ((spec.fin ?? true) ? 0x80 : 0) | (((spec.rsv ?? 0) & 7) << 4) | (spec.opcode & 0x0f);
  const lenByte = len < 126 ? len : len < 65536 ? 126 : 127;
  out[1] = (mask ? 0x80 : 0) | lenByte;
  if (ext === 2) out.writeUInt16BE(len, 2);
  else if (ext === 8) {
    out.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    out.writeUInt32BE(len >>> 0, 6);
  }
  if (mask) {
    const key = randomBytes(4);
    key.copy(out, 2 + ext);
    payload.copy(out, headerLen);
    maskInPlace(out.subarray(headerLen), key);
  } else {
    payload.copy(out, headerLen);
  }
  return out;
}

/** Close frame payload (§5.5.1): optional 2-byte code and UTF-8 reason. */
export function closePayload(code: number | null, reason: Buffer | string = ''): Buffer {
  if (code === null) return Buffer.alloc(0);
  const r = typeof reason === 'string' ? Buffer.from(reason, 'utf8') : reason;
  const out = Buffer.alloc(2 + r.length);
  out.writeUInt16BE(code & 0xffff, 0);
  r.copy(out, 2);
  return out;
}

/** Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
export function isValidUtf8(b: Uint8Array): boolean {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = c & 0x07;
    } else return false;
    if (i + need >= n) return false;
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

export interface HttpHead {
  startLine: string;
  headers: Map<string, string>;
  rest: Buffer;
}

/** Reads an HTTP head (up to CRLFCRLF) from a socket; rejects on close, overflow or timeout. */
export function readHead(socket: Socket, timeoutMs: number, max = 16384): Promise<HttpHead> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (err: Error | null, head?: HttpHead): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      if (err) reject(err);
      else resolve(head!);
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > max) done(new Error('HTTP head too large'));
        return;
      }
      socket.pause();
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0) {
          done(new Error(`malformed header line ${JSON.stringify(line)}`));
          return;
        }
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        // §4.2.1/§4.1: repeated headers combine as a comma-separated list.
        headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
      }
      done(null, { startLine: lines[0] ?? '', headers, rest: buf.subarray(end + 4) });
    };
    const onClose = (): void => done(new Error('connection closed during the opening handshake'));
    const onError = (err: Error): void => done(err);
    const timer = setTimeout(() => done(new Error('opening handshake timed out')), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
    socket.resume();
  });
}

export interface Extension {
  name: string;
  params: Map<string, string | true>;
}

/** Parses a Sec-WebSocket-Extensions value (§9.1 grammar, quoted values unquoted). */
export function parseExtensionHeader(value: string): Extension[] {
  const out: Extension[] = [];
  if (value.trim() === '') return out;
  for (const item of value.split(',')) {
    const parts = item.split(';').map((p) => p.trim());
    const name = parts.shift() ?? '';
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new Error(`bad extension ${item}`);
    const params = new Map<string, string | true>();
    for (const p of parts) {
      const eq = p.indexOf('=');
      const key = (eq < 0 ? p : p.slice(0, eq)).trim();
      if (params.has(key)) throw new Error(`duplicate parameter ${key}`);
      if (eq < 0) params.set(key, true);
      else
        params.set(
          key,
          p
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1'),
        );
    }
    out.push({ name, params });
  }
  return out;
}

export function formatExtension(ext: Extension): string {
  let s = ext.name;
  for (const [k, v] of ext.params) s += v === true ? `; ${k}` : `; ${k}=${v}`;
  return s;
}
