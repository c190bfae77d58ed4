/**
 * Send-side backpressure (DESIGN.md principle 7), sans-IO: a session attached to a scripted
 * transport whose `send()` reports "full" when the test says so. Calls and publications wait
 * while the send queue holds `maxSendQueueBytes`, leave in order on `ondrain`, and waiting ones
 * can be aborted, time out, fail under `sendQueueOverflow: 'error'`, or fail when the session
 * ends. The test plays the router, as in harness.ts.
 */
import { jsonSerializer, type WampMessage } from '@wampkit/serializers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attachSession,
  CanceledError,
  LimitExceededError,
  type Session,
  SessionClosedError,
  type SessionOptions,
  TimeoutError,
  type Transport,
  type TransportCloseEvent,
} from '../src/index.js';
import { SendQueue, wireLength } from '../src/send-queue.js';
import { ROUTER_ROLES, watch } from './harness.js';

/** A transport that takes every message but says "full" while `full` is set. */
class ScriptedTransport implements Transport {
  readonly serializer = jsonSerializer;
  onmessage: ((data: Uint8Array | string) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;
  /** What reached the transport, decoded. */
  readonly sent: WampMessage[] = [];
  full = false;
  closed = false;

  send(data: Uint8Array | string): boolean {
    this.sent.push(jsonSerializer.unserialize(data));
    return !this.full;
  }
  close(): void {
    this.closed = true;
  }
  /** The router's side. */
  feed(msg: WampMessage): void {
    this.onmessage?.(jsonSerializer.serialize(msg));
  }
  /** The buffer emptied: room again. */
  drain(): void {
    this.full = false;
    this.ondrain?.();
  }
  lose(): void {
    this.onclose?.({ code: 1006, reason: '', wasClean: false });
  }
  types(): string[] {
    return this.sent.map((m) => m.type);
  }
}

async function joinedOver(
  options: Partial<SessionOptions> = {},
): Promise<{ t: ScriptedTransport; session: Session }> {
  const t = new ScriptedTransport();
  const session = attachSession(t, { realm: 'realm1', onHandlerError: () => {}, ...options });
  const joined = session.join();
  t.feed({ type: 'WELCOME', session: 1, details: { roles: ROUTER_ROLES } });
  await joined;
  t.sent.length = 0;
  return { t, session };
}

/** Fills the send queue: the transport says full, then one more message waits in the queue. */
function fill(t: ScriptedTransport, session: Session): void {
  t.full = true;
  void session.publish('com.fill', [1]); // taken by the transport, which is now full
  void session.publish('com.fill', [2]); // waits in the send queue
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('SendQueue', () => {
  it('passes messages through until the transport is full, then keeps them in order', () => {
    const written: (Uint8Array | string)[] = [];
    let room = true;
    const q = new SendQueue((d) => {
      written.push(d);
      return room;
    });
    q.push('a');
    expect(written).toEqual(['a']);
    expect(q.bytes).toBe(0);
    room = false;
    q.push('b'); // taken, but the transport is now full
    q.push('é'); // 2 bytes
    q.push('😀'); // 4 bytes
    q.push(new Uint8Array(3));
    expect(written).toEqual(['a', 'b']);
    expect(q.bytes).toBe(9);
    expect(q.length).toBe(3);
    q.drain(); // the transport takes one and is full again
    expect(written).toEqual(['a', 'b', 'é']);
    expect(q.bytes).toBe(7);
    room = true;
    q.drain();
    expect(written.slice(3)).toEqual(['😀', new Uint8Array(3)]);
    expect(q.bytes).toBe(0);
    expect(q.length).toBe(0);
  });

  it('flushAll hands everything over whatever the fill level; clear drops it', () => {
    const written: (Uint8Array | string)[] = [];
    const q = new SendQueue((d) => {
      written.push(d);
      return false;
    });
    for (const s of ['1', '2', '3']) q.push(s);
    expect(written).toEqual(['1']);
    q.flushAll();
    expect(written).toEqual(['1', '2', '3']);
    q.push('4'); // the transport is still full: both wait
    q.push('5');
    expect(q.bytes).toBe(2);
    q.clear();
    expect(q.bytes).toBe(0);
    q.drain();
    expect(written).toEqual(['1', '2', '3']);
  });

  it('keeps order and byte count across many drains (compaction of the sent prefix)', () => {
    const written: string[] = [];
    let budget = 0; // messages the transport takes before it says full
    const q = new SendQueue((d) => {
      written.push(d as string);
      budget--;
      return budget > 0;
    });
    for (let i = 0; i < 5000; i++) q.push(String(i));
    expect(q.length).toBe(4999); // the first one went straight through
    let expected = 4999;
    while (q.length > 0) {
      budget = 700;
      q.drain();
      expected = Math.max(0, expected - 700);
      expect(q.length).toBe(expected);
    }
    expect(written).toEqual(Array.from({ length: 5000 }, (_, i) => String(i)));
    expect(q.bytes).toBe(0);
  });

  it('counts the UTF-8 bytes TextEncoder produces, lone surrogates included', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(wireLength(s)).toBe(enc.encode(s).length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('calls and publications wait while the send queue is full', () => {
  it('wait, then go out in the order they were made when the transport drains', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session);
    expect(session.bufferedAmount).toBeGreaterThan(0);
    const pub = watch(session.publish('com.p', ['third']));
    const call = watch(session.call('com.c', ['fourth']));
    const pub2 = watch(session.publish('com.p', ['fifth']));
    await flush();
    expect(pub.settled()).toBe(false);
    expect(pub2.settled()).toBe(false);
    // Only the first fill message reached the transport; the rest wait.
    expect(t.types()).toEqual(['PUBLISH']);
    t.drain();
    expect(t.types()).toEqual(['PUBLISH', 'PUBLISH', 'PUBLISH', 'CALL', 'PUBLISH']);
    expect(t.sent.map((m) => (m as { args?: unknown[] }).args?.[0])).toEqual([
      1,
      2,
      'third',
      'fourth',
      'fifth',
    ]);
    await expect(pub.result).resolves.toBeUndefined();
    await expect(pub2.result).resolves.toBeUndefined();
    const c = t.sent[3] as Extract<WampMessage, { type: 'CALL' }>;
    t.feed({ type: 'RESULT', request: c.request, details: {}, args: [42] });
    await expect(call.result).resolves.toMatchObject({ args: [42] });
    expect(session.bufferedAmount).toBe(0);
    expect(session.pendingCount).toBe(0);
  });

  it('resume only while there is room: a drain that refills the queue leaves the rest waiting', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session);
    const a = watch(session.publish('com.p', ['a']));
    const b = watch(session.publish('com.p', ['b']));
    // The transport takes the queued message and is full again: 'a' enters the queue, 'b' waits.
    t.ondrain?.();
    await flush();
    expect(a.settled()).toBe(true);
    expect(b.settled()).toBe(false);
    t.drain();
    await b.result;
    expect(t.sent.map((m) => (m as { args?: unknown[] }).args?.[0])).toEqual([1, 2, 'a', 'b']);
  });

  it('aborting a waiting call rejects it with CanceledError; neither CALL nor CANCEL is sent', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session);
    const ac = new AbortController();
    const call = session.call('com.c', [], undefined, { signal: ac.signal });
    ac.abort(new Error('user gave up'));
    await expect(call).rejects.toBeInstanceOf(CanceledError);
    t.drain();
    expect(t.types()).toEqual(['PUBLISH', 'PUBLISH']);
    expect(session.pendingCount).toBe(0);
  });

  it('request ids stay sequential on the wire: a withdrawn or unsendable request takes none', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session); // PUBLISH 1 and 2
    const ac = new AbortController();
    const gone = session.call('com.c', [], undefined, { signal: ac.signal });
    const kept = session.publish('com.p', ['kept']);
    ac.abort();
    await expect(gone).rejects.toBeInstanceOf(CanceledError);
    t.drain();
    await kept;
    await expect(session.call('com.c', [() => 1])).rejects.toThrow();
    await session.publish('com.p', ['last']);
    expect(t.sent.map((m) => (m as { request: number }).request)).toEqual([1, 2, 3, 4]);
  });

  it('a client timeout while waiting rejects with TimeoutError and sends nothing', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session);
    await expect(session.call('com.c', [], undefined, { clientTimeout: 5 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    t.drain();
    expect(t.types()).toEqual(['PUBLISH', 'PUBLISH']);
    expect(session.pendingCount).toBe(0);
  });

  it('a publication signal withdraws a waiting PUBLISH (acknowledged or not)', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session);
    const ac = new AbortController();
    const plain = session.publish('com.p', ['x'], undefined, { signal: ac.signal });
    const acked = session.publish('com.p', ['y'], undefined, {
      signal: ac.signal,
      acknowledge: true,
    });
    const kept = session.publish('com.p', ['z']);
    ac.abort();
    await expect(plain).rejects.toBeInstanceOf(CanceledError);
    await expect(acked).rejects.toBeInstanceOf(CanceledError);
    expect(session.pendingCount).toBe(1); // 'z' still waits
    t.drain();
    await kept;
    expect(session.pendingCount).toBe(0);
    expect(t.sent.map((m) => (m as { args?: unknown[] }).args?.[0])).toEqual([1, 2, 'z']);
  });

  it("sendQueueOverflow 'error': calls and publications reject at once with LimitExceededError", async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1, sendQueueOverflow: 'error' });
    fill(t, session);
    await expect(session.publish('com.p', ['x'])).rejects.toBeInstanceOf(LimitExceededError);
    await expect(session.publish('com.p', ['x'], undefined, { acknowledge: true })).rejects.toThrow(
      /maxSendQueueBytes 1/,
    );
    await expect(session.call('com.c')).rejects.toBeInstanceOf(LimitExceededError);
    const it = session.callProgressive('com.c');
    await expect(it.next()).rejects.toBeInstanceOf(LimitExceededError);
    expect(session.pendingCount).toBe(0);
    t.drain();
    expect(t.types()).toEqual(['PUBLISH', 'PUBLISH']);
    await expect(session.publish('com.p', ['after'])).resolves.toBeUndefined();
  });

  it('no more than maxPendingRequests may wait at once', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1, maxPendingRequests: 3 });
    fill(t, session);
    const waiting = [1, 2, 3].map((i) => session.publish('com.p', [i]));
    await expect(session.publish('com.p', [4])).rejects.toBeInstanceOf(LimitExceededError);
    t.drain();
    await Promise.all(waiting);
    expect(t.sent).toHaveLength(5);
  });

  it('chunks of a progressive call keep their place behind a waiting call', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session);
    const first = session.call('com.first');
    const w = session.openCall('com.upload');
    w.send(['chunk']);
    const done = w.end(['last']);
    t.drain();
    expect(t.types()).toEqual(['PUBLISH', 'PUBLISH', 'CALL', 'CALL', 'CALL']);
    const [c1, c2, c3] = t.sent.slice(2) as Extract<WampMessage, { type: 'CALL' }>[];
    expect(c1?.procedure).toBe('com.first');
    expect(c2?.options.progress).toBe(true);
    expect(c3?.options.progress).toBeUndefined();
    t.feed({ type: 'RESULT', request: c1?.request ?? 0, details: {} });
    t.feed({ type: 'RESULT', request: c2?.request ?? 0, details: {}, args: ['ok'] });
    await first;
    await expect(done).resolves.toMatchObject({ args: ['ok'] });
  });

  it('leave() fails waiting calls and publications; nothing follows the GOODBYE', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session);
    const pub = session.publish('com.p', ['x']);
    const call = session.call('com.c');
    const left = session.leave();
    await expect(pub).rejects.toBeInstanceOf(SessionClosedError);
    await expect(call).rejects.toBeInstanceOf(SessionClosedError);
    t.drain();
    expect(t.types()).toEqual(['PUBLISH', 'PUBLISH', 'GOODBYE']);
    t.feed({ type: 'GOODBYE', details: {}, reason: 'wamp.close.goodbye_and_out' });
    await expect(left).resolves.toMatchObject({ clean: true });
    expect(t.closed).toBe(true);
  });

  it('closing hands queued messages to the transport first (the GOODBYE reply is not lost)', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session);
    t.feed({ type: 'GOODBYE', details: {}, reason: 'wamp.close.system_shutdown' });
    expect(t.closed).toBe(true);
    expect(t.types()).toEqual(['PUBLISH', 'PUBLISH', 'GOODBYE']);
  });

  it('a lost transport fails everything waiting with SessionClosedError', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 1 });
    fill(t, session);
    const pub = session.publish('com.p', ['x'], undefined, { acknowledge: true });
    const call = session.call('com.c');
    t.lose();
    await expect(pub).rejects.toBeInstanceOf(SessionClosedError);
    await expect(call).rejects.toBeInstanceOf(SessionClosedError);
    expect(session.pendingCount).toBe(0);
    expect(session.bufferedAmount).toBe(0);
  });

  it('a message larger than the limit still goes out when the queue is empty', async () => {
    const { t, session } = await joinedOver({ maxSendQueueBytes: 16 });
    await session.publish('com.big', ['x'.repeat(1000)]);
    expect(t.types()).toEqual(['PUBLISH']);
  });
});
