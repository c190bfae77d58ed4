/**
 * wampkit/basic authenticating with @wampkit/auth's client authenticators through basicAuth():
 * WAMP-SCRAM (the router's server signature checked in onWelcome), WAMP-CRA and ticket against
 * our router, and refusals (wrong secret; a router welcoming under a method never offered).
 */
import { scram } from '@wampkit/auth/client/scram';
import { ticket } from '@wampkit/auth/client/ticket';
import { wampcra } from '@wampkit/auth/client/wampcra';
import { deriveScramCredential } from '@wampkit/auth/scram';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { basicAuth } from '../src/basic/auth.js';
import { type BasicConnectOptions, connect, SessionClosedError } from '../src/basic/index.js';

const WS = WebSocket as unknown as BasicConnectOptions['WebSocket'];
let router: StartedRouter;

beforeAll(async () => {
  router = await startRouter({
    realms: ['secure'],
    autoCreateRealms: false,
    auth: {
      secure: {
        scram: {
          principals: {
            alice: {
              credential: await deriveScramCredential({
                password: 'pw-alice',
                kdf: 'pbkdf2',
                iterations: 4096,
              }),
              role: 'user',
            },
          },
        },
        wampcra: { principals: { peter: { secret: 'cra-secret', role: 'user' } } },
        ticket: { principals: { joe: { ticket: 'tkt', role: 'user' } } },
        roles: { user: [{ uri: 'com.', match: 'prefix', allow: { call: true, register: true } }] },
      },
    },
  });
});
afterAll(async () => {
  await router?.close();
});

const open = (auth: Parameters<typeof basicAuth>[0]) =>
  connect({ url: router.url, realm: 'secure', WebSocket: WS, ...basicAuth(auth) });

describe('wampkit/basic with basicAuth()', () => {
  it('joins with WAMP-SCRAM, WAMP-CRA and ticket', async () => {
    for (const [auth, authid] of [
      [scram({ authid: 'alice', password: 'pw-alice' }), 'alice'],
      [wampcra({ authid: 'peter', secret: 'cra-secret' }), 'peter'],
      [ticket({ authid: 'joe', ticket: 'tkt' }), 'joe'],
    ] as const) {
      const s = await open(auth);
      expect(s.authid).toBe(authid);
      expect(s.authrole).toBe('user');
      expect(s.details.authmethod).toBe(auth.authmethod);
      await s.register(`com.basic.auth.${authid}`, () => authid);
      expect((await s.call(`com.basic.auth.${authid}`)).args).toEqual([authid]);
      await s.leave();
    }
  });

  it('offers several methods and joins with the one the router picks', async () => {
    const s = await open([
      ticket({ authid: 'joe', ticket: 'tkt' }),
      wampcra({ authid: 'joe', secret: 'x' }),
    ]);
    expect(s.details.authmethod).toBe('ticket');
    await s.leave();
  });

  it('is refused with a wrong secret', async () => {
    const err = await open(scram({ authid: 'alice', password: 'wrong' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionClosedError);
    expect((err as SessionClosedError).reason).toMatch(
      /^wamp\.error\.(authentication_denied|not_authorized|cannot_authenticate)$/,
    );
  });

  it('refuses a WELCOME its onWelcome rejects: ABORT cannot_authenticate, join fails with the cause', async () => {
    const err = await connect({
      url: router.url,
      realm: 'secure',
      WebSocket: WS,
      ...basicAuth(ticket({ authid: 'joe', ticket: 'tkt' })),
      onWelcome: async (details) => {
        throw new Error(`refusing ${String(details.authid)}`);
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionClosedError);
    expect((err as SessionClosedError).reason).toBe('wamp.error.cannot_authenticate');
    expect((err as SessionClosedError).cause).toMatchObject({ message: 'refusing joe' });
  });
});
