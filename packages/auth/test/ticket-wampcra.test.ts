import { describe, expect, it } from 'vitest';
import {
  AnonymousVerifier,
  AuthenticationDeniedError,
  AuthenticationFailedError,
  AuthUris,
  anonymous,
  ChallengeError,
  NoMatchingAuthMethodError,
  NoSuchPrincipalError,
  negotiateAuthMethod,
} from '../src/index.js';
import { TicketAuthenticator, TicketVerifier, ticket } from '../src/ticket.js';
import {
  computeSignature,
  deriveKey,
  WampCraAuthenticator,
  WampCraVerifier,
  wampcra,
} from '../src/wampcra.js';
import { errorText, exchange, helloFor, rejection } from './helpers.js';

const TICKET = 'tkt-7f3a-secret-value';
const CRA_SECRET = 'cra-very-secret-9c1d';

describe('anonymous', () => {
  it('is admitted without a challenge, under a random authid', async () => {
    const { result } = await exchange(anonymous({ authid: 'mallory' }), new AnonymousVerifier());
    expect(result.authrole).toBe('anonymous');
    expect(result.authmethod).toBe('anonymous');
    expect(result.authid).not.toBe('mallory');
  });

  it('is never challenged on the client side', async () => {
    expect(await rejection(anonymous().onChallenge('ticket', {}))).toBeInstanceOf(ChallengeError);
  });
});

describe('negotiateAuthMethod', () => {
  const verifiers = [new TicketVerifier({ principals: {} }), new AnonymousVerifier()];

  it('follows the client order', () => {
    expect(negotiateAuthMethod(['wampcra', 'ticket', 'anonymous'], verifiers).authmethod).toBe(
      'ticket',
    );
    expect(negotiateAuthMethod(undefined, verifiers).authmethod).toBe('anonymous');
  });

  it('rejects with wamp.error.no_matching_auth_method', () => {
    let error: unknown;
    try {
      negotiateAuthMethod(['cryptosign'], verifiers);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NoMatchingAuthMethodError);
    expect((error as NoMatchingAuthMethodError).uri).toBe('wamp.error.no_matching_auth_method');
  });
});

describe('ticket', () => {
  const verifier = () =>
    new TicketVerifier({ principals: { joe: { ticket: TICKET, role: 'user' } } });

  it('round-trips', async () => {
    const { outcome, result } = await exchange(
      ticket({ authid: 'joe', ticket: TICKET }),
      verifier(),
    );
    expect(outcome.kind === 'challenge' && outcome.extra).toEqual({});
    expect(result).toEqual({
      authid: 'joe',
      authrole: 'user',
      authmethod: 'ticket',
      authprovider: 'static',
    });
  });

  it('takes a ticket provider function', async () => {
    const client = new TicketAuthenticator({ authid: 'joe', ticket: async () => TICKET });
    expect((await exchange(client, verifier())).result.authrole).toBe('user');
  });

  it('denies a wrong ticket with wamp.error.authentication_denied, without echoing it', async () => {
    const error = await rejection(
      exchange(ticket({ authid: 'joe', ticket: `${TICKET}x` }), verifier()),
    );
    expect(error).toBeInstanceOf(AuthenticationDeniedError);
    expect(error.uri).toBe(AuthUris.authenticationDenied);
    expect(errorText(error)).not.toContain(TICKET);
  });

  it('reports an unknown authid as wamp.error.no_such_principal', async () => {
    const error = await rejection(exchange(ticket({ authid: 'ann', ticket: TICKET }), verifier()));
    expect(error).toBeInstanceOf(NoSuchPrincipalError);
    expect(error.uri).toBe('wamp.error.no_such_principal');
  });

  it('denies a HELLO without authid as malformed', async () => {
    const client = ticket({ authid: '', ticket: TICKET });
    const error = await rejection(verifier().hello('ticket', helloFor(client)));
    expect(error.reason).toBe('malformed');
  });

  it('accepts one AUTHENTICATE per challenge (replay denied)', async () => {
    const outcome = await verifier().hello(
      'ticket',
      helloFor(ticket({ authid: 'joe', ticket: TICKET })),
    );
    if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
    await outcome.pending.authenticate(TICKET, {});
    const error = await rejection(outcome.pending.authenticate(TICKET, {}));
    expect(error).toBeInstanceOf(AuthenticationDeniedError);
    expect(error.reason).toBe('replayed');
  });

  it('denies an AUTHENTICATE after the challenge deadline', async () => {
    let now = 1_000_000;
    const v = new TicketVerifier({
      principals: { joe: { ticket: TICKET, role: 'user' } },
      challengeTimeoutMs: 5_000,
      now: () => now,
    });
    const outcome = await v.hello('ticket', helloFor(ticket({ authid: 'joe', ticket: TICKET })));
    if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
    now += 5_001;
    expect((await rejection(outcome.pending.authenticate(TICKET, {}))).reason).toBe('expired');
  });

  it('denies a non-string signature as malformed', async () => {
    const outcome = await verifier().hello(
      'ticket',
      helloFor(ticket({ authid: 'joe', ticket: TICKET })),
    );
    if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
    const error = await rejection(outcome.pending.authenticate(42 as unknown as string, {}));
    expect(error.reason).toBe('malformed');
  });

  it('supports a dynamic check hook; a throwing hook is authentication_failed', async () => {
    const dynamic = new TicketVerifier({
      check: (authid, t) => (t === `jwt-for-${authid}` ? { role: 'frontend' } : undefined),
    });
    const ok = await exchange(ticket({ authid: 'ann', ticket: 'jwt-for-ann' }), dynamic);
    expect(ok.result).toMatchObject({
      authid: 'ann',
      authrole: 'frontend',
      authprovider: 'dynamic',
    });
    expect(
      (await rejection(exchange(ticket({ authid: 'ann', ticket: 'nope' }), dynamic))).reason,
    ).toBe('bad-credentials');
    const broken = new TicketVerifier({
      check: () => {
        throw new Error('db down');
      },
    });
    const error = await rejection(exchange(ticket({ authid: 'ann', ticket: 'x' }), broken));
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect(error.uri).toBe('wamp.error.authentication_failed');
  });

  it('refuses a challenge for another method', async () => {
    expect(
      await rejection(ticket({ authid: 'a', ticket: 't' }).onChallenge('wampcra', {})),
    ).toBeInstanceOf(ChallengeError);
  });
});

describe('wampcra', () => {
  it('round-trips with a plain secret; the challenge binds authid, role, nonce, time and session', async () => {
    const v = new WampCraVerifier({
      principals: { peter: { secret: CRA_SECRET, role: 'user', authprovider: 'userdb' } },
    });
    const { outcome, result, response } = await exchange(
      wampcra({ authid: 'peter', secret: CRA_SECRET }),
      v,
      {
        sessionId: 3251278072152162,
      },
    );
    if (outcome.kind !== 'challenge') throw new Error('expected a challenge');
    const challenge = JSON.parse(outcome.extra.challenge as string);
    expect(challenge).toMatchObject({
      authid: 'peter',
      authrole: 'user',
      authmethod: 'wampcra',
      authprovider: 'userdb',
      session: 3251278072152162,
    });
    expect(typeof challenge.nonce).toBe('string');
    expect(Number.isNaN(Date.parse(challenge.timestamp))).toBe(false);
    expect(response?.signature).toBe(
      await computeSignature(CRA_SECRET, outcome.extra.challenge as string),
    );
    expect(result).toEqual({
      authid: 'peter',
      authrole: 'user',
      authmethod: 'wampcra',
      authprovider: 'userdb',
    });
  });

  it('round-trips with a salted (PBKDF2) secret; the router stores only the derived key', async () => {
    const derived = await deriveKey(CRA_SECRET, 'salt123', 1000, 32);
    const v = new WampCraVerifier({
      principals: {
        peter: { secret: derived, salt: 'salt123', iterations: 1000, keylen: 32, role: 'user' },
      },
    });
    const { outcome, result } = await exchange(wampcra({ authid: 'peter', secret: CRA_SECRET }), v);
    expect(outcome.kind === 'challenge' && outcome.extra).toMatchObject({
      salt: 'salt123',
      iterations: 1000,
      keylen: 32,
    });
    expect(result.authrole).toBe('user');
  });

  const verifier = () =>
    new WampCraVerifier({ principals: { peter: { secret: CRA_SECRET, role: 'user' } } });

  it('denies a wrong secret without leaking either secret', async () => {
    const error = await rejection(
      exchange(wampcra({ authid: 'peter', secret: 'guess' }), verifier()),
    );
    expect(error).toBeInstanceOf(AuthenticationDeniedError);
    expect(error.uri).toBe('wamp.error.authentication_denied');
    expect(error.reason).toBe('bad-credentials');
    expect(errorText(error)).not.toContain(CRA_SECRET);
    expect(errorText(error)).not.toContain('guess');
  });

  it.each([
    ['not base64', '***'],
    ['too short', 'AAAA'],
    ['empty', ''],
    ['non-canonical base64', 'gir1mSx+deCDUV7wRM5SGIn/+R/ClqLZuH4m7FJeBVJ='],
  ])('denies a malformed signature (%s)', async (_name, signature) => {
    const error = await rejection(
      exchange(wampcra({ authid: 'peter', secret: CRA_SECRET }), verifier(), {
        tamper: (r) => ({ ...r, signature }),
      }),
    );
    expect(error.reason).toBe('malformed');
  });

  it('denies a signature replayed from another session (new challenge)', async () => {
    const first = await exchange(wampcra({ authid: 'peter', secret: CRA_SECRET }), verifier());
    const error = await rejection(
      exchange(wampcra({ authid: 'peter', secret: CRA_SECRET }), verifier(), {
        tamper: () => first.response!,
      }),
    );
    expect(error.reason).toBe('bad-credentials');
  });

  it('client rejects unusable challenges', async () => {
    const client = new WampCraAuthenticator({
      authid: 'peter',
      secret: CRA_SECRET,
      maxIterations: 10_000,
    });
    expect(await rejection(client.onChallenge('wampcra', {}))).toBeInstanceOf(ChallengeError);
    expect(
      await rejection(
        client.onChallenge('wampcra', { challenge: 'x', salt: 's', iterations: 1e9 }),
      ),
    ).toBeInstanceOf(ChallengeError);
    expect(
      await rejection(client.onChallenge('wampcra', { challenge: 'x', salt: 's', keylen: 0 })),
    ).toBeInstanceOf(ChallengeError);
    expect(await rejection(client.onChallenge('ticket', { challenge: 'x' }))).toBeInstanceOf(
      ChallengeError,
    );
  });

  it('reports unknown authid and lookup failures with their URIs', async () => {
    expect(
      (await rejection(exchange(wampcra({ authid: 'ann', secret: 'x' }), verifier()))).uri,
    ).toBe('wamp.error.no_such_principal');
    const broken = new WampCraVerifier({
      principals: async () => {
        throw new Error('ldap down');
      },
    });
    expect((await rejection(exchange(wampcra({ authid: 'ann', secret: 'x' }), broken))).uri).toBe(
      'wamp.error.authentication_failed',
    );
  });
});
