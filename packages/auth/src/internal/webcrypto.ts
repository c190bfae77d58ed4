/** WebCrypto primitives (globalThis.crypto.subtle): present in browsers and Node 20+. */
import { CryptoUnavailableError } from '../errors.js';

export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new CryptoUnavailableError('WebCrypto (crypto.subtle) is not available');
  return s;
}

/** WebCrypto wants a BufferSource backed by an ArrayBuffer; copy views that are not. */
function buf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : (new Uint8Array(bytes) as Uint8Array<ArrayBuffer>);
}

/** RFC 2104 HMAC with SHA-256. */
export async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await subtle().importKey('raw', buf(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await subtle().sign('HMAC', k, buf(data)));
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', buf(data)));
}

/** RFC 8018 PBKDF2 with HMAC-SHA256 as PRF. */
export async function pbkdf2Sha256(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  keyLength: number,
): Promise<Uint8Array> {
  const k = await subtle().importKey('raw', buf(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: buf(salt), iterations },
    k,
    keyLength * 8,
  );
  return new Uint8Array(bits);
}
