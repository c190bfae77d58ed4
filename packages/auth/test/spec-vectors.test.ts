/**
 * The WAMP spec's own test vectors (shared/wamp-spec/rfc/text/advanced): the cryptosign
 * signature vectors, and the WAMP-SCRAM example exchange, which is RFC 7677's SCRAM-SHA-256
 * vector. Read from the spec text, so an edit there is noticed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CryptosignKey, verifyCryptosignSignature } from '../src/cryptosign.js';
import { fromHex, toBase64, xorBytes } from '../src/internal/bytes.js';
import { buildAuthMessage, computeSaltedPassword, computeScramProof } from '../src/scram.js';

const specDir = resolve(import.meta.dirname, '../../../../shared/wamp-spec/rfc/text/advanced');
const read = (name: string) => readFileSync(resolve(specDir, name), 'utf8');

interface CryptosignVector {
  channel_id: string | null;
  private_key: string;
  challenge: string;
  signature: string;
}

function cryptosignVectors(): CryptosignVector[] {
  const text = read('authentication_cryptosign.md');
  const block = /test_vectors_1 = \[([\s\S]*?)\n\]/.exec(text)?.[1];
  if (!block) throw new Error('cryptosign test vectors not found in the spec');
  const out: CryptosignVector[] = [];
  for (const entry of block.split(/\},\s*\{/)) {
    const field = (name: string) => new RegExp(`'${name}': (None|'([0-9a-f]*)')`).exec(entry);
    const cid = field('channel_id');
    const pk = field('private_key');
    const ch = field('challenge');
    const sig = field('signature');
    if (!cid || !pk?.[2] || !ch?.[2] || !sig?.[2]) throw new Error(`unparsable vector: ${entry}`);
    out.push({
      channel_id: cid[2] ?? null,
      private_key: pk[2],
      challenge: ch[2],
      signature: sig[2],
    });
  }
  return out;
}

describe('cryptosign spec vectors', () => {
  const vectors = cryptosignVectors();

  it('finds the six vectors (three with a channel ID)', () => {
    expect(vectors).toHaveLength(6);
    expect(vectors.filter((v) => v.channel_id !== null)).toHaveLength(3);
  });

  for (const backend of ['webcrypto', 'sodium'] as const) {
    it.each(
      vectors.map((v, i) => [i, v] as const),
    )(`vector %i signs and verifies (${backend})`, async (_i, v) => {
      const key = await CryptosignKey.load(v.private_key, { backend });
      const channelId = v.channel_id ? fromHex(v.channel_id)! : undefined;
      const signature = await key.signChallenge(fromHex(v.challenge)!, channelId);
      expect(signature).toBe(v.signature);
      const message = channelId
        ? xorBytes(fromHex(v.challenge)!, channelId)
        : fromHex(v.challenge)!;
      expect(await verifyCryptosignSignature(key.publicKey, v.signature, message, backend)).toBe(
        'ok',
      );
      // A single flipped bit of the signature is rejected.
      const bad = (v.signature[0] === '0' ? '1' : '0') + v.signature.slice(1);
      expect(await verifyCryptosignSignature(key.publicKey, bad, message, backend)).toBe('bad');
    });
  }
});

describe('WAMP-SCRAM spec example (RFC 7677 section 3 vector)', () => {
  const text = read('authentication_scram.md');
  // The AUTHENTICATE and WELCOME examples carry RFC 7677's ClientProof and ServerSignature.
  const proof = /\[5, "([A-Za-z0-9+/=]+)"/.exec(text)?.[1];
  const verifier = /"v=([A-Za-z0-9+/=]+)"/.exec(text)?.[1];

  it('computes the ClientProof and ServerSignature of the spec example', async () => {
    expect(proof).toBe('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(verifier).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    const salted = await computeSaltedPassword('pencil', {
      kdf: 'pbkdf2',
      salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
      iterations: 4096,
    });
    const authMessage = buildAuthMessage({
      dialect: 'wamp-scram',
      authid: 'user',
      clientNonce: 'rOprNGfwEbeRWgbNEkqO',
      nonce: 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
      salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
      iterations: 4096,
      channelBinding: null,
      cbindData: null,
    });
    expect(new TextDecoder().decode(authMessage)).toBe(
      'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,' +
        's=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    );
    const { clientProof, serverSignature } = await computeScramProof(salted, authMessage);
    expect(toBase64(clientProof)).toBe(proof);
    expect(toBase64(serverSignature)).toBe(verifier);
  });
});
