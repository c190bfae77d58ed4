/**
 * Cross-checks against Autobahn|Python 22.x (Debian python3-autobahn, python3-nacl,
 * python3-argon2, python3-passlib): its client authenticators answer our verifiers' challenges,
 * and its primitives agree with ours on the same inputs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CryptosignKey, CryptosignVerifier } from '../src/cryptosign.js';
import { fromHex, randomBytes, toBase64, toHex } from '../src/internal/bytes.js';
import {
  computeSaltedPassword,
  deriveScramCredential,
  ScramAuthenticator,
  ScramVerifier,
  saslprep,
  scramCredentialFromCrossbar,
} from '../src/scram.js';
import { TicketVerifier } from '../src/ticket.js';
import type { HelloInfo, ServerAuthenticator } from '../src/types.js';
import { deriveKey, WampCraAuthenticator, WampCraVerifier } from '../src/wampcra.js';
import { rejection } from './helpers.js';
import { PythonPeer } from './python-peer.js';

const py = new PythonPeer();
afterAll(() => py.close());

const dir = mkdtempSync(join(tmpdir(), 'wampkit-ab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;

/** Autobahn client `name` (already created) against our verifier, as its session would drive it. */
async function pythonAgainst(
  name: string,
  verifier: ServerAuthenticator,
  method: string,
  hello: Partial<HelloInfo>,
  channel?: { type: string; data: Uint8Array; id: Uint8Array },
) {
  const outcome = await verifier.hello(method, {
    realm: 'realm1',
    authmethods: [method],
    authextra: {},
    sessionId: 77,
    ...(channel ? { transport: { channelBinding: { [channel.type]: channel.data } } } : {}),
    ...hello,
  });
  if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
  const signature = await py.call<string>('challenge', {
    name,
    method: outcome.authmethod,
    extra: outcome.extra,
    ...(channel ? { channel_binding: channel.type, channel_id: toHex(channel.id) } : {}),
  });
  return { outcome, result: await outcome.pending.authenticate(signature, {}) };
}

describe('Autobahn|Python clients against our verifiers', () => {
  it('ticket', async () => {
    const name = `t${counter++}`;
    await py.call('ticket_new', { name, authid: 'joe', ticket: 'secret!!!' });
    const v = new TicketVerifier({ principals: { joe: { ticket: 'secret!!!', role: 'user' } } });
    expect((await pythonAgainst(name, v, 'ticket', { authid: 'joe' })).result.authrole).toBe(
      'user',
    );
    await py.call('ticket_new', { name, authid: 'joe', ticket: 'wrong' });
    expect((await rejection(pythonAgainst(name, v, 'ticket', { authid: 'joe' }))).uri).toBe(
      'wamp.error.authentication_denied',
    );
  });

  it('wampcra, plain and salted', async () => {
    const name = `c${counter++}`;
    await py.call('wampcra_new', { name, authid: 'peter', secret: 'secret1' });
    const plain = new WampCraVerifier({
      principals: { peter: { secret: 'secret1', role: 'user' } },
    });
    expect((await pythonAgainst(name, plain, 'wampcra', { authid: 'peter' })).result.authid).toBe(
      'peter',
    );
    const salted = new WampCraVerifier({
      principals: {
        peter: {
          secret: await deriveKey('secret1', 'salt123', 100, 16),
          salt: 'salt123',
          iterations: 100,
          keylen: 16,
          role: 'user',
        },
      },
    });
    expect(
      (await pythonAgainst(name, salted, 'wampcra', { authid: 'peter' })).result.authrole,
    ).toBe('user');
    await py.call('wampcra_new', { name, authid: 'peter', secret: 'secret2' });
    expect(
      (await rejection(pythonAgainst(name, salted, 'wampcra', { authid: 'peter' }))).reason,
    ).toBe('bad-credentials');
  });

  it('scram (authmethod "scram", kdf argon2id-13) including its server-signature check', async () => {
    const name = `s${counter++}`;
    const authextra = await py.call<Record<string, unknown>>('scram_new', {
      name,
      authid: 'alice',
      password: 'pw-ä',
    });
    const credential = await deriveScramCredential({
      password: 'pw-ä',
      kdf: 'argon2id-13',
      iterations: 2,
      memory: 512,
    });
    const v = new ScramVerifier({ principals: { alice: { credential, role: 'frontend' } } });
    const { result } = await pythonAgainst(name, v, 'scram', { authid: 'alice', authextra });
    expect(result.authmethod).toBe('scram');
    // Autobahn returns None when the server signature verifies, an error string when not.
    expect(await py.call('welcome', { name, authextra: result.authextra })).toBeNull();
    expect(
      await py.call('welcome', {
        name,
        authextra: { scram_server_signature: toBase64(randomBytes(32)) },
      }),
    ).toMatch(/failed/);

    const wrong = `s${counter++}`;
    const wrongExtra = await py.call<Record<string, unknown>>('scram_new', {
      name: wrong,
      authid: 'alice',
      password: 'pw-a',
    });
    expect(
      (
        await rejection(
          pythonAgainst(wrong, v, 'scram', { authid: 'alice', authextra: wrongExtra }),
        )
      ).reason,
    ).toBe('bad-credentials');
  });

  it('scram with pbkdf2 is broken in Autobahn|Python 22.x (str salt to pbkdf2); documented, not ours', async () => {
    const name = `s${counter++}`;
    const authextra = await py.call<Record<string, unknown>>('scram_new', {
      name,
      authid: 'alice',
      password: 'pw',
    });
    const credential = await deriveScramCredential({
      password: 'pw',
      kdf: 'pbkdf2',
      iterations: 1000,
      dialect: 'scram',
    });
    const v = new ScramVerifier({ principals: { alice: { credential, role: 'frontend' } } });
    const error = await rejection(pythonAgainst(name, v, 'scram', { authid: 'alice', authextra }));
    expect(error.message).toContain('Invalid argument types');
  });

  it('cryptosign, without and with tls-unique channel binding', async () => {
    const seed = toHex(randomBytes(32));
    const key = await CryptosignKey.load(seed);
    const v = new CryptosignVerifier({
      principals: { dev: { authorizedKeys: [key.publicKeyHex], role: 'device' } },
    });
    const name = `k${counter++}`;
    const authextra = await py.call<Record<string, unknown>>('cryptosign_new', { name, seed });
    expect(authextra.pubkey).toBe(key.publicKeyHex);
    expect((await pythonAgainst(name, v, 'cryptosign', { authextra })).result.authid).toBe('dev');

    const bound = `k${counter++}`;
    const boundExtra = await py.call<Record<string, unknown>>('cryptosign_new', {
      name: bound,
      seed,
      channel_binding: 'tls-unique',
    });
    const finished = randomBytes(12);
    const { cryptosignChannelId } = await import('../src/cryptosign.js');
    const id = await cryptosignChannelId('tls-unique', finished);
    const channel = { type: 'tls-unique', data: finished, id };
    expect(
      (await pythonAgainst(bound, v, 'cryptosign', { authextra: boundExtra }, channel)).result
        .authrole,
    ).toBe('device');
    // Autobahn on another channel (different channel ID) is denied.
    const other = { ...channel, id: randomBytes(32) };
    expect(
      (await rejection(pythonAgainst(bound, v, 'cryptosign', { authextra: boundExtra }, other)))
        .reason,
    ).toBe('bad-credentials');
  });
});

describe('primitives agree with Autobahn|Python', () => {
  it('WAMP-CRA derive_key and signatures', async () => {
    for (const [secret, salt, iterations, keylen] of [
      ['secret', 'salt123', 1000, 32],
      ['pässwörd', 'NaCl', 1, 64],
      ['', 'x', 10, 16],
    ] as const) {
      expect(await deriveKey(secret, salt, iterations, keylen)).toBe(
        await py.call('derive_key', { secret, salt, iterations, keylen }),
      );
    }
    const name = `c${counter++}`;
    await py.call('wampcra_new', { name, authid: 'a', secret: 'sëcret' });
    const challenge = JSON.stringify({ nonce: 'LHRTC9zeOIrt_9U3', authid: 'a', session: 1 });
    for (const extra of [
      { challenge },
      { challenge, salt: 'salt123', iterations: 1000, keylen: 32 },
    ]) {
      const ours = await new WampCraAuthenticator({ authid: 'a', secret: 'sëcret' }).onChallenge(
        'wampcra',
        extra,
      );
      expect(ours.signature).toBe(await py.call('challenge', { name, method: 'wampcra', extra }));
    }
  });

  it('cryptosign signatures (with and without channel ID)', async () => {
    for (let i = 0; i < 5; i++) {
      const seed = toHex(randomBytes(32));
      const challenge = toHex(randomBytes(32));
      const channelId = i % 2 ? toHex(randomBytes(32)) : undefined;
      const key = await CryptosignKey.load(seed);
      const ours = await key.signChallenge(
        fromHex(challenge)!,
        channelId ? fromHex(channelId) : undefined,
      );
      expect(ours).toBe(
        await py.call('cryptosign_sign', { seed, challenge, channel_id: channelId }),
      );
    }
  });

  it('Argon2id-13 SaltedPassword (Autobahn encoding) and a Crossbar credential', async () => {
    const salt = toBase64(randomBytes(16));
    const ours = await computeSaltedPassword(
      'pw-ü',
      { kdf: 'argon2id-13', salt, iterations: 3, memory: 1024 },
      'scram',
    );
    expect(new TextDecoder().decode(ours)).toBe(
      await py.call('argon2id13', { password: 'pw-ü', salt, iterations: 3, memory: 1024 }),
    );
    // Autobahn's derive_scram_credential (argon2id-13, t=4096, m=512 KiB) -> our verifier -> our client.
    const pySalt = toBase64(randomBytes(16));
    const crossbar = await py.call<Parameters<typeof scramCredentialFromCrossbar>[0]>(
      'derive_scram_credential',
      {
        email: 'alice@example.com',
        password: 'pw',
        salt: pySalt,
      },
    );
    const credential = scramCredentialFromCrossbar(crossbar);
    const v = new ScramVerifier({
      principals: { 'alice@example.com': { credential, role: 'user' } },
    });
    const client = new ScramAuthenticator({
      authid: 'alice@example.com',
      password: 'pw',
      dialect: 'scram',
    });
    const { exchange } = await import('./helpers.js');
    expect((await exchange(client, v)).result.authrole).toBe('user');
  }, 60_000);

  it('OpenSSH and key-file public keys', async () => {
    const path = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'x@y', '-f', path]);
    const key = await CryptosignKey.load(readFileSync(path, 'utf8'));
    expect(await py.call('ssh_pubkey', { text: readFileSync(path, 'utf8').trim() })).toBe(
      key.publicKeyHex,
    );
    const seed = toHex(randomBytes(32));
    const keyfile = join(dir, 'client.priv');
    const fileKey = await CryptosignKey.load(seed);
    writeFileSync(
      keyfile,
      `A comment.\n\nprivate-key-ed25519: ${seed}\npublic-key-ed25519: ${fileKey.publicKeyHex}\n`,
    );
    expect(await py.call('keyfile_pubkey', { path: keyfile })).toBe(
      (await CryptosignKey.load(readFileSync(keyfile, 'utf8'))).publicKeyHex,
    );
  });

  it('SASLprep matches passlib on accepted and rejected strings', async () => {
    const strings = [
      'user',
      'I\u00ADX',
      '\u00AA',
      '\u2168',
      'Ångström',
      'ﬁ',
      'a\u00A0b',
      'x\u200By',
      '\u0007',
      'a\u0000',
      '\u05D0\u05D1',
      '\u0627\u0031',
      '\u05D0a\u05D1',
      'e\u0301',
      '\uFB01x',
      '\u3000',
      'mañana',
      '\uE000',
    ];
    const theirs = await py.call<(string | null)[]>('saslprep', { strings });
    const ours = strings.map((s) => {
      try {
        return saslprep(s);
      } catch {
        return null;
      }
    });
    expect(ours).toEqual(theirs);
  });
});
