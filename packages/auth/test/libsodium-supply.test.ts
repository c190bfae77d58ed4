/**
 * useLibsodium(): an application-supplied libsodium serves cryptosign's Ed25519 fallback and
 * WAMP-SCRAM's Argon2id instead of the dynamic import (the script-tag build, which bundles no
 * libsodium, depends on it: browser-tests/script-tag-auth.spec.ts). The supplied libraries are
 * the real libsodium-wrappers builds, wrapped only to count which one did the work.
 */
import sodiumStandard from 'libsodium-wrappers';
import sodiumSumo from 'libsodium-wrappers-sumo';
import { describe, expect, it } from 'vitest';
import { CryptosignKey, useLibsodium } from '../src/client/cryptosign.js';
import { AuthConfigError, CryptoUnavailableError } from '../src/index.js';
import { toBase64 } from '../src/internal/bytes.js';
import { computeSaltedPassword } from '../src/internal/scram.js';
import { importLibsodium, importLibsodiumSumo } from '../src/internal/sodium-import-none.js';

// RFC 8032 section 7.1, test 1.
const SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const ARGON = {
  kdf: 'argon2id13' as const,
  salt: toBase64(new Uint8Array(16).fill(7)),
  iterations: 2,
  memory: 256,
};

/** The real library behind counters on the calls wampkit makes (`sumo`: with crypto_pwhash). */
function counted(sumo: boolean) {
  const lib = sumo ? sodiumSumo : sodiumStandard;
  const calls = { sign: 0, keypair: 0, pwhash: 0 };
  const wrapper = {
    ready: lib.ready,
    crypto_sign_seed_keypair: (seed: Uint8Array) => {
      calls.keypair++;
      return lib.crypto_sign_seed_keypair(seed);
    },
    crypto_sign_detached: (m: Uint8Array, k: Uint8Array) => {
      calls.sign++;
      return lib.crypto_sign_detached(m, k);
    },
    crypto_sign_verify_detached: (s: Uint8Array, m: Uint8Array, k: Uint8Array) =>
      lib.crypto_sign_verify_detached(s, m, k),
    ...(sumo
      ? {
          crypto_pwhash_ALG_ARGON2ID13: sodiumSumo.crypto_pwhash_ALG_ARGON2ID13,
          crypto_pwhash: (...a: Parameters<typeof sodiumSumo.crypto_pwhash>) => {
            calls.pwhash++;
            return sodiumSumo.crypto_pwhash(...a);
          },
        }
      : {}),
  };
  return { wrapper, calls };
}

describe('useLibsodium', () => {
  it('rejects what is not a libsodium-wrappers module', () => {
    expect(() => useLibsodium({} as never)).toThrow(AuthConfigError);
    expect(() => useLibsodium({ default: { ready: 1 } } as never)).toThrow(AuthConfigError);
  });

  it('a supplied sumo build serves the Ed25519 fallback and Argon2id', async () => {
    await sodiumSumo.ready;
    const { wrapper, calls } = counted(true);
    // The namespace form (`await import(url)`) is accepted too.
    useLibsodium({ default: wrapper });
    const key = await CryptosignKey.fromSeed(Buffer.from(SEED, 'hex'), { backend: 'sodium' });
    expect(key.publicKeyHex).toBe(PUBLIC);
    const signature = await key.sign(new Uint8Array(0));
    // RFC 8032 test 1 signs the empty message.
    expect(Buffer.from(signature).toString('hex')).toMatch(/^e5564300c360ac72/);
    expect(calls).toMatchObject({ keypair: 1, sign: 1 });
    const salted = await computeSaltedPassword('pencil', ARGON);
    expect(salted).toHaveLength(32);
    expect(calls.pwhash).toBe(1);
  });

  it('a supplied standard build serves Ed25519; Argon2id still loads the sumo build', async () => {
    await sodiumStandard.ready;
    const { wrapper, calls } = counted(false);
    useLibsodium(wrapper);
    const key = await CryptosignKey.fromSeed(Buffer.from(SEED, 'hex'), { backend: 'sodium' });
    expect(key.publicKeyHex).toBe(PUBLIC);
    expect(calls.keypair).toBe(1);
    // Same result as the sumo build computes directly: the dynamic import did the work.
    const salted = await computeSaltedPassword('pencil', ARGON);
    await sodiumSumo.ready;
    const direct = sodiumSumo.crypto_pwhash(
      32,
      new TextEncoder().encode('pencil'),
      new Uint8Array(16).fill(7),
      2,
      256 * 1024,
      sodiumSumo.crypto_pwhash_ALG_ARGON2ID13,
    );
    expect(Buffer.from(salted)).toEqual(Buffer.from(direct));
    expect(calls.pwhash).toBe(0);
  });
});

describe('the script-tag build has no libsodium import (sodium-import-none.ts)', () => {
  it('explains how to supply libsodium for the Ed25519 fallback and for Argon2id', async () => {
    for (const load of [importLibsodium, importLibsodiumSumo]) {
      const error = await load().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CryptoUnavailableError);
      expect((error as Error).message).toContain('wampkit.auth.useLibsodium');
    }
  });
});
