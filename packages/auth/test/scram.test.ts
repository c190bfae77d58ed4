import { describe, expect, it } from 'vitest';
import {
  AuthenticationDeniedError,
  ChallengeError,
  ServerVerificationError,
} from '../src/index.js';
import { randomBytes, toBase64 } from '../src/internal/bytes.js';
import {
  deriveScramCredential,
  ScramAuthenticator,
  type ScramAuthenticatorOptions,
  type ScramCredential,
  type ScramKdf,
  ScramVerifier,
  saslprep,
} from '../src/scram.js';
import { errorText, exchange, helloFor, rejection } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
// Low cost parameters keep the suite fast; the client bounds are lowered to match.
const LIMITS = {
  minPbkdf2Iterations: 1000,
  minArgon2Memory: 64,
} satisfies Partial<ScramAuthenticatorOptions>;
const PARAMS: Record<ScramKdf, { iterations: number; memory?: number }> = {
  pbkdf2: { iterations: 1000 },
  argon2id13: { iterations: 2, memory: 256 },
  'argon2id-13': { iterations: 2, memory: 256 },
};

const credentials = new Map<ScramKdf, Promise<ScramCredential>>();
function credential(kdf: ScramKdf): Promise<ScramCredential> {
  let c = credentials.get(kdf);
  if (!c) {
    c = deriveScramCredential({ password: PASSWORD, kdf, ...PARAMS[kdf] });
    credentials.set(kdf, c);
  }
  return c;
}

async function verifier(
  kdf: ScramKdf,
  extra: Partial<ConstructorParameters<typeof ScramVerifier>[0]> = {},
) {
  const c = await credential(kdf);
  return new ScramVerifier({
    principals: { alice: { credential: c, role: 'frontend' } },
    ...extra,
  });
}

const client = (options: Partial<ScramAuthenticatorOptions> = {}) =>
  new ScramAuthenticator({ authid: 'alice', password: PASSWORD, ...LIMITS, ...options });

describe('wamp-scram round trips', () => {
  for (const kdf of ['pbkdf2', 'argon2id13'] as const) {
    it(`authenticates with ${kdf} and checks the server signature`, async () => {
      const { outcome, response, result } = await exchange(client(), await verifier(kdf));
      if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
      expect(outcome.authmethod).toBe('wamp-scram');
      expect(outcome.extra).toMatchObject({
        kdf,
        channel_binding: null,
        iterations: PARAMS[kdf].iterations,
      });
      expect(outcome.extra.memory).toBe(PARAMS[kdf].memory ?? null);
      expect(response?.extra).toEqual({
        nonce: outcome.extra.nonce,
        channel_binding: null,
        cbind_data: null,
      });
      expect(result.authmethod).toBe('wamp-scram');
      expect(result.authrole).toBe('frontend');
      expect(typeof result.authextra?.verifier).toBe('string');
    });
  }

  it('speaks the Autobahn|Python/Crossbar dialect (authmethod scram, kdf argon2id-13)', async () => {
    const { outcome, response, result } = await exchange(
      client({ dialect: 'scram' }),
      await verifier('argon2id-13'),
    );
    if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
    expect(outcome.authmethod).toBe('scram');
    expect(Object.keys(outcome.extra).sort()).toEqual([
      'iterations',
      'kdf',
      'memory',
      'nonce',
      'salt',
    ]);
    expect(response?.extra).toEqual({});
    expect(typeof result.authextra?.scram_server_signature).toBe('string');
  });

  it('accepts the verifier with the "v=" prefix the spec example shows', async () => {
    await exchange(client(), await verifier('pbkdf2'), {
      welcome: (d) => ({
        ...d,
        authextra: { verifier: `v=${(d.authextra as { verifier: string }).verifier}` },
      }),
    });
  });

  it('denies a wrong password without leaking it', async () => {
    const error = await rejection(
      exchange(client({ password: 'Tr0ub4dor&3' }), await verifier('pbkdf2')),
    );
    expect(error).toBeInstanceOf(AuthenticationDeniedError);
    expect(error.uri).toBe('wamp.error.authentication_denied');
    expect(error.reason).toBe('bad-credentials');
    expect(errorText(error)).not.toContain('Tr0ub4dor&3');
    expect(errorText(error)).not.toContain(PASSWORD);
  });

  it('gives an unknown user a stable mock challenge and then denies', async () => {
    const v = await verifier('pbkdf2');
    const eve = client({ authid: 'eve' });
    const first = await v.hello('wamp-scram', helloFor(eve));
    const second = await v.hello('wamp-scram', helloFor(client({ authid: 'eve' })));
    if (first.kind !== 'challenge' || second.kind !== 'challenge')
      throw new Error('expected challenges');
    expect(first.extra.salt).toBe(second.extra.salt);
    expect(Object.keys(first.extra).sort()).toEqual([
      'channel_binding',
      'iterations',
      'kdf',
      'memory',
      'nonce',
      'salt',
    ]);
    const response = await eve.onChallenge('wamp-scram', first.extra);
    const error = await rejection(
      first.pending.authenticate(response.signature, response.extra ?? {}),
    );
    expect(error.uri).toBe('wamp.error.authentication_denied');
  });

  it('client aborts when the server signature is wrong or missing', async () => {
    const v = await verifier('pbkdf2');
    const wrong = await rejection(
      exchange(client(), v, {
        welcome: (d) => ({ ...d, authextra: { verifier: toBase64(randomBytes(32)) } }),
      }),
    );
    expect(wrong).toBeInstanceOf(ServerVerificationError);
    const missing = await rejection(
      exchange(client(), v, { welcome: (d) => ({ ...d, authextra: {} }) }),
    );
    expect(missing).toBeInstanceOf(ServerVerificationError);
  });

  it('denies a replayed AUTHENTICATE, a changed nonce and a malformed proof', async () => {
    const v = await verifier('pbkdf2');
    const c = client();
    const outcome = await v.hello('wamp-scram', helloFor(c));
    if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
    const r = await c.onChallenge('wamp-scram', outcome.extra);
    await outcome.pending.authenticate(r.signature, r.extra!);
    expect((await rejection(outcome.pending.authenticate(r.signature, r.extra!))).reason).toBe(
      'replayed',
    );

    const nonce = await rejection(
      exchange(client(), v, {
        tamper: (x) => ({ ...x, extra: { ...x.extra, nonce: `${x.extra!.nonce}A` } }),
      }),
    );
    expect(nonce.reason).toBe('nonce-mismatch');
    const proof = await rejection(
      exchange(client(), v, { tamper: (x) => ({ ...x, signature: 'AAAA' }) }),
    );
    expect(proof.reason).toBe('malformed');
    // A proof from an earlier exchange does not fit the new nonces.
    const old = await rejection(
      exchange(client(), v, { tamper: (x) => ({ ...x, signature: r.signature }) }),
    );
    expect(old.reason).toBe('bad-credentials');
  });

  it('client rejects a rogue challenge', async () => {
    const c = client({ minPbkdf2Iterations: 4096 });
    const { nonce } = c.authextra as { nonce: string };
    const base = {
      nonce: `${nonce}c2VydmVy`,
      salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
      kdf: 'pbkdf2',
      iterations: 4096,
      memory: null,
      channel_binding: null,
    };
    const cases: Record<string, unknown>[] = [
      { ...base, iterations: 1000 }, // unusually low cost
      { ...base, kdf: 'md5' },
      { ...base, nonce: `x${nonce}` }, // does not extend the client nonce
      { ...base, nonce }, // no server part
      { ...base, salt: 'not base64!' },
      { ...base, channel_binding: 'tls-unique' }, // binding not requested
      { ...base, kdf: 'argon2id13', iterations: 1, memory: 1 << 30 }, // memory bomb
    ];
    for (const extra of cases) {
      expect(
        await rejection(c.onChallenge('wamp-scram', extra)),
        JSON.stringify(extra),
      ).toBeInstanceOf(ChallengeError);
    }
  });

  it('binds to the TLS channel (tls-exporter and tls-unique)', async () => {
    const v = await verifier('pbkdf2');
    for (const type of ['tls-exporter', 'tls-unique'] as const) {
      const data = randomBytes(type === 'tls-exporter' ? 32 : 12);
      const ok = await exchange(client({ channelBinding: type }), v, {
        transport: { channelBinding: { [type]: data } },
        context: { channelBinding: { [type]: data } },
      });
      expect(ok.response?.extra).toMatchObject({
        channel_binding: type,
        cbind_data: toBase64(data),
      });
      // A man in the middle sees a different TLS channel than the client.
      const mitm = await rejection(
        exchange(client({ channelBinding: type }), v, {
          transport: { channelBinding: { [type]: data } },
          context: { channelBinding: { [type]: randomBytes(data.length) } },
        }),
      );
      expect(mitm.reason).toBe('channel-binding');
    }
    const unavailable = await rejection(exchange(client({ channelBinding: 'tls-unique' }), v));
    expect(unavailable.reason).toBe('channel-binding');
  });

  it('denies a HELLO with a missing or non-Base64 nonce', async () => {
    const v = await verifier('pbkdf2');
    for (const nonce of [undefined, 'not base64', 'AAAA']) {
      const error = await rejection(
        v.hello(
          'wamp-scram',
          helloFor(client(), { hello: (h) => ({ ...h, authextra: { nonce } }) }),
        ),
      );
      expect(error.reason).toBe('malformed');
    }
  });
});

describe('saslprep (RFC 4013 section 3 examples)', () => {
  it.each([
    ['I\u00ADX', 'IX'],
    ['user', 'user'],
    ['USER', 'USER'],
    ['\u00AA', 'a'],
    ['\u2168', 'IX'],
  ])('%j -> %j', (input, output) => {
    expect(saslprep(input)).toBe(output);
  });

  it('rejects a prohibited character and a bad bidi string', () => {
    expect(() => saslprep('\u0007')).toThrow();
    expect(() => saslprep('\u0627\u0031')).toThrow();
  });
});
