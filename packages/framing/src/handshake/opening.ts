/**
 * The opening handshake (RFC 6455 §4): building and checking the client's request and the
 * server's response. Pure functions; the connection drives them.
 */
import { HandshakeError } from '../errors.js';
import { randomBytes } from '../random.js';
import { base64DecodedLength, base64Encode } from './base64.js';
import { type HeaderList, TOKEN } from './http.js';
import { sha1 } from './sha1.js';

/** §1.3: the GUID appended to the key before hashing. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** §4.2.2 step 5.4: Sec-WebSocket-Accept for a Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  const text = key + GUID;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return base64Encode(sha1(bytes));
}

/** §4.1: a fresh 16-byte nonce, base64-encoded. */
export function newClientKey(): string {
  return base64Encode(randomBytes(16));
}

/** Subprotocol names must be distinct tokens (§4.1, RFC 2616 §2.2). */
export function checkSubprotocols(protocols: readonly string[]): void {
  const seen = new Set<string>();
  for (const p of protocols) {
    if (!TOKEN.test(p)) throw new SyntaxError(`invalid subprotocol name ${JSON.stringify(p)}`);
    if (seen.has(p)) throw new SyntaxError(`duplicate subprotocol ${p}`);
    seen.add(p);
  }
}

/** Splits a comma-separated header value into trimmed, non-empty items. */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** §4.2.1: the checks a server makes on the client's request. Returns the key. */
export function validateClientRequest(
  method: string,
  version: string,
  headers: HeaderList,
): string {
  if (method !== 'GET') throw new HandshakeError(`method must be GET, got ${method}`, 405);
  if (Number(version) < 1.1) throw new HandshakeError('HTTP/1.1 or later is required', 400);
  if (headers.get('host') === undefined) throw new HandshakeError('missing Host header', 400);
  if (!headers.hasToken('upgrade', 'websocket'))
    throw new HandshakeError('missing Upgrade: websocket', 400);
  if (!headers.hasToken('connection', 'upgrade'))
    throw new HandshakeError('missing Connection: Upgrade', 400);
  if (headers.get('sec-websocket-version') !== '13') {
    throw new HandshakeError('unsupported Sec-WebSocket-Version (13 is required)', 426);
  }
  const key = headers.get('sec-websocket-key');
  if (
    key === undefined ||
    headers.count('sec-websocket-key') !== 1 ||
    base64DecodedLength(key) !== 16
  ) {
    throw new HandshakeError('Sec-WebSocket-Key must be one base64-encoded 16-byte value', 400);
  }
  return key;
}

/** §4.1 (client steps 1-6 on the response, except extensions and subprotocol). */
export function validateServerResponse(status: string, headers: HeaderList, key: string): void {
  if (status !== '101')
    throw new HandshakeError(`server answered HTTP ${status} instead of 101`, Number(status));
  if (!headers.hasToken('upgrade', 'websocket'))
    throw new HandshakeError('response lacks Upgrade: websocket', 502);
  if (!headers.hasToken('connection', 'upgrade'))
    throw new HandshakeError('response lacks Connection: Upgrade', 502);
  if (headers.get('sec-websocket-accept') !== acceptKey(key)) {
    throw new HandshakeError('Sec-WebSocket-Accept does not match the key sent', 502);
  }
}
