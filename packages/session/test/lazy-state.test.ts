/**
 * Per-session state created on first use (issue 9, idle session heap): the callee and subscriber
 * roles, the recent-id memories and the table of unsent requests. A session that never used a
 * role must answer that role's router messages exactly as before, and roles created late must
 * still be ended with the session.
 */
import { describe, expect, it } from 'vitest';
import { SessionClosedError } from '../src/index.js';
import { RecentIds } from '../src/recent-ids.js';
import { joined } from './harness.js';

describe('roles created on first use', () => {
  it('an INVOCATION to a session that never registered is a protocol violation', async () => {
    const h = await joined();
    h.feed({ type: 'INVOCATION', request: 1, registration: 77, details: {} });
    const abort = h.take('ABORT');
    expect(abort.reason).toBe('wamp.error.protocol_violation');
    expect(h.session.state).toBe('closed');
  });

  it('an EVENT for a session that never subscribed is a protocol violation', async () => {
    const h = await joined();
    h.feed({ type: 'EVENT', subscription: 5, publication: 6, details: {}, args: [] });
    expect(h.take('ABORT').reason).toBe('wamp.error.protocol_violation');
  });

  it('a router-initiated revocation without prior use is a protocol violation', async () => {
    const h = await joined();
    h.feed({ type: 'UNREGISTERED', request: 0, details: { registration: 1, reason: 'x' } });
    expect(h.take('ABORT').details.message).toMatch(/unknown registration 1/);
    const h2 = await joined();
    h2.feed({ type: 'UNSUBSCRIBED', request: 0, details: { subscription: 1, reason: 'x' } });
    expect(h2.take('ABORT').reason).toBe('wamp.error.protocol_violation');
  });

  it('registrations and subscriptions made after joining end with the session', async () => {
    const h = await joined();
    const reg = h.session.register('com.proc', () => 1);
    h.feed({ type: 'REGISTERED', request: h.take('REGISTER').request, registration: 9 });
    await reg;
    const sub = h.session.subscribe('com.topic', () => {});
    h.feed({ type: 'SUBSCRIBED', request: h.take('SUBSCRIBE').request, subscription: 10 });
    const subscription = await sub;
    const it = h.session.subscribe('com.other');
    h.feed({ type: 'SUBSCRIBED', request: h.take('SUBSCRIBE').request, subscription: 11 });
    const iterator = (await it)[Symbol.asyncIterator]();
    const next = iterator.next();
    h.feed({ type: 'ABORT', details: {}, reason: 'wamp.close.system_shutdown' });
    await expect(next).rejects.toBeInstanceOf(SessionClosedError);
    expect(subscription.active).toBe(false);
  });

  it('register and subscribe after the session closed reject with SessionClosedError', async () => {
    const h = await joined();
    h.feed({ type: 'ABORT', details: {}, reason: 'wamp.close.system_shutdown' });
    await expect(h.session.register('com.proc', () => 1)).rejects.toBeInstanceOf(
      SessionClosedError,
    );
    await expect(h.session.subscribe('com.topic', () => {})).rejects.toBeInstanceOf(
      SessionClosedError,
    );
    expect(h.sent).toEqual([]);
  });
});

describe('RecentIds', () => {
  it('knows nothing before the first add, then remembers up to its capacity', () => {
    const ids = new RecentIds(3);
    expect(ids.has(1)).toBe(false);
    ids.delete(1);
    for (const id of [1, 2, 3, 4]) ids.add(id);
    expect([1, 2, 3, 4].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    ids.add(2); // refreshed: 3 is now the oldest
    ids.add(5);
    expect([2, 3, 4, 5].map((id) => ids.has(id))).toEqual([true, false, true, true]);
    ids.delete(4);
    expect(ids.has(4)).toBe(false);
  });
});
