/**
 * Ed25519 (RFC 8032) for WAMP-cryptosign: WebCrypto where the runtime has it (Node 20,
 * current Chromium), libsodium loaded on demand where it does not.
 */
import { CryptoUnavailableError } from '../errors.js';
import { fromBase64 } from './bytes.js';
import { loadSodium } from './sodium.js';
import { subtle } from './webcrypto.js';

/** Where Ed25519 comes from: WebCrypto, or libsodium where WebCrypto lacks it. */
export type Ed25519Backend = 'webcrypto' | 'sodium';

export interface Ed25519Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

// RFC 8410 PKCS#8 prefix for an Ed25519 private key: the 32-byte seed follows.
const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

let webcryptoProbe: Promise<boolean> | undefined;

/** Whether `crypto.subtle` implements Ed25519 (probed once with a key import). */
export function webcryptoHasEd25519(): Promise<boolean> {
  webcryptoProbe ??= (async () => {
    try {
      // Any 32 bytes in RFC 8032 section 7.1 test 1's public key form will do.
      const pub = fromHex32('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
      await subtle().importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']);
      return true;
    } catch {
      return false;
    }
  })();
  return webcryptoProbe;
}

function fromHex32(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

async function pickBackend(backend: Ed25519Backend | undefined): Promise<Ed25519Backend> {
  if (backend) return backend;
  return (await webcryptoHasEd25519()) ? 'webcrypto' : 'sodium';
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
}

/** A signer for the key pair of a 32-byte seed (RFC 8032 section 5.1.5). */
export async function ed25519FromSeed(
  seed: Uint8Array,
  backend?: Ed25519Backend,
): Promise<Ed25519Signer> {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  const chosen = await pickBackend(backend);
  if (chosen === 'webcrypto') {
    const pkcs8 = new Uint8Array(48);
    pkcs8.set(PKCS8_ED25519_PREFIX, 0);
    pkcs8.set(seed, 16);
    const exportable = await subtle().importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, [
      'sign',
    ]);
    const jwk = await subtle().exportKey('jwk', exportable);
    pkcs8.fill(0);
    const publicKey = jwk.x ? fromBase64Url(jwk.x) : undefined;
    if (!publicKey || publicKey.length !== 32) {
      throw new CryptoUnavailableError('WebCrypto returned no Ed25519 public key');
    }
    const key = await subtle().importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
    jwk.d = '';
    return {
      publicKey,
      async sign(message) {
        return new Uint8Array(await subtle().sign({ name: 'Ed25519' }, key, copy(message)));
      },
    };
  }
  const sodium = await loadSodium();
  const pair = sodium.crypto_sign_seed_keypair(seed);
  return {
    publicKey: pair.publicKey,
    async sign(message) {
      return sodium.crypto_sign_detached(message, pair.privateKey);
    },
  };
}

/** RFC 8032 verification; false for a bad signature and for a malformed key or signature. */
export async function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  backend?: Ed25519Backend,
): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const chosen = await pickBackend(backend);
  if (chosen === 'webcrypto') {
    try {
      const key = await subtle().importKey('raw', copy(publicKey), { name: 'Ed25519' }, false, [
        'verify',
      ]);
      return await subtle().verify({ name: 'Ed25519' }, key, copy(signature), copy(message));
    } catch {
      return false;
    }
  }
  const sodium = await loadSodium();
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

function fromBase64Url(text: string): Uint8Array | undefined {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return fromBase64(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
}
