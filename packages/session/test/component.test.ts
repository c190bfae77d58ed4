/**
 * The reconnecting Component on real sockets (WebSocket to the embedded router): reconnect after
 * a router restart and after a cut connection, restore of registrations and subscriptions with
 * their original options (checked through the router's meta-API), in-flight calls rejecting with
 * a typed error, the state events and iterator, the transport list, retry limits, fatal errors,
 * keepalive-driven reconnects; and the full-jitter backoff bounds.
 */
import { type StartedRouter, startRouter } from '@wampkit/router';
import { jsonSerializer } from '@wampkit/serializers';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backoffDelay,
  Component,
  type ComponentOptions,
  ConnectionLostError,
  ConnectionRefusedError,
  type ConnectionState,
  type Event,
  KeepaliveTimeoutError,
  NotConnectedError,
  SessionClosedError,
  type TransportEntry,
} from '../src/index.js';
import { connectWebSocket } from '../src/transports/websocket-node.js';
import { startRelay } from './relay.js';

function ws(url: string): TransportEntry {
  return {
    name: url,
    connect: (signal) => connectWebSocket(url, { serializer: jsonSerializer, signal }),
  };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function router(port = 0): Promise<StartedRouter> {
  const r = await startRouter({ port, realms: ['realm1'], autoCreateRealms: false });
  cleanups.push(() => r.close());
  return r;
}

function component(options: ComponentOptions): Component {
  const c = new Component({ reconnect: { initialDelay: 50, maxDelay: 200 }, ...options });
  cleanups.push(() => c.stop());
  return c;
}

/** Waits for the next `state` event with this state. */
function next(c: Component, state: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    const off = c.on('state', (e) => {
      if (e.state === state) {
        off();
        resolve();
      }
    });
  });
}

describe('backoff with full jitter', () => {
  it('stays in [0, min(cap, initial * multiplier^n))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, r) => {
          const d = backoffDelay(retry, {
            initialDelay: 100,
            maxDelay: 5000,
            multiplier: 2,
            random: () => r,
          });
          const bound = Math.min(5000, 100 * 2 ** retry);
          return d >= 0 && d < bound && Number.isInteger(d);
        },
      ),
    );
  });

  it('is the bound itself without jitter, and spreads out with it', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, { jitter: 'none' }))).toEqual([
      500, 1000, 2000, 4000, 30_000,
    ]);
    const samples = Array.from({ length: 200 }, () => backoffDelay(3));
    expect(new Set(samples).size).toBeGreaterThan(50);
    expect(Math.max(...samples)).toBeLessThan(4000);
  });
});

describe('Component', () => {
  it('restores registrations and subscriptions with their options after a router restart', async () => {
    let r = await router();
    const port = r.port;
    const events: Event[] = [];
    const c = component({
      realm: 'realm1',
      transports: ws(r.url),
      registrations: [
        {
          procedure: 'com.example.prefix.',
          handler: (inv) => `${inv.details.procedure}:${inv.args[0]}`,
          options: { match: 'prefix', invoke: 'roundrobin' },
        },
      ],
      subscriptions: [
        {
          topic: 'com.example..news',
          handler: (e) => void events.push(e),
          options: { match: 'wildcard' },
        },
      ],
    });
    const joins: number[] = [];
    c.on('join', (s) => joins.push(s.id));
    const first = await c.start();
    const dynamic = await c.register('com.example.dynamic', () => 'dyn', { invoke: 'random' });
    expect(dynamic.current?.active).toBe(true);

    const check = async () => {
      const s = c.session!;
      expect((await s.call('com.example.prefix.a', [1])).args).toEqual(['com.example.prefix.a:1']);
      expect((await s.call('com.example.dynamic')).args).toEqual(['dyn']);
      const regId = (
        await s.call('wamp.registration.lookup', ['com.example.prefix.', { match: 'prefix' }])
      ).args[0];
      const reg = (await s.call('wamp.registration.get', [regId])).args[0] as Record<
        string,
        unknown
      >;
      expect(reg).toMatchObject({
        uri: 'com.example.prefix.',
        match: 'prefix',
        invoke: 'roundrobin',
      });
      const dynId = (await s.call('wamp.registration.lookup', ['com.example.dynamic'])).args[0];
      expect((await s.call('wamp.registration.get', [dynId])).args[0]).toMatchObject({
        invoke: 'random',
      });
      const subId = (
        await s.call('wamp.subscription.lookup', ['com.example..news', { match: 'wildcard' }])
      ).args[0];
      expect(subId).toEqual(expect.any(Number));
      const before = events.length;
      await s.publish(
        'com.example.sport.news',
        ['goal'],
        {},
        { acknowledge: true, excludeMe: false },
      );
      await expect.poll(() => events.length).toBe(before + 1);
      expect(events.at(-1)?.topic).toBe('com.example.sport.news');
    };
    await check();

    for (let i = 0; i < 2; i++) {
      const lost = next(c, 'waiting');
      await r.close();
      await lost;
      expect(c.session).toBeUndefined();
      await expect(c.call('com.example.dynamic')).rejects.toBeInstanceOf(NotConnectedError);
      const rejoined = next(c, 'joined');
      r = await router(port);
      await rejoined;
      await check();
    }
    expect(joins).toHaveLength(3);
    expect(new Set(joins).size).toBe(3);
    expect(joins[0]).toBe(first.id);

    // Removed declarations are not restored.
    await dynamic.remove();
    await expect(c.call('com.example.dynamic')).rejects.toMatchObject({
      uri: 'wamp.error.no_such_procedure',
    });
    const lost = next(c, 'waiting');
    await r.close();
    await lost;
    const rejoined = next(c, 'joined');
    r = await router(port);
    await rejoined;
    await expect(c.call('com.example.dynamic')).rejects.toMatchObject({
      uri: 'wamp.error.no_such_procedure',
    });
  });

  it('in-flight calls reject at once with SessionClosedError when the connection is cut', async () => {
    const r = await router();
    const relay = await startRelay(r.port);
    cleanups.push(() => relay.close());
    // The callee answers never: only the connection loss can end these calls.
    const callee = component({
      realm: 'realm1',
      transports: ws(r.url),
      registrations: [{ procedure: 'com.example.hang', handler: () => new Promise(() => {}) }],
    });
    await callee.start();
    const caller = component({ realm: 'realm1', transports: ws(`ws://127.0.0.1:${relay.port}/`) });
    await caller.start();
    const calls = Array.from({ length: 20 }, () =>
      caller.call('com.example.hang').catch((e: unknown) => e),
    );
    await expect.poll(() => caller.session?.pendingCount).toBe(20);
    const rejoined = next(caller, 'joined');
    relay.cut();
    const errors = await Promise.all(calls);
    for (const err of errors) {
      expect(err).toBeInstanceOf(SessionClosedError);
      expect((err as SessionClosedError).reason).toBe('wamp.close.transport_lost');
      expect((err as Error).cause).toBeInstanceOf(ConnectionLostError);
    }
    await rejoined;
    expect(relay.accepted).toBe(2);
  });

  it('reports state changes as events and through the async iterator', async () => {
    let r = await router();
    const port = r.port;
    const c = component({ realm: 'realm1', transports: ws(r.url) });
    const seen: string[] = [];
    const iterated = (async () => {
      for await (const change of c.states()) seen.push(change.state);
    })();
    const events: ConnectionState[] = [];
    c.on('state', (e) => events.push(e.state));
    await c.start();
    const lost = next(c, 'waiting');
    await r.close();
    await lost;
    const rejoined = next(c, 'joined');
    r = await router(port);
    await rejoined;
    await c.stop();
    await iterated;
    expect(c.state).toBe('stopped');
    expect(seen[0]).toBe('idle');
    expect(seen.slice(1, 3)).toEqual(['connecting', 'joined']);
    expect(seen.at(-2)).toBe('joined');
    expect(seen.at(-1)).toBe('stopped');
    // Between the loss and the rejoin: failed attempts while the router is down.
    expect(seen[3]).toBe('waiting');
    expect(seen.slice(3, -2).every((s) => s === 'waiting' || s === 'connecting')).toBe(true);
    expect(seen.slice(1)).toEqual(events);
  });

  it('tries the transports in order and uses the first that works', async () => {
    const r = await router();
    const dead = await startRouter();
    const deadUrl = dead.url;
    await dead.close();
    const c = component({ realm: 'realm1', transports: [ws(deadUrl), ws(r.url)] });
    const errors: [Error, string | undefined][] = [];
    c.on('error', (e, t) => errors.push([e, t]));
    const joined = new Promise<string | undefined>((resolve) =>
      c.on('state', (e) => e.state === 'joined' && resolve(e.transport)),
    );
    await c.start();
    expect(await joined).toBe(r.url);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[0]).toBeInstanceOf(ConnectionRefusedError);
    expect(errors[0]?.[1]).toBe(deadUrl);
  });

  it('gives up after maxRetries with the last error', async () => {
    const dead = await startRouter();
    const deadUrl = dead.url;
    await dead.close();
    const c = component({
      realm: 'realm1',
      transports: ws(deadUrl),
      reconnect: { initialDelay: 10, maxRetries: 3 },
    });
    let attempts = 0;
    c.on('error', () => attempts++);
    await expect(c.start()).rejects.toBeInstanceOf(ConnectionRefusedError);
    expect(c.state).toBe('failed');
    expect(attempts).toBe(4);
  });

  it('does not retry an ABORT no retry can fix (no such realm)', async () => {
    const r = await router();
    const c = component({ realm: 'nope', transports: ws(r.url) });
    let attempts = 0;
    c.on('error', () => attempts++);
    const err = await c.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionClosedError);
    expect((err as SessionClosedError).reason).toBe('wamp.error.no_such_realm');
    expect(attempts).toBe(1);
    expect(c.state).toBe('failed');
  });

  it('the WAMP keepalive probe turns a silent connection into a reconnect', async () => {
    const r = await router();
    const relay = await startRelay(r.port);
    cleanups.push(() => relay.close());
    const c = component({
      realm: 'realm1',
      transports: ws(`ws://127.0.0.1:${relay.port}/`),
      keepalive: { interval: 100, timeout: 200 },
      registrations: [{ procedure: 'com.example.ping', handler: () => 'pong' }],
    });
    const first = await c.start();
    const waiting = new Promise<Error | undefined>((resolve) =>
      c.on('state', (e) => e.state === 'waiting' && resolve(e.error)),
    );
    // The router still holds the old session (its side of the connection looks alive), so
    // restoring the registration fails until the router drops it: the Component retries.
    const restoreFailed = new Promise<Error>((resolve) =>
      c.on('error', (e) => {
        if ((e as { uri?: string }).uri === 'wamp.error.procedure_already_exists') resolve(e);
      }),
    );
    relay.freeze();
    expect(await waiting).toBeInstanceOf(KeepaliveTimeoutError);
    await restoreFailed;
    expect(c.state).not.toBe('joined');
    const rejoined = next(c, 'joined');
    relay.cut();
    await rejoined;
    expect(c.session?.id).not.toBe(first.id);
    expect((await c.call('com.example.ping')).args).toEqual(['pong']);
  });

  it('stop() during backoff ends in stopped and rejects start()', async () => {
    const dead = await startRouter();
    const deadUrl = dead.url;
    await dead.close();
    const c = component({
      realm: 'realm1',
      transports: ws(deadUrl),
      reconnect: { initialDelay: 10_000 },
    });
    const started = c.start();
    await next(c, 'waiting');
    await c.stop();
    expect(c.state).toBe('stopped');
    const err = await started.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotConnectedError);
    expect((err as NotConnectedError).state).toBe('stopped');
  });
});
