/**
 * Bounded per-session send queues: a subscriber that stops reading is disconnected once its
 * queue passes `maxQueueBytes`; the publisher and the other subscribers are unaffected and lose
 * nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type StartedRouter, startRouter } from '../src/index.js';
import { RawPeer } from './helpers.js';

let r: StartedRouter;
const logs: string[] = [];

beforeAll(async () => {
  r = await startRouter({
    maxMessageBytes: 256 * 1024,
    maxQueueBytes: 512 * 1024,
    log: (_level, message) => logs.push(message),
  });
});
afterAll(async () => {
  await r.close();
});

it('a subscriber that does not read is disconnected; others get every event', async () => {
  const slow = await RawPeer.join(r.url, 'msgpack');
  const fast = await RawPeer.join(r.url, 'msgpack');
  const watcher = await RawPeer.join(r.url, 'json');
  const publisher = await RawPeer.join(r.url, 'cbor');
  await slow.subscribe('bp.topic');
  await fast.subscribe('bp.topic');
  await watcher.subscribe('wamp.session.on_leave');
  // The slow subscriber's socket stops reading: TCP buffers fill, then the router's queue.
  (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

  const chunk = new Uint8Array(64 * 1024).fill(7);
  let published = 0;
  let received = 0;
  let left: unknown[] | null = null;
  for (let i = 0; i < 4000 && left === null; i++) {
    const request = publisher.nextRequestId();
    publisher.send({
      type: 'PUBLISH',
      request,
      options: { acknowledge: true },
      topic: 'bp.topic',
      args: [i, chunk],
    });
    const ack = await publisher.next();
    expect(ack).toMatchObject({ type: 'PUBLISHED', request });
    published++;
    for (const m of fast.pending().length > 0 ? await fast.quiet(0) : []) {
      expect(m.type === 'EVENT' && m.args?.[0]).toBe(received);
      received++;
    }
    for (const m of watcher.pending().length > 0 ? await watcher.quiet(0) : []) {
      if (m.type === 'EVENT' && m.args?.[0] === slow.session) left = m.args;
    }
  }
  expect(left).not.toBeNull();
  expect(logs.some((l) => l.includes('exceeds 524288'))).toBe(true);
  // Everything published reached the fast subscriber, in order.
  while (received < published) {
    const m = await fast.next();
    expect(m.type === 'EVENT' && m.args?.[0]).toBe(received);
    received++;
  }
  // The slow subscriber's connection was dropped.
  (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  const closed = await slow.closed;
  expect(closed.code).toBe(1006);
  // The router has forgotten it: the subscription now lists the fast subscriber only.
  const sid = await watcher.call('wamp.subscription.lookup', ['bp.topic']);
  expect(sid.type).toBe('RESULT');
  const subs = await watcher.call(
    'wamp.subscription.list_subscribers',
    sid.type === 'RESULT' ? sid.args : [],
  );
  expect(subs).toMatchObject({ type: 'RESULT', args: [[fast.session]] });
  for (const p of [fast, watcher, publisher]) p.close();
});

it('a caller that does not read its results is disconnected, the callee keeps working', async () => {
  const callee = await RawPeer.join(r.url, 'json');
  const caller = await RawPeer.join(r.url, 'json');
  const other = await RawPeer.join(r.url, 'json');
  await callee.register('bp.big');
  (caller.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  const big = 'x'.repeat(128 * 1024);
  let answered = 0;
  // The callee answers every invocation with 128 KiB; the caller never reads.
  for (let i = 0; i < 400 && caller.ws.readyState === caller.ws.OPEN; i++) {
    caller.send({
      type: 'CALL',
      request: caller.nextRequestId(),
      options: {},
      procedure: 'bp.big',
    });
    const inv = await callee.next();
    if (inv.type !== 'INVOCATION') break;
    callee.send({ type: 'YIELD', request: inv.request, options: {}, args: [big] });
    answered++;
    const gone = await other.call('wamp.session.get', [caller.session]);
    if (gone.type === 'ERROR') break;
  }
  expect(answered).toBeGreaterThan(1);
  const gone = await other.call('wamp.session.get', [caller.session]);
  expect(gone).toMatchObject({ type: 'ERROR', error: 'wamp.error.no_such_session' });
  const res = other.call('bp.big');
  const inv = await callee.expect('INVOCATION');
  callee.send({ type: 'YIELD', request: inv.request, options: {}, args: ['ok'] });
  expect(await res).toMatchObject({ type: 'RESULT', args: ['ok'] });
  (caller.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  await caller.closed;
  callee.close();
  other.close();
});
