/**
 * wampkit authenticates against our router with every method of issue 7 (`connect({ auth })`,
 * and over wss:// and RawSocket-over-TLS through the same `sessionAuthOptions`): ticket, WAMP-CRA
 * (plain and PBKDF2-salted), WAMP-SCRAM (pbkdf2, argon2id13, and Autobahn's `scram` dialect),
 * cryptosign (hex seed, Autobahn key file, raw bytes; tls-unique and tls-exporter channel
 * binding), anonymous and TLS client certificates. Wrong credentials are refused with the spec's
 * URIs, the client refuses a WELCOME whose WAMP-SCRAM server signature does not verify, and no
 * secret reaches the router's log or an error message.
 */
import type { Authenticator } from '@wampkit/auth';
import { anonymous, ServerVerificationError, tlsClientCertificate } from '@wampkit/auth';
import { CryptosignKey, cryptosign } from '@wampkit/auth/cryptosign';
import { scram } from '@wampkit/auth/scram';
import { ticket } from '@wampkit/auth/ticket';
import { wampcra } from '@wampkit/auth/wampcra';
import { createJsonSerializer } from '@wampkit/serializers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWebSocket } from '../../session/src/transports/websocket-node.js';
import { connectRawSocket } from '../../transport-rawsocket/src/index.js';
import {
  type AuthOption,
  connect,
  joinSession,
  type Session,
  SessionClosedError,
  sessionAuthOptions,
} from '../../wampkit/src/index.js';
import { type StartedRouter, startRouter } from '../src/index.js';
import { type AuthFixture, autobahnKeyFile, makeAuthFixture, SECRETS } from './auth-fixtures.js';

let fx: AuthFixture;
let router: StartedRouter;
let tlsRouter: StartedRouter;
const logs: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  fx = await makeAuthFixture();
  const log = (_level: string, message: string) => logs.push(message);
  router = await startRouter({
    realms: ['secure', 'open'],
    autoCreateRealms: false,
    auth: fx.config,
    log,
  });
  tlsRouter = await startRouter({
    realms: ['secure'],
    autoCreateRealms: false,
    auth: fx.config,
    log,
    tls: {
      key: fx.certs.serverKey,
      cert: fx.certs.serverCert,
      ca: fx.certs.ca,
      requestCert: true,
      rejectUnauthorized: false,
    },
    rawsocket: {
      tls: {
        key: fx.certs.serverKey,
        cert: fx.certs.serverCert,
        ca: fx.certs.ca,
        requestCert: true,
        rejectUnauthorized: false,
      },
    },
  });
});

afterAll(async () => {
  await router?.close();
  await tlsRouter?.close();
  fx?.certs.cleanup();
});

async function join(realm: string, auth: AuthOption): Promise<Session> {
  return connect({ url: router.url, realm, auth });
}

/** wss:// with the test CA (and a client certificate when asked). */
async function joinTls(auth: AuthOption, clientCert = false): Promise<Session> {
  const tls = clientCert
    ? { ca: fx.certs.ca, cert: fx.certs.clientCert, key: fx.certs.clientKey }
    : { ca: fx.certs.ca };
  const transport = await connectWebSocket(tlsRouter.url, {
    serializer: createJsonSerializer(),
    tls,
  });
  return joinSession(transport, { realm: 'secure', ...sessionAuthOptions(auth, transport) });
}

/** The join's rejection, which must be a SessionClosedError. */
async function refusal(joining: Promise<Session>): Promise<SessionClosedError> {
  const outcome = await joining.then(
    (s) => {
      void s.leave();
      return new Error(`joined as ${s.authid}/${s.authrole}`);
    },
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(SessionClosedError);
  const e = outcome as SessionClosedError;
  errors.push(e.message, String((e.cause as Error | undefined)?.message ?? ''));
  return e;
}

async function joinedAs(joining: Promise<Session>) {
  const s = await joining;
  const out = {
    authid: s.authid,
    authrole: s.authrole,
    authmethod: s.details.authmethod,
    id: s.id,
  };
  await s.leave();
  return out;
}

describe('wampkit joins with each method', () => {
  it.each<[string, () => Promise<Authenticator> | Authenticator, string, string, string]>([
    ['ticket', () => ticket({ authid: 'joe', ticket: SECRETS.ticket }), 'joe', 'user', 'ticket'],
    [
      'wampcra',
      () => wampcra({ authid: 'peter', secret: SECRETS.cra }),
      'peter',
      'user',
      'wampcra',
    ],
    [
      'wampcra, salted (PBKDF2)',
      () => wampcra({ authid: 'salty', secret: SECRETS.craSalted }),
      'salty',
      'user',
      'wampcra',
    ],
    [
      'wamp-scram, pbkdf2',
      () => scram({ authid: 'alice', password: SECRETS.scramPbkdf2 }),
      'alice',
      'frontend',
      'wamp-scram',
    ],
    [
      'wamp-scram, argon2id13',
      () => scram({ authid: 'argon', password: SECRETS.scramArgon, minArgon2Memory: 1024 }),
      'argon',
      'frontend',
      'wamp-scram',
    ],
    [
      'scram (Autobahn dialect), argon2id-13',
      () =>
        scram({
          authid: 'ab',
          password: SECRETS.scramAutobahn,
          dialect: 'scram',
          minArgon2Memory: 1024,
        }),
      'ab',
      'frontend',
      'scram',
    ],
    [
      'cryptosign, hex seed',
      async () => cryptosign({ key: await CryptosignKey.load(SECRETS.seed) }),
      'device',
      'device',
      'cryptosign',
    ],
    [
      'cryptosign, Autobahn|Python key file',
      async () =>
        cryptosign({ key: await CryptosignKey.load(autobahnKeyFile(fx.key, SECRETS.seed)) }),
      'device',
      'device',
      'cryptosign',
    ],
    [
      'cryptosign, raw 32-byte seed (CryptosignKey.from_file)',
      async () =>
        cryptosign({
          key: await CryptosignKey.load(new Uint8Array(Buffer.from(SECRETS.seed, 'hex'))),
        }),
      'device',
      'device',
      'cryptosign',
    ],
  ])('%s', async (_name, make, authid, authrole, authmethod) => {
    const joined = await joinedAs(join('secure', await make()));
    expect(joined).toMatchObject({ authid, authrole, authmethod });
  });

  it('anonymous where the realm allows it', async () => {
    const joined = await joinedAs(join('open', anonymous()));
    expect(joined).toMatchObject({ authrole: 'guest', authmethod: 'anonymous' });
    expect(joined.authid).toMatch(/^anonymous-/);
  });

  it('offers several methods; the router takes the first it accepts', async () => {
    const joined = await joinedAs(
      join('secure', [
        anonymous(),
        cryptosign({ key: await CryptosignKey.load(SECRETS.seed) }),
        ticket({ authid: 'device', ticket: 'unused' }),
      ]),
    );
    expect(joined).toMatchObject({ authmethod: 'cryptosign', authrole: 'device' });
  });

  it("WAMP-CRA's challenge carries the session ID that WELCOME then assigns", async () => {
    let challenged: Record<string, unknown> | undefined;
    const inner = wampcra({ authid: 'peter', secret: SECRETS.cra });
    const spy: Authenticator = {
      authmethod: 'wampcra',
      authid: 'peter',
      onChallenge(method, extra, context) {
        challenged = JSON.parse(String(extra.challenge));
        return inner.onChallenge(method, extra, context);
      },
    };
    const joined = await joinedAs(join('secure', spy));
    expect(challenged?.session).toBe(joined.id);
    expect(challenged).toMatchObject({ authid: 'peter', authrole: 'user', authmethod: 'wampcra' });
  });
});

describe('wrong credentials are refused with the spec URIs', () => {
  it.each<[string, () => Promise<Authenticator> | Authenticator, string]>([
    [
      'ticket, wrong ticket',
      () => ticket({ authid: 'joe', ticket: SECRETS.wrong }),
      'wamp.error.authentication_denied',
    ],
    [
      'ticket, unknown authid',
      () => ticket({ authid: 'nobody', ticket: SECRETS.ticket }),
      'wamp.error.no_such_principal',
    ],
    [
      'wampcra, wrong secret',
      () => wampcra({ authid: 'peter', secret: SECRETS.wrong }),
      'wamp.error.authentication_denied',
    ],
    [
      'wampcra salted, wrong secret',
      () => wampcra({ authid: 'salty', secret: SECRETS.wrong }),
      'wamp.error.authentication_denied',
    ],
    [
      'wamp-scram pbkdf2, wrong password',
      () => scram({ authid: 'alice', password: SECRETS.wrong }),
      'wamp.error.authentication_denied',
    ],
    [
      'wamp-scram argon2id13, wrong password',
      () => scram({ authid: 'argon', password: SECRETS.wrong, minArgon2Memory: 1024 }),
      'wamp.error.authentication_denied',
    ],
    // An unknown SCRAM user gets a mock challenge and the same refusal as a wrong password.
    [
      'wamp-scram, unknown authid',
      () => scram({ authid: 'nobody', password: SECRETS.wrong }),
      'wamp.error.authentication_denied',
    ],
    [
      'cryptosign, unknown key',
      async () => cryptosign({ key: await CryptosignKey.load(SECRETS.wrongSeed) }),
      'wamp.error.no_such_principal',
    ],
    ['anonymous, realm without it', () => anonymous(), 'wamp.error.no_matching_auth_method'],
  ])('%s', async (_name, make, uri) => {
    const e = await refusal(join('secure', await make()));
    expect(e.reason).toBe(uri);
    expect(e.initiator).toBe('remote');
  });

  it('channel binding asked for over plain ws:// is refused', async () => {
    const key = await CryptosignKey.load(SECRETS.seed);
    const e = await refusal(join('secure', cryptosign({ key, channelBinding: 'tls-unique' })));
    expect(e.reason).toBe('wamp.error.authentication_denied');
  });
});

describe('mutual authentication: the WAMP-SCRAM server signature is checked on WELCOME', () => {
  async function routerThatTampers(change: (authextra: Record<string, unknown>) => void) {
    const { RealmSecurity } = await import('../src/index.js');
    const security = new RealmSecurity(fx.config);
    const inner = security.authenticator;
    return startRouter({
      realms: ['secure'],
      authenticator: {
        hello: (request) => inner.hello(request),
        async authenticate(request) {
          const d = await inner.authenticate!(request);
          if (d.kind !== 'welcome') return d;
          const authextra = { ...d.authextra };
          change(authextra);
          return { ...d, authextra };
        },
      },
    });
  }

  it.each([
    [
      'a forged signature',
      (x: Record<string, unknown>) => {
        x.verifier = Buffer.alloc(32, 7).toString('base64');
      },
    ],
    [
      'no signature',
      (x: Record<string, unknown>) => {
        delete x.verifier;
      },
    ],
  ])('%s fails the join with wamp.error.cannot_authenticate', async (_name, change) => {
    const evil = await routerThatTampers(change);
    try {
      const e = await refusal(
        connect({
          url: evil.url,
          realm: 'secure',
          auth: scram({ authid: 'alice', password: SECRETS.scramPbkdf2 }),
        }),
      );
      expect(e.reason).toBe('wamp.error.cannot_authenticate');
      expect(e.initiator).toBe('local');
      expect(e.cause).toBeInstanceOf(ServerVerificationError);
    } finally {
      await evil.close();
    }
  });

  it('a WELCOME under a method the client did not offer fails the join', async () => {
    const evil = await startRouter({
      realms: ['secure'],
      authenticator: {
        hello: () => ({
          kind: 'welcome',
          authid: 'alice',
          authrole: 'frontend',
          authmethod: 'anonymous',
          authprovider: 'static',
        }),
      },
    });
    try {
      const e = await refusal(
        connect({
          url: evil.url,
          realm: 'secure',
          auth: scram({ authid: 'alice', password: SECRETS.scramPbkdf2 }),
        }),
      );
      expect(e.reason).toBe('wamp.error.cannot_authenticate');
      expect(e.cause).toBeInstanceOf(ServerVerificationError);
    } finally {
      await evil.close();
    }
  });
});

describe('over TLS (wss://, RawSocket)', () => {
  it.each([
    'tls-unique',
    'tls-exporter',
  ] as const)('wamp-scram with %s channel binding', async (channelBinding) => {
    const joined = await joinedAs(
      joinTls(scram({ authid: 'alice', password: SECRETS.scramPbkdf2, channelBinding })),
    );
    expect(joined).toMatchObject({ authid: 'alice', authmethod: 'wamp-scram' });
  });

  it.each([
    'tls-unique',
    'tls-exporter',
  ] as const)('cryptosign with %s channel binding', async (channelBinding) => {
    const key = await CryptosignKey.load(SECRETS.seed);
    const joined = await joinedAs(joinTls(cryptosign({ key, channelBinding })));
    expect(joined).toMatchObject({ authid: 'device', authmethod: 'cryptosign' });
  });

  it('a TLS client certificate authenticates (authmethod tls)', async () => {
    const joined = await joinedAs(joinTls(tlsClientCertificate(), true));
    expect(joined).toMatchObject({ authid: 'client-1', authrole: 'machine', authmethod: 'tls' });
  });

  it('authmethod tls without a client certificate is refused', async () => {
    const e = await refusal(joinTls(tlsClientCertificate()));
    expect(e.reason).toBe('wamp.error.authentication_denied');
  });

  it('a TLS client certificate authenticates over RawSocket-over-TLS', async () => {
    const transport = await connectRawSocket(tlsRouter.rawsocket!.url, {
      serializer: createJsonSerializer(),
      tls: { ca: fx.certs.ca, cert: fx.certs.clientCert, key: fx.certs.clientKey },
    });
    const auth = tlsClientCertificate();
    const joined = await joinedAs(
      joinSession(transport, { realm: 'secure', ...sessionAuthOptions(auth, transport) }),
    );
    expect(joined).toMatchObject({ authid: 'client-1', authrole: 'machine', authmethod: 'tls' });
  });
});

describe('secrets never appear in logs or error messages', () => {
  it('none of the secrets is in the router log or a join error', () => {
    expect(logs.some((l) => l.includes('authentication refused'))).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    const text = [...logs, ...errors].join('\n');
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  });
});
