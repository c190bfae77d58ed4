/**
 * Authorization by role (authorization.ts): per-realm permission rules decide call, register,
 * publish and subscribe, the most specific matching rule wins, meta-procedures need a rule too,
 * and refusals are ERROR `wamp.error.not_authorized` (PUBLISH only when acknowledged). Checked
 * with raw peers (exact messages), wampkit, and Autobahn|Python.
 */
import { anonymous } from '@wampkit/auth';
import { ticket } from '@wampkit/auth/ticket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationError, connect } from '../../wampkit/src/index.js';
import {
  type RolePermissions,
  RoleTable,
  RouterConfigError,
  type StartedRouter,
  startRouter,
} from '../src/index.js';
import { pythonJoin, rawTicketJoin } from './auth-fixtures.js';
import type { RawPeer } from './helpers.js';

const ROLES: RolePermissions = {
  user: [
    { uri: 'com.example.', match: 'prefix', allow: { call: true, subscribe: true } },
    // More specific than the prefix above: nothing is allowed below admin.
    { uri: 'com.example.admin.', match: 'prefix', allow: {} },
    { uri: 'com.example.news', allow: { publish: true, subscribe: true } },
  ],
  service: [
    {
      uri: 'com.example.',
      match: 'prefix',
      allow: { call: true, register: true, publish: true, subscribe: true },
    },
  ],
  admin: [
    {
      uri: '',
      match: 'prefix',
      allow: { call: true, register: true, publish: true, subscribe: true },
    },
  ],
  guest: [
    { uri: 'com.example.public', allow: { call: true } },
    { uri: 'com..status', match: 'wildcard', allow: { subscribe: true } },
  ],
};

const TICKETS = { joe: 'joe-ticket', svc: 'svc-ticket', root: 'root-ticket' };

let router: StartedRouter;
let svc: RawPeer;

beforeAll(async () => {
  router = await startRouter({
    realms: ['app'],
    autoCreateRealms: false,
    auth: {
      app: {
        ticket: {
          principals: {
            joe: { ticket: TICKETS.joe, role: 'user' },
            svc: { ticket: TICKETS.svc, role: 'service' },
            root: { ticket: TICKETS.root, role: 'admin' },
          },
        },
        anonymous: { role: 'guest' },
        roles: ROLES,
      },
    },
  });
  svc = await rawTicketJoin(router.url, 'app', 'svc', TICKETS.svc);
  await svc.register('com.example.add');
  await svc.register('com.example.admin.reset');
  // The service answers every invocation with [42].
  svc.ws.on('message', () => {
    for (const m of svc.pending()) {
      if (m.type === 'INVOCATION') {
        void svc.next();
        svc.send({ type: 'YIELD', request: m.request, options: {}, args: [42] });
      }
    }
  });
});

afterAll(async () => {
  svc?.ws.close();
  await router?.close();
});

const join = (authid: keyof typeof TICKETS) =>
  rawTicketJoin(router.url, 'app', authid, TICKETS[authid]);

async function anonymousPeer(): Promise<RawPeer> {
  const { RawPeer, ALL_ROLES } = await import('./helpers.js');
  const p = await RawPeer.open(router.url, 'json');
  p.send({
    type: 'HELLO',
    realm: 'app',
    details: { roles: ALL_ROLES, authmethods: ['anonymous'] },
  });
  p.session = (await p.expect('WELCOME')).session;
  return p;
}

function expectNotAuthorized(m: Awaited<ReturnType<RawPeer['next']>>, requestType: number) {
  expect(m).toMatchObject({ type: 'ERROR', requestType, error: 'wamp.error.not_authorized' });
}

describe('raw peers: each action by role', () => {
  it('call: allowed by prefix, refused by a more specific rule, refused for other roles', async () => {
    const joe = await join('joe');
    expect(await joe.call('com.example.add')).toMatchObject({ type: 'RESULT', args: [42] });
    expectNotAuthorized(await joe.call('com.example.admin.reset'), 48);
    expectNotAuthorized(await joe.call('org.other.proc'), 48);
    // Request IDs stay sequential across refusals (strict router).
    expect(await joe.call('com.example.add')).toMatchObject({ type: 'RESULT' });
    const guest = await anonymousPeer();
    expectNotAuthorized(await guest.call('com.example.add'), 48);
    // Authorized, but nobody registered it.
    expect(await guest.call('com.example.public')).toMatchObject({
      type: 'ERROR',
      error: 'wamp.error.no_such_procedure',
    });
    joe.ws.close();
    guest.ws.close();
  });

  it('register: only the service role', async () => {
    const joe = await join('joe');
    joe.send({
      type: 'REGISTER',
      request: joe.nextRequestId(),
      options: {},
      procedure: 'com.example.mine',
    });
    expectNotAuthorized(await joe.next(), 64);
    const s2 = await join('svc');
    expect(await s2.register('com.example.mine')).toBeGreaterThan(0);
    joe.ws.close();
    s2.ws.close();
  });

  it('publish: ERROR only when acknowledged; a refused publication reaches nobody', async () => {
    const listener = await join('svc');
    await listener.subscribe('com.example.other');
    const joe = await join('joe');
    joe.send({
      type: 'PUBLISH',
      request: joe.nextRequestId(),
      options: { acknowledge: true },
      topic: 'com.example.other',
    });
    expectNotAuthorized(await joe.next(), 16);
    joe.send({
      type: 'PUBLISH',
      request: joe.nextRequestId(),
      options: {},
      topic: 'com.example.other',
    });
    joe.send({
      type: 'PUBLISH',
      request: joe.nextRequestId(),
      options: { acknowledge: true },
      topic: 'com.example.news',
    });
    expect(await joe.next()).toMatchObject({ type: 'PUBLISHED' });
    expect(await listener.quiet(100)).toEqual([]);
    joe.ws.close();
    listener.ws.close();
  });

  it('subscribe: patterns are checked as URIs (a broader prefix is refused)', async () => {
    const joe = await join('joe');
    expect(await joe.subscribe('com.example.news')).toBeGreaterThan(0);
    joe.send({
      type: 'SUBSCRIBE',
      request: joe.nextRequestId(),
      options: { match: 'prefix' },
      topic: 'com.',
    });
    expectNotAuthorized(await joe.next(), 32);
    const guest = await anonymousPeer();
    expect(await guest.subscribe('com..status', { match: 'wildcard' })).toBeGreaterThan(0);
    guest.send({
      type: 'SUBSCRIBE',
      request: guest.nextRequestId(),
      options: {},
      topic: 'com.example.news',
    });
    expectNotAuthorized(await guest.next(), 32);
    joe.ws.close();
    guest.ws.close();
  });

  it('meta-procedures need a permission: user may not kill, admin may', async () => {
    const joe = await join('joe');
    expectNotAuthorized(await joe.call('wamp.session.kill', [svc.session]), 48);
    expectNotAuthorized(await joe.call('wamp.session.count'), 48);
    const victim = await join('joe');
    const root = await join('root');
    expect(await root.call('wamp.session.kill', [victim.session])).toMatchObject({
      type: 'RESULT',
    });
    expect(await victim.next()).toMatchObject({ type: 'GOODBYE', reason: 'wamp.close.killed' });
    joe.ws.close();
    root.ws.close();
    victim.ws.close();
  });
});

describe('clients see wamp.error.not_authorized', () => {
  it('wampkit: a refused call rejects with ApplicationError not_authorized', async () => {
    const s = await connect({
      url: router.url,
      realm: 'app',
      auth: ticket({ authid: 'joe', ticket: TICKETS.joe }),
    });
    const e = await s.call('com.example.admin.reset').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApplicationError);
    expect((e as ApplicationError).uri).toBe('wamp.error.not_authorized');
    expect((await s.call('com.example.add')).args).toEqual([42]);
    await s.leave();
    const guest = await connect({ url: router.url, realm: 'app', auth: anonymous() });
    const r = await guest.register('com.example.x', () => 1).catch((x: unknown) => x);
    expect((r as ApplicationError).uri).toBe('wamp.error.not_authorized');
    await guest.leave();
  });

  it('Autobahn|Python: each refused action gets wamp.error.not_authorized', async () => {
    const out = await pythonJoin({
      url: router.url,
      realm: 'app',
      method: 'ticket',
      config: { authid: 'joe', ticket: TICKETS.joe },
      actions: [
        ['call', 'com.example.admin.reset'],
        ['call', 'com.example.add'],
        ['register', 'com.example.py'],
        ['publish', 'com.example.other'],
        ['publish', 'com.example.news'],
        ['subscribe', 'org.other'],
        ['subscribe', 'com.example.news'],
      ],
    });
    expect(out.joined).toMatchObject({ authid: 'joe', authrole: 'user' });
    expect(out.actions).toEqual([
      'wamp.error.not_authorized',
      'ok',
      'wamp.error.not_authorized',
      'wamp.error.not_authorized',
      'ok',
      'wamp.error.not_authorized',
      'ok',
    ]);
  });
});

describe('rules and configuration', () => {
  it('the most specific rule decides: exact, then longest prefix, then wildcard', () => {
    const t = new RoleTable({
      r: [
        { uri: 'a.', match: 'prefix', allow: { call: true } },
        { uri: 'a.b.', match: 'prefix', allow: { subscribe: true } },
        { uri: 'a.b.c', allow: { publish: true } },
        { uri: 'x..z', match: 'wildcard', allow: { call: true } },
        { uri: 'x.y.', match: 'prefix', allow: {} },
      ],
    });
    expect(t.permits('r', 'call', 'a.q')).toBe(true);
    expect(t.permits('r', 'call', 'a.b.q')).toBe(false);
    expect(t.permits('r', 'subscribe', 'a.b.q')).toBe(true);
    expect(t.permits('r', 'publish', 'a.b.c')).toBe(true);
    expect(t.permits('r', 'subscribe', 'a.b.c')).toBe(false);
    expect(t.permits('r', 'call', 'x.w.z')).toBe(true);
    // Prefix beats wildcard, as for registrations.
    expect(t.permits('r', 'call', 'x.y.z')).toBe(false);
    expect(t.permits('nobody', 'call', 'a.q')).toBe(false);
    expect(t.permits('r', 'call', 'b')).toBe(false);
  });

  it.each<[string, RolePermissions]>([
    ['an unknown action', { r: [{ uri: 'a', allow: { execute: true } as never }] }],
    ['an unknown match policy', { r: [{ uri: 'a', match: 'regex' as never, allow: {} }] }],
    ['an empty exact uri', { r: [{ uri: '', allow: { call: true } }] }],
    [
      'a duplicate rule',
      {
        r: [
          { uri: 'a', allow: {} },
          { uri: 'a', allow: { call: true } },
        ],
      },
    ],
  ])('refuses %s', (_name, roles) => {
    expect(() => new RoleTable(roles)).toThrow(RouterConfigError);
  });

  it('a dynamic authorizer decides, and one that throws refuses (fail secure)', async () => {
    const seen: string[] = [];
    const r = await startRouter({
      realms: ['dyn'],
      auth: {
        dyn: {
          anonymous: true,
          authorize: ({ action, uri, session }) => {
            seen.push(`${session.authrole}:${action}:${uri}`);
            if (uri === 'boom') throw new Error('authorizer down');
            return uri.startsWith('ok.');
          },
        },
      },
    });
    try {
      const { RawPeer, ALL_ROLES } = await import('./helpers.js');
      const p = await RawPeer.open(r.url, 'json');
      p.send({ type: 'HELLO', realm: 'dyn', details: { roles: ALL_ROLES } });
      await p.expect('WELCOME');
      expect(await p.register('ok.proc')).toBeGreaterThan(0);
      p.send({ type: 'REGISTER', request: p.nextRequestId(), options: {}, procedure: 'no.proc' });
      expectNotAuthorized(await p.next(), 64);
      p.send({ type: 'REGISTER', request: p.nextRequestId(), options: {}, procedure: 'boom' });
      expectNotAuthorized(await p.next(), 64);
      expect(seen).toEqual([
        'anonymous:register:ok.proc',
        'anonymous:register:no.proc',
        'anonymous:register:boom',
      ]);
      p.ws.close();
    } finally {
      await r.close();
    }
  });

  it('`auth` and `authenticator` together are a configuration error', async () => {
    await expect(
      startRouter({ auth: {}, authenticator: { hello: () => ({ kind: 'abort', reason: 'x' }) } }),
    ).rejects.toThrow(RouterConfigError);
  });
});
