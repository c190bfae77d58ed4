/**
 * createComponent({ auth }): every (re)join authenticates afresh over the transport just opened
 * (WAMP-SCRAM needs a new client nonce per HELLO and checks the router's signature in WELCOME).
 * Our router with a WAMP-SCRAM principal, restarted on the same port while the Component runs.
 */
import { scram } from '@wampkit/auth/client/scram';
import { deriveScramCredential } from '@wampkit/auth/scram';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { afterEach, describe, expect, it } from 'vitest';
import { type Component, createComponent } from '../src/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

const credential = deriveScramCredential({ password: 'pw-1', kdf: 'pbkdf2', iterations: 4096 });

async function secureRouter(port = 0): Promise<StartedRouter> {
  const r = await startRouter({
    port,
    realms: ['secure'],
    autoCreateRealms: false,
    auth: {
      secure: {
        scram: { principals: { alice: { credential: await credential, role: 'user' } } },
        roles: { user: [{ uri: 'com.', match: 'prefix', allow: { call: true, register: true } }] },
      },
    },
  });
  cleanups.push(() => r.close());
  return r;
}

function joined(c: Component): Promise<number> {
  return new Promise((resolve) => {
    const off = c.on('join', (s) => {
      off();
      resolve(s.id);
    });
  });
}

describe('createComponent({ auth })', () => {
  it('authenticates every join with a fresh WAMP-SCRAM exchange, across a router restart', async () => {
    const first = await secureRouter();
    const port = Number(new URL(first.url).port);
    const c = createComponent({
      transports: first.url,
      realm: 'secure',
      auth: scram({ authid: 'alice', password: 'pw-1' }),
      reconnect: { initialDelay: 50, maxDelay: 200 },
      registrations: [
        { procedure: 'com.auth.whoami', handler: (inv) => inv.details.caller ?? 'me' },
      ],
    });
    cleanups.push(() => c.stop());
    const session = await c.start();
    expect(session.authid).toBe('alice');
    expect(session.authrole).toBe('user');
    expect((await session.call('com.auth.whoami')).args).toEqual(['me']);

    const rejoined = joined(c);
    await first.close();
    await secureRouter(port);
    await rejoined;
    expect(c.session?.authid).toBe('alice');
    expect((await c.session!.call('com.auth.whoami')).args).toEqual(['me']);
  });

  it('ends on a wrong password instead of retrying forever', async () => {
    const r = await secureRouter();
    const c = createComponent({
      transports: r.url,
      realm: 'secure',
      auth: scram({ authid: 'alice', password: 'wrong' }),
      reconnect: { initialDelay: 50, maxDelay: 200, maxRetries: 2 },
    });
    cleanups.push(() => c.stop());
    await expect(c.start()).rejects.toThrow(/cannot_authenticate|authentication_denied/);
  });
});
