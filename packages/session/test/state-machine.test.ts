/**
 * The sans-IO session state machine (spec wamp.md "Sessions", "Protocol Errors", "IDs") driven
 * by scripted message exchanges: HELLO/WELCOME/ABORT, GOODBYE both ways, request ids, and every
 * unexpected message answered with ABORT wamp.error.protocol_violation.
 */
import { MessageCode, ProtocolViolationError, type WampMessage } from '@wampkit/serializers';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_ROLES,
  InvalidStateError,
  RequestIdSequence,
  SessionClosedError,
  TimeoutError,
} from '../src/index.js';
import { harness, joined, MAX_ID, ROUTER_ROLES } from './harness.js';

/** One sample of every message type, as a router might (wrongly) send it. */
const SAMPLES: Record<WampMessage['type'], WampMessage> = {
  HELLO: { type: 'HELLO', realm: 'realm1', details: { roles: { caller: {} } } },
  WELCOME: { type: 'WELCOME', session: 7, details: { roles: { dealer: {} } } },
  ABORT: { type: 'ABORT', details: {}, reason: 'wamp.error.no_such_realm' },
  CHALLENGE: { type: 'CHALLENGE', authMethod: 'ticket', extra: {} },
  AUTHENTICATE: { type: 'AUTHENTICATE', signature: 'x', extra: {} },
  GOODBYE: { type: 'GOODBYE', details: {}, reason: 'wamp.close.system_shutdown' },
  ERROR: { type: 'ERROR', requestType: 48, request: 99, details: {}, error: 'com.err' },
  PUBLISH: { type: 'PUBLISH', request: 1, options: {}, topic: 'a.b' },
  PUBLISHED: { type: 'PUBLISHED', request: 99, publication: 5 },
  SUBSCRIBE: { type: 'SUBSCRIBE', request: 1, options: {}, topic: 'a.b' },
  SUBSCRIBED: { type: 'SUBSCRIBED', request: 99, subscription: 5 },
  UNSUBSCRIBE: { type: 'UNSUBSCRIBE', request: 1, subscription: 5 },
  UNSUBSCRIBED: { type: 'UNSUBSCRIBED', request: 99 },
  EVENT: { type: 'EVENT', subscription: 77, publication: 5, details: {} },
  EVENT_RECEIVED: { type: 'EVENT_RECEIVED', publication: 5 },
  CALL: { type: 'CALL', request: 1, options: {}, procedure: 'a.b' },
  CANCEL: { type: 'CANCEL', request: 1, options: {} },
  RESULT: { type: 'RESULT', request: 99, details: {} },
  REGISTER: { type: 'REGISTER', request: 1, options: {}, procedure: 'a.b' },
  REGISTERED: { type: 'REGISTERED', request: 99, registration: 5 },
  UNREGISTER: { type: 'UNREGISTER', request: 1, registration: 5 },
  UNREGISTERED: { type: 'UNREGISTERED', request: 99 },
  INVOCATION: { type: 'INVOCATION', request: 1, registration: 77, details: {} },
  INTERRUPT: { type: 'INTERRUPT', request: 1, options: {} },
  YIELD: { type: 'YIELD', request: 1, options: {} },
};

const ALL_TYPES = Object.keys(SAMPLES) as WampMessage['type'][];

describe('joining', () => {
  it('sends HELLO with the realm, agent and the full role/feature announcement', async () => {
    const h = harness({ authid: 'joe', authmethods: ['anonymous'], authextra: { a: 1 } });
    const p = h.session.join();
    const hello = h.take('HELLO');
    expect(hello.realm).toBe('realm1');
    expect(hello.details.agent).toMatch(/^wampkit-/);
    expect(hello.details.authid).toBe('joe');
    expect(hello.details.authmethods).toEqual(['anonymous']);
    expect(hello.details.authextra).toEqual({ a: 1 });
    expect(hello.details.roles).toEqual(CLIENT_ROLES);
    const roles = hello.details.roles as Record<string, { features: Record<string, boolean> }>;
    expect(Object.keys(roles).sort()).toEqual(['callee', 'caller', 'publisher', 'subscriber']);
    // Some routers pass progress through only to callees announcing both.
    expect(roles.callee?.features.progressive_call_results).toBe(true);
    expect(roles.callee?.features.call_canceling).toBe(true);
    expect(roles.caller?.features.progressive_call_invocations).toBe(true);
    expect(roles.subscriber?.features.pattern_based_subscription).toBe(true);
    expect(roles.publisher?.features.subscriber_blackwhite_listing).toBe(true);
    h.feed({
      type: 'WELCOME',
      session: 123,
      details: { authid: 'joe', authrole: 'user', roles: ROUTER_ROLES },
    });
    const s = await p;
    expect(s.state).toBe('established');
    expect(s.id).toBe(123);
    expect(s.authid).toBe('joe');
    expect(s.authrole).toBe('user');
    expect(s.routerFeature('dealer', 'call_canceling')).toBe(true);
    expect(s.routerFeature('broker', 'nope')).toBe(false);
  });

  it('rejects the join on ABORT with the reason and closes the transport', async () => {
    const h = harness();
    const p = h.session.join();
    h.take('HELLO');
    h.feed({ type: 'ABORT', details: { message: 'no realm' }, reason: 'wamp.error.no_such_realm' });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionClosedError);
    expect((err as SessionClosedError).reason).toBe('wamp.error.no_such_realm');
    expect((err as SessionClosedError).message).toContain('no realm');
    expect(h.closedLink()).toBe(true);
    expect(h.sent).toEqual([]);
    const info = await h.session.closed;
    expect(info).toMatchObject({ reason: 'wamp.error.no_such_realm', initiator: 'remote' });
  });

  it('answers a CHALLENGE through onChallenge, then accepts WELCOME', async () => {
    const h = harness({
      authmethods: ['ticket'],
      onChallenge: async (c) => ({ signature: `secret-for-${c.authMethod}`, extra: { x: 1 } }),
    });
    const p = h.session.join();
    h.take('HELLO');
    h.feed({ type: 'CHALLENGE', authMethod: 'ticket', extra: {} });
    await h.flush();
    const auth = h.take('AUTHENTICATE');
    expect(auth.signature).toBe('secret-for-ticket');
    expect(auth.extra).toEqual({ x: 1 });
    h.feed({ type: 'WELCOME', session: 5, details: {} });
    expect((await p).id).toBe(5);
  });

  it('aborts with cannot_authenticate when the challenge handler fails', async () => {
    const h = harness({
      authmethods: ['ticket'],
      onChallenge: () => {
        throw new Error('no ticket at hand');
      },
    });
    const p = h.session.join();
    h.take('HELLO');
    h.feed({ type: 'CHALLENGE', authMethod: 'ticket', extra: {} });
    await expect(p).rejects.toBeInstanceOf(SessionClosedError);
    const abort = h.take('ABORT');
    expect(abort.reason).toBe('wamp.error.cannot_authenticate');
    expect(abort.details.message).toBe('no ticket at hand');
  });

  it('treats a CHALLENGE for an authmethod never offered as a protocol violation', async () => {
    const h = harness();
    const p = h.session.join();
    h.take('HELLO');
    h.feed({ type: 'CHALLENGE', authMethod: 'wampcra', extra: {} });
    await expect(p).rejects.toBeInstanceOf(ProtocolViolationError);
    const abort = h.take('ABORT');
    expect(abort.reason).toBe('wamp.error.protocol_violation');
    expect(abort.details.message).toContain('wampcra');
  });

  it('refuses a second join and operations before joining', async () => {
    const h = harness();
    void h.session.join();
    await expect(h.session.join()).rejects.toBeInstanceOf(InvalidStateError);
    await expect(h.session.call('a.b')).rejects.toBeInstanceOf(InvalidStateError);
  });
});

describe('protocol violations', () => {
  const beforeWelcome = ALL_TYPES.filter((t) => !['WELCOME', 'ABORT', 'CHALLENGE'].includes(t));
  it.each(beforeWelcome)('%s before WELCOME aborts the join', async (type) => {
    const h = harness();
    const p = h.session.join();
    h.take('HELLO');
    h.feed(SAMPLES[type]);
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolViolationError);
    const abort = h.take('ABORT');
    expect(abort.reason).toBe('wamp.error.protocol_violation');
    expect(abort.details.message).toContain(type);
    expect(h.closedLink()).toBe(true);
    expect(h.session.state).toBe('closed');
  });

  // After WELCOME, these are unexpected in any form: the router never sends them, or the sample
  // answers a request that was never made / names an unknown subscription or registration.
  const afterWelcome = ALL_TYPES.filter((t) => !['ABORT', 'GOODBYE', 'INTERRUPT'].includes(t));
  it.each(afterWelcome)('%s after WELCOME (unexpected) aborts the session', async (type) => {
    const h = await joined();
    const pending = h.session.call('com.pending');
    h.take('CALL');
    h.feed(SAMPLES[type]);
    const abort = h.take('ABORT');
    expect(abort.reason).toBe('wamp.error.protocol_violation');
    expect(typeof abort.details.message).toBe('string');
    expect(abort.details.message).toContain(type);
    expect(h.closedLink()).toBe(true);
    // Every pending request rejects promptly.
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionClosedError);
    expect((err as SessionClosedError).reason).toBe('wamp.error.protocol_violation');
    expect((await h.session.closed).initiator).toBe('local');
    expect(h.session.pendingCount).toBe(0);
  });

  it('ERROR with a request type a router cannot answer is a violation', async () => {
    const h = await joined();
    h.feed({
      type: 'ERROR',
      requestType: MessageCode.INVOCATION,
      request: 1,
      details: {},
      error: 'x.y',
    });
    expect(h.take('ABORT').details.message).toMatch(/request type 68/);
  });

  it('a reply of the wrong kind for a pending request is a violation', async () => {
    const h = await joined();
    const sub = h.session.subscribe('com.topic', () => {});
    const { request } = h.take('SUBSCRIBE');
    h.feed({ type: 'REGISTERED', request, registration: 1 });
    expect(h.take('ABORT').details.message).toMatch(/subscribe request/);
    await expect(sub).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('a progressive RESULT for a call that did not ask for progress is a violation', async () => {
    const h = await joined();
    const p = h.session.call('com.x');
    const { request } = h.take('CALL');
    h.feed({ type: 'RESULT', request, details: { progress: true }, args: [1] });
    expect(h.take('ABORT').details.message).toMatch(/did not ask for progress/);
    await expect(p).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('undecodable input aborts with protocol_violation', async () => {
    const h = await joined();
    h.session.receiveInvalid(new ProtocolViolationError('bad bytes'));
    const abort = h.take('ABORT');
    expect(abort.reason).toBe('wamp.error.protocol_violation');
    expect(abort.details.message).toContain('bad bytes');
  });

  it('a duplicate RESULT for a completed call is a violation', async () => {
    const h = await joined();
    const p = h.session.call('com.x');
    const { request } = h.take('CALL');
    h.feed({ type: 'RESULT', request, details: {}, args: [1] });
    expect((await p).args).toEqual([1]);
    h.feed({ type: 'RESULT', request, details: {}, args: [1] });
    expect(h.take('ABORT').reason).toBe('wamp.error.protocol_violation');
  });
});

describe('request ids', () => {
  it('counts 1, 2, 3, ... across all request kinds (one session-scope sequence)', async () => {
    const h = await joined();
    void h.session.call('a.b').catch(() => {});
    void h.session.subscribe('a.b', () => {}).catch(() => {});
    void h.session.publish('a.b', [1]);
    void h.session.register('a.c', () => 1).catch(() => {});
    void h.session.publish('a.b', [], {}, { acknowledge: true }).catch(() => {});
    const ids = h.sent.map((m) => (m as { request: number }).request);
    expect(h.sent.map((m) => m.type)).toEqual([
      'CALL',
      'SUBSCRIBE',
      'PUBLISH',
      'REGISTER',
      'PUBLISH',
    ]);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
  });

  it('wraps to 1 after 2^53', async () => {
    const h = await joined({}, { roles: ROUTER_ROLES }, new RequestIdSequence(MAX_ID - 1));
    void h.session.publish('a.b');
    void h.session.publish('a.b');
    void h.session.publish('a.b');
    expect(h.sent.map((m) => (m as { request: number }).request)).toEqual([MAX_ID, 1, 2]);
  });

  it('bounds outstanding requests', async () => {
    const h = await joined({ maxPendingRequests: 2 });
    void h.session.call('a').catch(() => {});
    void h.session.call('b').catch(() => {});
    await expect(h.session.call('c')).rejects.toThrow(/2 requests are already outstanding/);
  });
});

describe('GOODBYE', () => {
  it('client-initiated: GOODBYE out, GOODBYE back, clean close; pending calls reject', async () => {
    const h = await joined();
    const pending = h.session.call('com.slow');
    h.take('CALL');
    const closing = h.session.leave('wamp.close.normal', 'bye');
    const bye = h.take('GOODBYE');
    expect(bye.reason).toBe('wamp.close.normal');
    expect(bye.details).toEqual({ message: 'bye' });
    await expect(pending).rejects.toBeInstanceOf(SessionClosedError);
    expect(h.session.state).toBe('shutting-down');
    // While shutting down, other messages are ignored (state chart transition 14).
    h.feed({ type: 'EVENT', subscription: 1, publication: 2, details: {} });
    expect(h.sent).toEqual([]);
    expect(h.closedLink()).toBe(false);
    h.feed({ type: 'GOODBYE', details: {}, reason: 'wamp.close.goodbye_and_out' });
    const info = await closing;
    expect(info).toMatchObject({
      clean: true,
      initiator: 'local',
      reason: 'wamp.close.goodbye_and_out',
    });
    expect(h.closedLink()).toBe(true);
    expect(h.sent).toEqual([]);
    await expect(h.session.call('x')).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('router-initiated: answered with goodbye_and_out; pending requests reject', async () => {
    const h = await joined();
    const pending = h.session.call('com.slow');
    h.take('CALL');
    h.feed({
      type: 'GOODBYE',
      details: { message: 'shutdown' },
      reason: 'wamp.close.system_shutdown',
    });
    const reply = h.take('GOODBYE');
    expect(reply.reason).toBe('wamp.close.goodbye_and_out');
    const err = (await pending.catch((e: unknown) => e)) as SessionClosedError;
    expect(err).toBeInstanceOf(SessionClosedError);
    expect(err.reason).toBe('wamp.close.system_shutdown');
    expect(err.initiator).toBe('remote');
    expect(await h.session.closed).toMatchObject({ clean: true, initiator: 'remote' });
    expect(h.closedLink()).toBe(true);
  });

  it('closes the transport when the router never answers GOODBYE', async () => {
    const h = await joined({ leaveTimeout: 20 });
    const info = await h.session.leave();
    expect(info.clean).toBe(false);
    expect(info.error).toBeInstanceOf(TimeoutError);
    expect(h.closedLink()).toBe(true);
  });

  it('a lost transport rejects pending requests and fails event iterators', async () => {
    const h = await joined();
    const subscribing = h.session.subscribe('com.t');
    const s = h.take('SUBSCRIBE');
    h.feed({ type: 'SUBSCRIBED', request: s.request, subscription: 11 });
    const sub = await subscribing;
    const pending = h.session.call('com.slow');
    const iterating = (async () => {
      for await (const _ of sub) {
        // nothing arrives
      }
    })();
    h.session.transportClosed(new Error('socket reset'));
    expect(((await pending.catch((e: unknown) => e)) as SessionClosedError).reason).toBe(
      'wamp.close.transport_lost',
    );
    await expect(iterating).rejects.toBeInstanceOf(SessionClosedError);
    expect(sub.active).toBe(false);
  });

  it('asyncDispose leaves the session', async () => {
    const h = await joined();
    const disposing = h.session[Symbol.asyncDispose]();
    h.take('GOODBYE');
    h.feed({ type: 'GOODBYE', details: {}, reason: 'wamp.close.goodbye_and_out' });
    await disposing;
    expect(h.session.state).toBe('closed');
  });
});
