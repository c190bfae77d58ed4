import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CryptosignAuthenticator,
  CryptosignKey,
  CryptosignVerifier,
  cryptosign,
  cryptosignChannelId,
  parsePublicKey,
} from '../src/cryptosign.js';
import {
  AuthenticationDeniedError,
  ChallengeError,
  KeyFormatError,
  NoSuchPrincipalError,
  ServerVerificationError,
} from '../src/index.js';
import { randomBytes, toBase64, toHex } from '../src/internal/bytes.js';
import { exchange, helloFor, rejection } from './helpers.js';

const SEED = '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510';
const PUB = '1adfc8bfe1d35616e64dffbd900096f23b066f914c8c2ffbb66f6075b96e116d';

describe('cryptosign round trips', () => {
  it('authenticates a known key (static principals)', async () => {
    const key = await CryptosignKey.load(SEED);
    expect(key.publicKeyHex).toBe(PUB);
    const v = new CryptosignVerifier({
      principals: { 'client01@example.com': { authorizedKeys: [PUB], role: 'device' } },
    });
    const { outcome, response, result } = await exchange(cryptosign({ key }), v);
    if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
    expect(outcome.extra.channel_binding).toBeNull();
    expect(response?.signature).toMatch(/^[0-9a-f]{192}$/);
    expect(response?.signature.slice(128)).toBe(outcome.extra.challenge);
    expect(result).toEqual({
      authid: 'client01@example.com',
      authrole: 'device',
      authmethod: 'cryptosign',
      authprovider: 'static',
    });
  });

  it('authenticates through a dynamic lookup, authid defaulting to the HELLO authid', async () => {
    const key = await CryptosignKey.generate();
    const v = new CryptosignVerifier({
      lookup: (pub) => (pub === key.publicKeyHex ? { role: 'user' } : undefined),
    });
    const { result } = await exchange(cryptosign({ key, authid: 'bob' }), v);
    expect(result).toMatchObject({ authid: 'bob', authrole: 'user', authprovider: 'dynamic' });
  });

  it('rejects an unknown key, and a key used for another authid', async () => {
    const known = await CryptosignKey.load(SEED);
    const v = new CryptosignVerifier({
      principals: { alice: { authorizedKeys: [PUB], role: 'user' } },
    });
    const stranger = await rejection(
      exchange(cryptosign({ key: await CryptosignKey.generate() }), v),
    );
    expect(stranger).toBeInstanceOf(NoSuchPrincipalError);
    const other = await rejection(exchange(cryptosign({ key: known, authid: 'root' }), v));
    expect(other.uri).toBe('wamp.error.no_such_principal');
  });

  it('denies a signature by the wrong private key for an announced public key', async () => {
    const v = new CryptosignVerifier({
      principals: { alice: { authorizedKeys: [PUB], role: 'user' } },
    });
    const impostor = cryptosign({ key: await CryptosignKey.generate() });
    const error = await rejection(
      exchange(impostor, v, {
        hello: (h) => ({ ...h, authextra: { ...h.authextra, pubkey: PUB } }),
      }),
    );
    expect(error).toBeInstanceOf(AuthenticationDeniedError);
    expect(error.reason).toBe('bad-credentials');
  });

  it('denies malformed and replayed AUTHENTICATE messages', async () => {
    const key = await CryptosignKey.load(SEED);
    const v = new CryptosignVerifier({
      principals: { alice: { authorizedKeys: [PUB], role: 'user' } },
    });
    for (const signature of ['', 'zz'.repeat(96), '00'.repeat(95), '00'.repeat(97)]) {
      const error = await rejection(
        exchange(cryptosign({ key }), v, { tamper: (r) => ({ ...r, signature }) }),
      );
      expect(error.reason, signature).toBe('malformed');
    }
    // Signature over a different message (the trailing 32 bytes changed).
    const swapped = await rejection(
      exchange(cryptosign({ key }), v, {
        tamper: (r) => ({ ...r, signature: r.signature.slice(0, 128) + '00'.repeat(32) }),
      }),
    );
    expect(swapped.reason).toBe('bad-credentials');
    // A valid AUTHENTICATE from an earlier session does not answer a new challenge.
    const first = await exchange(cryptosign({ key }), v);
    const replay = await rejection(
      exchange(cryptosign({ key }), v, { tamper: () => first.response! }),
    );
    expect(replay.reason).toBe('bad-credentials');
    const outcome = await v.hello('cryptosign', helloFor(cryptosign({ key })));
    if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
    const r = await cryptosign({ key }).onChallenge('cryptosign', outcome.extra);
    await outcome.pending.authenticate(r.signature, {});
    expect((await rejection(outcome.pending.authenticate(r.signature, {}))).reason).toBe(
      'replayed',
    );
  });

  it('binds to the TLS channel (tls-unique hashed, tls-exporter as is)', async () => {
    const key = await CryptosignKey.load(SEED);
    const v = new CryptosignVerifier({
      principals: { alice: { authorizedKeys: [PUB], role: 'user' } },
    });
    for (const type of ['tls-unique', 'tls-exporter'] as const) {
      const data = randomBytes(type === 'tls-unique' ? 12 : 32);
      const { outcome, response } = await exchange(cryptosign({ key, channelBinding: type }), v, {
        transport: { channelBinding: { [type]: data } },
        context: { channelBinding: { [type]: data } },
      });
      if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
      expect(outcome.extra.channel_binding).toBe(type);
      const id = await cryptosignChannelId(type, data);
      const challenge = Buffer.from(outcome.extra.challenge as string, 'hex');
      const signed = Buffer.from(response!.signature.slice(128), 'hex');
      expect(toHex(signed.map((b, i) => b ^ challenge[i]!))).toBe(toHex(id));
      const mitm = await rejection(
        exchange(cryptosign({ key, channelBinding: type }), v, {
          transport: { channelBinding: { [type]: data } },
          context: { channelBinding: { [type]: randomBytes(data.length) } },
        }),
      );
      expect(mitm.reason).toBe('bad-credentials');
    }
    expect(
      (await rejection(exchange(cryptosign({ key, channelBinding: 'tls-unique' }), v))).reason,
    ).toBe('channel-binding');
  });

  it('client refuses a CHALLENGE whose channel binding differs from its request', async () => {
    const key = await CryptosignKey.load(SEED);
    const c = cryptosign({ key, channelBinding: 'tls-exporter' });
    const challenge = toHex(randomBytes(32));
    expect(
      await rejection(c.onChallenge('cryptosign', { challenge, channel_binding: null })),
    ).toBeInstanceOf(ChallengeError);
    expect(
      await rejection(
        c.onChallenge('cryptosign', { challenge: 'abc', channel_binding: 'tls-exporter' }),
      ),
    ).toBeInstanceOf(ChallengeError);
  });

  it('authenticates the router when the client asks (router authentication)', async () => {
    const key = await CryptosignKey.load(SEED);
    const routerKey = await CryptosignKey.generate();
    const principals = { alice: { authorizedKeys: [PUB], role: 'user' } };
    const v = new CryptosignVerifier({ principals, routerKey });
    const data = randomBytes(32);
    const channel = {
      transport: { channelBinding: { 'tls-exporter': data } },
      context: { channelBinding: { 'tls-exporter': data } },
    };
    const trusting = () =>
      new CryptosignAuthenticator({
        key,
        trustedRouterKeys: [routerKey.publicKeyHex],
        channelBinding: 'tls-exporter',
      });
    const { outcome } = await exchange(trusting(), v, channel);
    expect(outcome.kind === 'challenge' && outcome.extra.pubkey).toBe(routerKey.publicKeyHex);

    const impostor = new CryptosignVerifier({
      principals,
      routerKey: await CryptosignKey.generate(),
    });
    expect(await rejection(exchange(trusting(), impostor, channel))).toBeInstanceOf(
      ServerVerificationError,
    );
    const silent = new CryptosignVerifier({ principals });
    expect(await rejection(exchange(trusting(), silent, channel))).toBeInstanceOf(
      ServerVerificationError,
    );
  });
});

describe('cryptosign key formats', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wampkit-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads raw seed bytes, hex, and the Autobahn|Python key file (checking its public key)', async () => {
    const seed = Buffer.from(SEED, 'hex');
    expect((await CryptosignKey.load(new Uint8Array(seed))).publicKeyHex).toBe(PUB);
    const keyfile = `Comment lines until the first empty line.\ncreator: test\n\ncreator: test@host\npublic-key-ed25519: ${PUB}\nprivate-key-ed25519: ${SEED}\n`;
    expect((await CryptosignKey.load(keyfile)).publicKeyHex).toBe(PUB);
    expect(toHex(parsePublicKey(keyfile))).toBe(PUB);
    const mismatched = keyfile.replace(PUB, '00'.repeat(32));
    expect(await rejection(CryptosignKey.load(mismatched))).toBeInstanceOf(KeyFormatError);
  });

  it('loads an OpenSSH private key made by ssh-keygen and its public key line', async () => {
    const path = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'wampkit-test', '-f', path]);
    const key = await CryptosignKey.load(readFileSync(path, 'utf8'));
    expect(key.comment).toBe('wampkit-test');
    expect(toHex(parsePublicKey(readFileSync(`${path}.pub`, 'utf8')))).toBe(key.publicKeyHex);
    // The same key round-trips through the verifier under its OpenSSH public key line.
    const v = new CryptosignVerifier({
      principals: { me: { authorizedKeys: [readFileSync(`${path}.pub`, 'utf8')], role: 'user' } },
    });
    expect((await exchange(cryptosign({ key }), v)).result.authid).toBe('me');
  });

  it('refuses a passphrase-protected OpenSSH key and garbage', async () => {
    const path = join(dir, 'id_locked');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'hunter2', '-f', path]);
    const error = await rejection(CryptosignKey.load(readFileSync(path, 'utf8')));
    expect(error).toBeInstanceOf(KeyFormatError);
    expect(error.message).not.toContain('hunter2');
    for (const bad of [
      '',
      'abc',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----',
      new Uint8Array(31),
    ]) {
      expect(await rejection(CryptosignKey.load(bad))).toBeInstanceOf(KeyFormatError);
    }
  });

  it('reads a signify public key', () => {
    const blob = Buffer.concat([Buffer.from('Ed'), Buffer.alloc(8, 7), Buffer.from(PUB, 'hex')]);
    const text = `untrusted comment: signify public key\n${toBase64(blob)}\n`;
    expect(toHex(parsePublicKey(text))).toBe(PUB);
  });
});
