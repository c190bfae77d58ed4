/**
 * WAMP-cryptosign pieces both halves use (WAMP AP "Cryptosign-based Authentication"): the
 * channel ID XORed into a challenge and the check of a `signature || message` answer (the
 * router checks clients with it, a client checks the router when it asked for router
 * authentication).
 */

import type { ChannelBindingData, ChannelBindingType } from '../types.js';
import { fromHex, timingSafeEqual } from './bytes.js';
import { type Ed25519Backend, ed25519Verify } from './ed25519.js';
import { sha256 } from './webcrypto.js';

/** 32 bytes in hex: a challenge or a public key. */
export const HEX32 = /^[0-9a-fA-F]{64}$/;
const HEX96 = /^[0-9a-fA-F]{192}$/;

/**
 * The 32-byte channel ID cryptosign XORs into the challenge: SHA-256 of the `tls-unique` data
 * (as Autobahn|Python computes it), or the 32 `tls-exporter` bytes (RFC 9266).
 */
export async function cryptosignChannelId(
  type: ChannelBindingType,
  data: Uint8Array,
): Promise<Uint8Array> {
  if (type === 'tls-unique') return sha256(data);
  if (data.length !== 32)
    throw new RangeError('tls-exporter channel binding data must be 32 bytes');
  return data;
}

/** The channel ID of the binding `type` names, or undefined (no binding, or no data for it). */
export async function channelIdFrom(
  type: ChannelBindingType | null,
  data: ChannelBindingData | undefined,
): Promise<Uint8Array | undefined> {
  if (type === null) return undefined;
  const raw = data?.[type];
  return raw ? cryptosignChannelId(type, raw) : undefined;
}

/** Verifies a `signature || message` hex string against `publicKey` and the expected message. */
export async function verifyCryptosignSignature(
  publicKey: Uint8Array,
  signatureHex: string,
  expectedMessage: Uint8Array,
  backend?: Ed25519Backend,
): Promise<'ok' | 'malformed' | 'bad'> {
  if (typeof signatureHex !== 'string' || !HEX96.test(signatureHex)) return 'malformed';
  const bytes = fromHex(signatureHex)!;
  const signature = bytes.subarray(0, 64);
  const message = bytes.subarray(64);
  const sameMessage = timingSafeEqual(message, expectedMessage);
  const valid = await ed25519Verify(publicKey, expectedMessage, signature, backend);
  return sameMessage && valid ? 'ok' : 'bad';
}
