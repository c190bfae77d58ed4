/**
 * The fast paths of calls, invocations and events (issue 9) behave as the general ones: a
 * handler's plain value is answered at once, the invocation's AbortSignal and chunk buffer are
 * created only when read yet see everything that happened before, and EVENT objects carry every
 * field.
 */
import { describe, expect, it } from 'vitest';
import { CanceledError, type Event, type Invocation, Result } from '../src/index.js';
import { joined } from './harness.js';

async function registered(
  handler: (inv: Invocation) => unknown,
  options: Parameters<import('../src/index.js').Session['register']>[2] = {},
) {
  const h = await joined();
  const p = h.session.register('com.proc', handler, options);
  const reg = h.take('REGISTER');
  h.feed({ type: 'REGISTERED', request: reg.request, registration: 500 });
  await p;
  return h;
}

describe('callee fast paths', () => {
  it('answers a plain return value before receive() returns', async () => {
    const h = await registered((inv) => new Result(inv.args, { k: 1 }));
    h.feed({ type: 'INVOCATION', request: 1, registration: 500, details: {}, args: ['x'] });
    expect(h.take('YIELD')).toEqual({
      type: 'YIELD',
      request: 1,
      options: {},
      args: ['x'],
      kwargs: { k: 1 },
    });
    h.feed({ type: 'INVOCATION', request: 2, registration: 500, details: {} });
    expect(h.take('YIELD')).toEqual({
      type: 'YIELD',
      request: 2,
      options: {},
      args: [],
      kwargs: { k: 1 },
    });
  });

  it('answers a synchronous throw with an ERROR at once', async () => {
    const h = await registered(() => {
      throw new Error('bad input');
    });
    h.feed({ type: 'INVOCATION', request: 1, registration: 500, details: {} });
    expect(h.take('ERROR')).toMatchObject({
      request: 1,
      error: 'wamp.error.runtime_error',
      args: ['bad input'],
    });
  });

  it('a signal first read after INTERRUPT is already aborted with its reason', async () => {
    let release!: () => void;
    let seen: { aborted: boolean; reason: unknown } | undefined;
    const h = await registered(async (inv) => {
      await new Promise<void>((r) => {
        release = r;
      });
      seen = { aborted: inv.signal.aborted, reason: inv.signal.reason };
      return 'late';
    });
    h.feed({ type: 'INVOCATION', request: 3, registration: 500, details: {} });
    await h.flush();
    h.feed({ type: 'INTERRUPT', request: 3, options: { mode: 'kill' } });
    release();
    await h.flush();
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(CanceledError);
    expect(h.take('YIELD')).toMatchObject({ request: 3, args: ['late'] });
  });

  it('a signal read before INTERRUPT fires its listeners once', async () => {
    let fired = 0;
    const h = await registered(
      (inv) =>
        new Promise((resolve) => {
          inv.signal.addEventListener('abort', () => {
            fired++;
            resolve('stopped');
          });
        }),
    );
    h.feed({ type: 'INVOCATION', request: 4, registration: 500, details: {} });
    await h.flush();
    h.feed({ type: 'INTERRUPT', request: 4, options: { mode: 'kill' } });
    h.feed({ type: 'INTERRUPT', request: 4, options: { mode: 'kill' } });
    await h.flush();
    expect(fired).toBe(1);
    expect(h.take('YIELD')).toMatchObject({ request: 4, args: ['stopped'] });
  });

  it('chunks of a call that is not progressive: its one chunk, read at any time', async () => {
    const h = await registered(async (inv) => {
      await Promise.resolve();
      const parts: unknown[] = [];
      for await (const chunk of inv.chunks) parts.push([chunk.args, chunk.kwargs, chunk.progress]);
      return parts;
    });
    h.feed({
      type: 'INVOCATION',
      request: 5,
      registration: 500,
      details: {},
      args: [1],
      kwargs: { a: 2 },
    });
    await h.flush();
    expect(h.take('YIELD').args).toEqual([[[[1], { a: 2 }, false]]]);
  });

  it('a slot freed by a synchronous handler goes to the next queued invocation', async () => {
    const releases: (() => void)[] = [];
    const h = await registered(
      (inv) => {
        if (inv.args[0] === 'slow') return new Promise((r) => releases.push(() => r('slow done')));
        return `fast ${inv.request}`;
      },
      { concurrency: 1, maxQueued: 10 },
    );
    h.feed({ type: 'INVOCATION', request: 1, registration: 500, details: {}, args: ['slow'] });
    h.feed({ type: 'INVOCATION', request: 2, registration: 500, details: {}, args: ['fast'] });
    h.feed({ type: 'INVOCATION', request: 3, registration: 500, details: {}, args: ['fast'] });
    await h.flush();
    expect(h.sent).toEqual([]);
    releases[0]?.();
    await h.flush();
    expect([h.take('YIELD'), h.take('YIELD'), h.take('YIELD')].map((m) => m.args)).toEqual([
      ['slow done'],
      ['fast 2'],
      ['fast 3'],
    ]);
  });
});

describe('caller and subscriber fast paths', () => {
  it('a call without options sends empty CALL.Options and resolves with every field', async () => {
    const h = await joined();
    const p = h.session.call('com.x', [1]);
    const call = h.take('CALL');
    expect(call).toEqual({
      type: 'CALL',
      request: call.request,
      options: {},
      procedure: 'com.x',
      args: [1],
    });
    h.feed({ type: 'RESULT', request: call.request, details: {} });
    const result = await p;
    expect(result).toEqual({ args: [], kwargs: {}, details: {}, progress: false });
    expect(result.payload).toBeUndefined();
  });

  it('events carry every field; a handle added during delivery gets only later events', async () => {
    const h = await joined();
    const got: [string, Event][] = [];
    const first = h.session.subscribe('com.t', (e) => {
      got.push(['first', e]);
      if (got.length === 1) void h.session.subscribe('com.t', (e2) => got.push(['second', e2]));
    });
    const sub = h.take('SUBSCRIBE');
    h.feed({ type: 'SUBSCRIBED', request: sub.request, subscription: 77 });
    await first;
    h.feed({ type: 'EVENT', subscription: 77, publication: 1, details: {}, args: ['a'] });
    const sub2 = h.take('SUBSCRIBE');
    h.feed({ type: 'SUBSCRIBED', request: sub2.request, subscription: 77 });
    await h.flush();
    h.feed({
      type: 'EVENT',
      subscription: 77,
      publication: 2,
      details: { publisher: 9, publisher_authid: 'joe', topic: 'com.t' },
    });
    expect(got.map(([who, e]) => [who, e.publication])).toEqual([
      ['first', 1],
      ['first', 2],
      ['second', 2],
    ]);
    expect(got[0]?.[1]).toMatchObject({
      args: ['a'],
      kwargs: {},
      topic: 'com.t',
      subscription: 77,
      retained: false,
    });
    expect(got[0]?.[1].publisher).toBeUndefined();
    expect(got[1]?.[1]).toMatchObject({ publisher: 9, publisherAuthid: 'joe', args: [] });
    expect(got[1]?.[1].publisherAuthrole).toBeUndefined();
  });
});
