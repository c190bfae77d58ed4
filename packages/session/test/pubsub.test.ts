/** Publisher and subscriber roles over scripted message exchanges (no network). */
import { MessageCode } from '@wampkit/serializers';
import { describe, expect, it } from 'vitest';
import { ApplicationError, type Event } from '../src/index.js';
import { joined } from './harness.js';

describe('publisher', () => {
  it('maps every publish option to PUBLISH.Options', async () => {
    const h = await joined();
    await h.session.publish(
      'com.t',
      [1],
      { a: 2 },
      {
        excludeMe: false,
        exclude: [1],
        excludeAuthid: ['x'],
        excludeAuthrole: ['r'],
        eligible: [2, 3],
        eligibleAuthid: ['y'],
        eligibleAuthrole: ['s'],
        discloseMe: true,
        retain: true,
      },
    );
    expect(h.take('PUBLISH')).toMatchObject({
      topic: 'com.t',
      args: [1],
      kwargs: { a: 2 },
      options: {
        exclude_me: false,
        exclude: [1],
        exclude_authid: ['x'],
        exclude_authrole: ['r'],
        eligible: [2, 3],
        eligible_authid: ['y'],
        eligible_authrole: ['s'],
        disclose_me: true,
        retain: true,
      },
    });
  });

  it('acknowledged publish resolves on PUBLISHED and rejects on ERROR', async () => {
    const h = await joined();
    const ok = h.session.publish('com.t', [], {}, { acknowledge: true });
    const m1 = h.take('PUBLISH');
    expect(m1.options.acknowledge).toBe(true);
    h.feed({ type: 'PUBLISHED', request: m1.request, publication: 77 });
    expect(await ok).toEqual({ publication: 77 });
    const bad = h.session.publish('com.t', [], {}, { acknowledge: true });
    const m2 = h.take('PUBLISH');
    h.feed({
      type: 'ERROR',
      requestType: MessageCode.PUBLISH,
      request: m2.request,
      details: {},
      error: 'wamp.error.not_authorized',
    });
    const err = (await bad.catch((e: unknown) => e)) as ApplicationError;
    expect(err).toBeInstanceOf(ApplicationError);
    expect(err.uri).toBe('wamp.error.not_authorized');
  });
});

describe('subscriber', () => {
  it('delivers events to a handler with details mapped', async () => {
    const h = await joined();
    const events: Event[] = [];
    const p = h.session.subscribe('com.', (e) => void events.push(e), {
      match: 'prefix',
      getRetained: true,
    });
    const m = h.take('SUBSCRIBE');
    expect(m.options).toEqual({ match: 'prefix', get_retained: true });
    h.feed({ type: 'SUBSCRIBED', request: m.request, subscription: 9 });
    const sub = await p;
    expect(sub.id).toBe(9);
    h.feed({
      type: 'EVENT',
      subscription: 9,
      publication: 100,
      details: {
        topic: 'com.x',
        publisher: 5,
        publisher_authid: 'a',
        publisher_authrole: 'r',
        retained: true,
      },
      args: [1],
      kwargs: { k: 1 },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      topic: 'com.x',
      publication: 100,
      subscription: 9,
      publisher: 5,
      publisherAuthid: 'a',
      publisherAuthrole: 'r',
      retained: true,
      args: [1],
      kwargs: { k: 1 },
    });
  });

  it('iterates events from a bounded buffer (drop-oldest counts drops)', async () => {
    const h = await joined();
    const p = h.session.subscribe('com.t', undefined, { bufferSize: 2 });
    h.feed({ type: 'SUBSCRIBED', request: h.take('SUBSCRIBE').request, subscription: 3 });
    const sub = await p;
    for (let i = 0; i < 5; i++) {
      h.feed({ type: 'EVENT', subscription: 3, publication: i + 1, details: {}, args: [i] });
    }
    expect(sub.dropped).toBe(3);
    const got: unknown[] = [];
    for await (const e of sub) {
      got.push(e.args[0]);
      if (got.length === 2) break;
    }
    expect(got).toEqual([3, 4]);
    // Leaving the loop unsubscribes.
    const un = h.take('UNSUBSCRIBE');
    expect(un.subscription).toBe(3);
    h.feed({ type: 'UNSUBSCRIBED', request: un.request });
    await h.flush();
    // An EVENT that raced the UNSUBSCRIBE is dropped silently.
    h.feed({ type: 'EVENT', subscription: 3, publication: 9, details: {} });
    expect(h.session.state).toBe('established');
  });

  it('the error overflow policy fails the iterator', async () => {
    const h = await joined();
    const p = h.session.subscribe('com.t', undefined, { bufferSize: 1, overflow: 'error' });
    h.feed({ type: 'SUBSCRIBED', request: h.take('SUBSCRIBE').request, subscription: 3 });
    const sub = await p;
    h.feed({ type: 'EVENT', subscription: 3, publication: 1, details: {} });
    h.feed({ type: 'EVENT', subscription: 3, publication: 2, details: {} });
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    await expect(it.next()).rejects.toThrow(/overflowed/);
  });

  it('shares one router subscription between handles; UNSUBSCRIBE only for the last', async () => {
    const h = await joined();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const pa = h.session.subscribe('com.t', (e) => void a.push(e.publication));
    h.feed({ type: 'SUBSCRIBED', request: h.take('SUBSCRIBE').request, subscription: 4 });
    const pb = h.session.subscribe('com.t', (e) => void b.push(e.publication));
    h.feed({ type: 'SUBSCRIBED', request: h.take('SUBSCRIBE').request, subscription: 4 });
    const [sa, sb] = await Promise.all([pa, pb]);
    h.feed({ type: 'EVENT', subscription: 4, publication: 1, details: {} });
    await sa.unsubscribe();
    expect(h.sent).toEqual([]);
    h.feed({ type: 'EVENT', subscription: 4, publication: 2, details: {} });
    const last = sb[Symbol.asyncDispose]();
    h.feed({ type: 'UNSUBSCRIBED', request: h.take('UNSUBSCRIBE').request });
    await last;
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it('revocation ends the iterator and calls onRevoke', async () => {
    const h = await joined();
    let revoked: unknown;
    const p = h.session.subscribe('com.t', undefined, {
      onRevoke: (i) => {
        revoked = i;
      },
    });
    h.feed({ type: 'SUBSCRIBED', request: h.take('SUBSCRIBE').request, subscription: 5 });
    const sub = await p;
    h.feed({ type: 'EVENT', subscription: 5, publication: 1, details: {}, args: ['x'] });
    h.feed({
      type: 'UNSUBSCRIBED',
      request: 0,
      details: { subscription: 5, reason: 'wamp.error.revoked' },
    });
    const got: unknown[] = [];
    for await (const e of sub) got.push(e.args[0]);
    expect(got).toEqual(['x']);
    expect(revoked).toMatchObject({ reason: 'wamp.error.revoked' });
    expect(sub.active).toBe(false);
  });

  it('an AbortSignal unsubscribes', async () => {
    const h = await joined();
    const ac = new AbortController();
    const p = h.session.subscribe('com.t', () => {}, { signal: ac.signal });
    h.feed({ type: 'SUBSCRIBED', request: h.take('SUBSCRIBE').request, subscription: 6 });
    await p;
    ac.abort();
    expect(h.take('UNSUBSCRIBE').subscription).toBe(6);
  });

  it('a throwing event handler is reported, not fatal', async () => {
    const errors: unknown[] = [];
    const h = await joined({ onHandlerError: (e) => errors.push(e) });
    const p = h.session.subscribe('com.t', () => {
      throw new Error('handler bug');
    });
    h.feed({ type: 'SUBSCRIBED', request: h.take('SUBSCRIBE').request, subscription: 6 });
    await p;
    h.feed({ type: 'EVENT', subscription: 6, publication: 1, details: {} });
    expect((errors[0] as Error).message).toBe('handler bug');
    expect(h.session.state).toBe('established');
  });
});
