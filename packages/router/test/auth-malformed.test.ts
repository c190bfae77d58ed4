/**
 * Replayed, malformed and out-of-place HELLO/AUTHENTICATE messages against the router's
 * authentication (raw JSON peers, so every byte is under the test's control): each is refused
 * with the spec's URI (wamp.error.authentication_denied, wamp.error.protocol_violation) and never
 * admits the session.
 */
import { CryptosignKey, cryptosign } from '@wampkit/auth/cryptosign';
import { scram } from '@wampkit/auth/scram';
import { wampcra } from '@wampkit/auth/wampcra';
import type { Dict } from '@wampkit/serializers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedRouter, startRouter } from '../src/index.js';
import { type AuthFixture, makeAuthFixture, SECRETS } from './auth-fixtures.js';
import { ALL_ROLES, RawPeer } from './helpers.js';

let fx: AuthFixture;
let router: StartedRouter;
const logs: string[] = [];

beforeAll(async () => {
  fx = await makeAuthFixture();
  router = await startRouter({
    realms: ['secure', 'open'],
    autoCreateRealms: false,
    auth: fx.config,
    log: (_l, m) => logs.push(m),
  });
});

afterAll(async () => {
  await router?.close();
  fx?.certs.cleanup();
});

/** Opens a peer, sends HELLO, returns the peer and the CHALLENGE extra. */
async function challenged(details: Dict): Promise<{ p: RawPeer; method: string; extra: Dict }> {
  const p = await RawPeer.open(router.url, 'json');
  p.send({ type: 'HELLO', realm: 'secure', details: { roles: ALL_ROLES, ...details } });
  const c = await p.expect('CHALLENGE');
  return { p, method: c.authMethod, extra: c.extra };
}

async function abortReason(p: RawPeer): Promise<string> {
  const m = await p.next();
  expect(m.type).toBe('ABORT');
  await p.closed;
  return (m as { reason: string }).reason;
}

describe('replayed AUTHENTICATE', () => {
  it('WAMP-CRA: a signature from one session is refused on the next', async () => {
    const client = wampcra({ authid: 'peter', secret: SECRETS.cra });
    const first = await challenged({ authmethods: ['wampcra'], authid: 'peter' });
    const answer = await client.onChallenge(first.method, first.extra);
    first.p.send({ type: 'AUTHENTICATE', signature: answer.signature, extra: {} });
    expect((await first.p.next()).type).toBe('WELCOME');
    first.p.ws.close();
    const second = await challenged({ authmethods: ['wampcra'], authid: 'peter' });
    second.p.send({ type: 'AUTHENTICATE', signature: answer.signature, extra: {} });
    expect(await abortReason(second.p)).toBe('wamp.error.authentication_denied');
  });

  it('cryptosign: a signature over an earlier challenge is refused', async () => {
    const client = cryptosign({ key: await CryptosignKey.load(SECRETS.seed) });
    const hello = { authmethods: ['cryptosign'], authextra: client.authextra };
    const first = await challenged(hello);
    const answer = await client.onChallenge(first.method, first.extra);
    first.p.ws.close();
    const second = await challenged(hello);
    second.p.send({ type: 'AUTHENTICATE', signature: answer.signature, extra: {} });
    expect(await abortReason(second.p)).toBe('wamp.error.authentication_denied');
  });

  it('WAMP-SCRAM: a proof for another nonce is refused', async () => {
    const client = scram({ authid: 'alice', password: SECRETS.scramPbkdf2 });
    const authextra = client.authextra;
    const first = await challenged({ authmethods: ['wamp-scram'], authid: 'alice', authextra });
    const answer = await client.onChallenge(first.method, first.extra);
    first.p.ws.close();
    const second = await challenged({ authmethods: ['wamp-scram'], authid: 'alice', authextra });
    second.p.send({ type: 'AUTHENTICATE', signature: answer.signature, extra: answer.extra ?? {} });
    expect(await abortReason(second.p)).toBe('wamp.error.authentication_denied');
  });

  it('a second AUTHENTICATE for the same CHALLENGE is a protocol violation', async () => {
    const client = wampcra({ authid: 'peter', secret: SECRETS.cra });
    const { p, method, extra } = await challenged({ authmethods: ['wampcra'], authid: 'peter' });
    const answer = await client.onChallenge(method, extra);
    p.send({ type: 'AUTHENTICATE', signature: answer.signature, extra: {} });
    p.send({ type: 'AUTHENTICATE', signature: answer.signature, extra: {} });
    expect(await abortReason(p)).toBe('wamp.error.protocol_violation');
  });
});

describe('malformed AUTHENTICATE', () => {
  it.each<[string, Dict, (extra: Dict) => { signature: string; extra: Dict }]>([
    [
      'ticket: empty ticket',
      { authmethods: ['ticket'], authid: 'joe' },
      () => ({ signature: '', extra: {} }),
    ],
    [
      'wampcra: not Base64',
      { authmethods: ['wampcra'], authid: 'peter' },
      () => ({ signature: '%%%not-base64', extra: {} }),
    ],
    [
      'wampcra: 16 bytes',
      { authmethods: ['wampcra'], authid: 'peter' },
      () => ({ signature: Buffer.alloc(16).toString('base64'), extra: {} }),
    ],
    [
      'cryptosign: short hex',
      { authmethods: ['cryptosign'] },
      () => ({ signature: 'abcd', extra: {} }),
    ],
    [
      'cryptosign: 96 bytes of zeros',
      { authmethods: ['cryptosign'] },
      () => ({ signature: '00'.repeat(96), extra: {} }),
    ],
    [
      'wamp-scram: missing nonce',
      { authmethods: ['wamp-scram'], authid: 'alice' },
      () => ({ signature: Buffer.alloc(32).toString('base64'), extra: {} }),
    ],
    [
      'wamp-scram: proof of 31 bytes',
      { authmethods: ['wamp-scram'], authid: 'alice' },
      (extra) => ({
        signature: Buffer.alloc(31).toString('base64'),
        extra: { nonce: extra.nonce, channel_binding: null, cbind_data: null },
      }),
    ],
  ])('%s is denied', async (_name, details, answer) => {
    const full: Dict = { ...details };
    if (details.authmethods?.toString() === 'cryptosign') {
      full.authextra = { pubkey: fx.key.publicKeyHex };
    }
    if (details.authmethods?.toString() === 'wamp-scram') {
      full.authextra = { nonce: Buffer.alloc(16, 1).toString('base64'), channel_binding: null };
    }
    const { p, extra } = await challenged(full);
    const a = answer(extra);
    p.send({ type: 'AUTHENTICATE', signature: a.signature, extra: a.extra });
    expect(await abortReason(p)).toBe('wamp.error.authentication_denied');
  });

  it('a non-string signature is a protocol violation', async () => {
    const { p } = await challenged({ authmethods: ['ticket'], authid: 'joe' });
    p.sendRaw(JSON.stringify([5, 12345, {}]));
    expect(await abortReason(p)).toBe('wamp.error.protocol_violation');
  });
});

describe('out of place', () => {
  it('AUTHENTICATE before HELLO', async () => {
    const p = await RawPeer.open(router.url, 'json');
    p.send({ type: 'AUTHENTICATE', signature: SECRETS.ticket, extra: {} });
    expect(await abortReason(p)).toBe('wamp.error.protocol_violation');
  });

  it('AUTHENTICATE after an anonymous WELCOME', async () => {
    const p = await RawPeer.open(router.url, 'json');
    p.send({ type: 'HELLO', realm: 'open', details: { roles: ALL_ROLES } });
    await p.expect('WELCOME');
    p.send({ type: 'AUTHENTICATE', signature: SECRETS.ticket, extra: {} });
    expect(await abortReason(p)).toBe('wamp.error.protocol_violation');
  });

  it.each<[string, Dict]>([
    ['wamp-scram without a client nonce', { authmethods: ['wamp-scram'], authid: 'alice' }],
    [
      'cryptosign with a malformed pubkey',
      { authmethods: ['cryptosign'], authextra: { pubkey: 'zz' } },
    ],
    ['ticket without an authid', { authmethods: ['ticket'] }],
  ])('HELLO: %s is denied', async (_name, details) => {
    const p = await RawPeer.open(router.url, 'json');
    p.send({ type: 'HELLO', realm: 'secure', details: { roles: ALL_ROLES, ...details } });
    expect(await abortReason(p)).toBe('wamp.error.authentication_denied');
  });

  it('no secret reaches the log', () => {
    const text = logs.join('\n');
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  });
});
