/**
 * End to end through @wampkit/router's authenticator hook (createRouterAuthenticator): Autobahn|Python
 * clients (Debian python3-autobahn 22.x) join with every method it implements, and are refused with
 * the spec's URIs when their secrets are wrong. The router is imported by path until it takes
 * @wampkit/auth as a dependency; this file then moves to the router package.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedRouter, startRouter } from '../../router/src/index.js';
import { CryptosignKey, CryptosignVerifier } from '../src/cryptosign.js';
import { AnonymousVerifier, createRouterAuthenticator } from '../src/index.js';
import { toHex } from '../src/internal/bytes.js';
import { deriveScramCredential, ScramVerifier } from '../src/scram.js';
import { TicketVerifier } from '../src/ticket.js';
import { deriveKey, WampCraVerifier } from '../src/wampcra.js';

const run = promisify(execFile);
const SEED = toHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));

let router: StartedRouter;
const refusals: string[] = [];

beforeAll(async () => {
  const key = await CryptosignKey.load(SEED);
  const verifiers = [
    new TicketVerifier({ principals: { joe: { ticket: 'ticket-joe', role: 'user' } } }),
    new WampCraVerifier({
      principals: {
        peter: { secret: 'cra-peter', role: 'user' },
        salty: {
          secret: await deriveKey('cra-salty', 'salt123', 1000, 32),
          salt: 'salt123',
          iterations: 1000,
          keylen: 32,
          role: 'user',
        },
      },
    }),
    new ScramVerifier({
      principals: {
        alice: {
          credential: await deriveScramCredential({
            password: 'scram-alice',
            kdf: 'argon2id-13',
            iterations: 2,
            memory: 512,
          }),
          role: 'frontend',
        },
      },
    }),
    new CryptosignVerifier({
      principals: { device: { authorizedKeys: [key.publicKeyHex], role: 'device' } },
    }),
  ];
  router = await startRouter({
    realms: ['secure', 'open'],
    autoCreateRealms: false,
    authenticator: createRouterAuthenticator({
      realms: { secure: verifiers, open: [new AnonymousVerifier({ role: 'guest' })] },
      onRefusal: (_realm, e) => refusals.push(e.message),
    }),
  });
});
afterAll(() => router?.close());

async function python(realm: string, method: string, config: Record<string, unknown>) {
  const script = resolve(import.meta.dirname, 'autobahn_auth_client.py');
  const { stdout } = await run(
    '/usr/bin/python3',
    [script, router.url, realm, method, JSON.stringify(config)],
    { timeout: 30_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    joined?: Record<string, string>;
    left?: string;
  };
}

describe('Autobahn|Python through the router', () => {
  it.each([
    ['ticket', { authid: 'joe', ticket: 'ticket-joe' }, 'user'],
    ['wampcra', { authid: 'peter', secret: 'cra-peter' }, 'user'],
    ['wampcra', { authid: 'salty', secret: 'cra-salty' }, 'user'],
    ['scram', { authid: 'alice', password: 'scram-alice' }, 'frontend'],
    ['cryptosign', { privkey: SEED }, 'device'],
  ])('joins with %s %j', async (method, config, role) => {
    const out = await python('secure', method, config);
    expect(out.joined).toMatchObject({ authrole: role, authmethod: method });
  });

  it.each([
    ['ticket', { authid: 'joe', ticket: 'ticket-wrong' }],
    ['wampcra', { authid: 'peter', secret: 'cra-wrong' }],
    ['wampcra', { authid: 'salty', secret: 'cra-wrong' }],
    ['scram', { authid: 'alice', password: 'scram-wrong' }],
    ['cryptosign', { privkey: toHex(globalThis.crypto.getRandomValues(new Uint8Array(32))) }],
  ])('is refused with %s and a wrong secret or key', async (method, config) => {
    const out = await python('secure', method, config);
    expect(out.joined).toBeUndefined();
    expect(['wamp.error.authentication_denied', 'wamp.error.no_such_principal']).toContain(
      out.left,
    );
  });

  it('joins anonymously where the realm allows it, and not where it does not', async () => {
    expect((await python('open', 'anonymous', {})).joined).toMatchObject({
      authrole: 'guest',
      authmethod: 'anonymous',
    });
    expect((await python('secure', 'anonymous', {})).left).toBe(
      'wamp.error.no_matching_auth_method',
    );
  });

  it('never puts a secret into a refusal message', () => {
    const text = refusals.join('\n');
    expect(refusals.length).toBeGreaterThan(0);
    for (const secret of [
      'ticket-wrong',
      'cra-wrong',
      'scram-wrong',
      'ticket-joe',
      'cra-peter',
      'scram-alice',
      SEED,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
