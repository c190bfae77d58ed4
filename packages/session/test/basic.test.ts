/**
 * The Basic client (wampkit/basic) over real WebSockets (the `ws` package's WHATWG-style client
 * on Node 20): RPC and PubSub through our router with json, msgpack and cbor, authentication,
 * canceling, and against Autobahn|JS and Autobahn|Python (Debian python3-autobahn) as the peer of
 * each role.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { cbor } from '../src/basic/cbor.js';
import {
  ApplicationError,
  type BasicCodec,
  type BasicConnectOptions,
  type BasicEvent,
  type BasicSession,
  CanceledError,
  ConnectError,
  connect,
  json,
  Result,
  SessionClosedError,
} from '../src/basic/index.js';
import { msgpack } from '../src/basic/msgpack.js';

const WS = WebSocket as unknown as BasicConnectOptions['WebSocket'];
const PY_PEER = join(import.meta.dirname, 'peers', 'autobahn_basic_peer.py');
let router: StartedRouter;
let secure: StartedRouter;

beforeAll(async () => {
  router = await startRouter({ realms: ['realm1'], autoCreateRealms: false });
  secure = await startRouter({
    realms: ['secure'],
    autoCreateRealms: false,
    auth: {
      secure: {
        ticket: { principals: { joe: { ticket: 'secret!', role: 'user' } } },
        roles: { user: [{ uri: 'com.', match: 'prefix', allow: { call: true, register: true } }] },
      },
    },
  });
});
afterAll(async () => {
  await router?.close();
  await secure?.close();
});

function open(serializer: BasicCodec = json, realm = 'realm1'): Promise<BasicSession> {
  return connect({ url: router.url, realm, serializer, WebSocket: WS });
}

/** Resolves with the next `n` events a handler gets. */
function collector(n: number): { handler: (e: BasicEvent) => void; events: Promise<BasicEvent[]> } {
  const got: BasicEvent[] = [];
  let done!: (e: BasicEvent[]) => void;
  const events = new Promise<BasicEvent[]>((r) => {
    done = r;
  });
  return {
    handler: (e) => {
      got.push(e);
      if (got.length === n) done(got);
    },
    events,
  };
}

describe.each([
  ['json', json],
  ['msgpack', msgpack],
  ['cbor', cbor],
] as const)('Basic client through our router (%s)', (name, serializer) => {
  // One router for all serializers: each uses URIs of its own.
  const u = (uri: string) => uri.replace('com.basic.', `com.basic.${name}.`);
  it('joins, calls, registers, publishes, subscribes and leaves', async () => {
    const a = await open(serializer);
    const b = await open(serializer);
    expect(a.id).toBeGreaterThan(0);
    expect(a.isOpen).toBe(true);
    expect(a.authrole).toBe('anonymous');

    const reg = await b.register(u('com.basic.add'), (inv) => {
      expect(inv.procedure).toBe(u('com.basic.add'));
      return (inv.args[0] as number) + (inv.args[1] as number);
    });
    await b.register(u('com.basic.kw'), async (inv) => new Result(['x', inv.kwargs.n], { n: 2 }));
    await b.register(u('com.basic.none'), () => undefined);
    const bytes = new Uint8Array(70_000).map((_, i) => i * 7);
    await b.register(u('com.basic.echo'), (inv) => new Result(inv.args, inv.kwargs));

    expect((await a.call(u('com.basic.add'), [2, 3])).args).toEqual([5]);
    const kw = await a.call(u('com.basic.kw'), [], { n: 1 });
    expect(kw.args).toEqual(['x', 1]);
    expect(kw.kwargs).toEqual({ n: 2 });
    const none = await a.call(u('com.basic.none'));
    expect(none.args).toEqual([]);
    expect(none.kwargs).toEqual({});
    const echo = await a.call(u('com.basic.echo'), [bytes, 'ü€😀', null, 1.5, -(2 ** 53)], {
      nested: { b: bytes.subarray(0, 3), list: [true, false] },
    });
    expect(echo.args[0]).toEqual(bytes);
    expect(echo.args.slice(1)).toEqual(['ü€😀', null, 1.5, -(2 ** 53)]);
    expect(echo.kwargs).toEqual({ nested: { b: bytes.subarray(0, 3), list: [true, false] } });

    // PubSub: two local handlers on one topic share the router's subscription.
    const one = collector(2);
    const two = collector(1);
    const s1 = await a.subscribe(u('com.basic.topic'), one.handler);
    const s2 = await a.subscribe(u('com.basic.topic'), two.handler);
    expect(s2.id).toBe(s1.id);
    expect(await b.publish(u('com.basic.topic'), ['hello'], { k: 1 })).toBeUndefined();
    const [first] = await two.events;
    expect(first?.args).toEqual(['hello']);
    expect(first?.kwargs).toEqual({ k: 1 });
    expect(first?.topic).toBe(u('com.basic.topic'));
    await s2.unsubscribe();
    const ack = await b.publish(u('com.basic.topic'), ['again'], undefined, { acknowledge: true });
    expect(ack?.publication).toBeGreaterThan(0);
    expect((await one.events).map((e) => e.args)).toEqual([['hello'], ['again']]);

    // Our own publication reaches us only with excludeMe: false.
    const mine = collector(1);
    const s3 = await a.subscribe(u('com.basic.'), mine.handler, { match: 'prefix' });
    await a.publish(u('com.basic.self'), [1], undefined, { excludeMe: false, acknowledge: true });
    const [self] = await mine.events;
    expect(self?.topic).toBe(u('com.basic.self'));
    await s3.unsubscribe();
    await s1.unsubscribe();

    await reg.unregister();
    await expect(a.call(u('com.basic.add'), [1, 1])).rejects.toMatchObject({
      name: 'ApplicationError',
      uri: 'wamp.error.no_such_procedure',
    });

    const info = await a.leave();
    expect(info).toMatchObject({
      reason: 'wamp.close.goodbye_and_out',
      initiator: 'local',
      clean: true,
    });
    expect(a.isOpen).toBe(false);
    await expect(a.call(u('com.basic.kw'))).rejects.toThrow(/not established/);
    await b.leave();
  });

  it('turns callee errors into ERROR and back into typed errors', async () => {
    const a = await open(serializer);
    const b = await open(serializer);
    await b.register(u('com.basic.fail'), (inv) => {
      throw new ApplicationError(u('com.basic.no'), ['nope', inv.args[0]], { why: 'because' });
    });
    await b.register(u('com.basic.crash'), async () => {
      throw new TypeError('broken handler');
    });
    const reported: unknown[] = [];
    const c = await connect({
      url: router.url,
      realm: 'realm1',
      serializer,
      WebSocket: WS,
      onError: (e) => reported.push(e),
    });
    await c.register(u('com.basic.crash2'), () => {
      throw new RangeError('quietly reported');
    });
    const err = await a.call(u('com.basic.fail'), [7]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationError);
    expect(err).toMatchObject({
      uri: u('com.basic.no'),
      args: ['nope', 7],
      kwargs: { why: 'because' },
    });
    const silence = console.error;
    console.error = () => {};
    try {
      await expect(a.call(u('com.basic.crash'))).rejects.toMatchObject({
        uri: 'wamp.error.runtime_error',
        args: ['broken handler'],
      });
    } finally {
      console.error = silence;
    }
    await expect(a.call(u('com.basic.crash2'))).rejects.toMatchObject({
      uri: 'wamp.error.runtime_error',
    });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(RangeError);
    // A value the serializer cannot carry is refused before anything is sent.
    await expect(a.call(u('com.basic.fail'), [() => 1])).rejects.toMatchObject({
      name: 'SerializationError',
    });
    expect(await a.call(u('com.basic.fail'), [1]).catch((e: ApplicationError) => e.args)).toEqual([
      'nope',
      1,
    ]);
    await Promise.all([a.leave(), b.leave(), c.leave()]);
  });

  it('cancels a call through an AbortSignal (killnowait)', async () => {
    const a = await open(serializer);
    const b = await open(serializer);
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    await b.register(u('com.basic.slow'), () => {
      started();
      return new Promise((r) => {
        release = () => r('late');
      });
    });
    const ac = new AbortController();
    const call = a.call(u('com.basic.slow'), [], undefined, { signal: ac.signal });
    await running;
    ac.abort();
    await expect(call).rejects.toBeInstanceOf(CanceledError);
    release();
    // The session stays usable and consistent: a later call with the same callee works.
    await b.register(u('com.basic.fast'), () => 'ok');
    expect((await a.call(u('com.basic.fast'))).args).toEqual(['ok']);
    // Already aborted: nothing is sent, and the next request id is still the next in sequence.
    await expect(
      a.call(u('com.basic.fast'), [], undefined, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(CanceledError);
    expect((await a.call(u('com.basic.fast'))).args).toEqual(['ok']);
    await Promise.all([a.leave(), b.leave()]);
  });
});

describe('Basic client sessions', () => {
  it('authenticates with a ticket through onChallenge', async () => {
    const s = await connect({
      url: secure.url,
      realm: 'secure',
      WebSocket: WS,
      authmethods: ['ticket'],
      authid: 'joe',
      onChallenge: (c) => {
        expect(c.authMethod).toBe('ticket');
        return { signature: 'secret!' };
      },
    });
    expect(s.authid).toBe('joe');
    expect(s.authrole).toBe('user');
    await s.register('com.secure.x', () => 1);
    await s.leave();
    const refused = await connect({
      url: secure.url,
      realm: 'secure',
      WebSocket: WS,
      authmethods: ['ticket'],
      authid: 'joe',
      onChallenge: () => ({ signature: 'wrong' }),
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SessionClosedError);
    expect((refused as SessionClosedError).reason).toMatch(/^wamp\.error\./);
    const unknownRealm = await connect({ url: router.url, realm: 'nope', WebSocket: WS }).catch(
      (e: unknown) => e,
    );
    expect(unknownRealm).toBeInstanceOf(SessionClosedError);
  });

  it('rejects every pending request when the router goes away', async () => {
    const r = await startRouter({ realms: ['realm1'] });
    const a = await connect({ url: r.url, realm: 'realm1', WebSocket: WS });
    const b = await connect({ url: r.url, realm: 'realm1', WebSocket: WS });
    await b.register('com.basic.never', () => new Promise(() => {}));
    const call = expect(a.call('com.basic.never')).rejects.toBeInstanceOf(SessionClosedError);
    await r.close();
    await call;
    const info = await a.closed;
    expect(info).toMatchObject({ reason: 'wamp.close.system_shutdown', initiator: 'remote' });
    expect(a.isOpen).toBe(false);
  });

  it('fails to connect with typed errors', async () => {
    await expect(
      connect({ url: 'ws://127.0.0.1:1/', realm: 'realm1', WebSocket: WS }),
    ).rejects.toBeInstanceOf(ConnectError);
    const ac = new AbortController();
    ac.abort();
    await expect(
      connect({ url: router.url, realm: 'realm1', WebSocket: WS, signal: ac.signal }),
    ).rejects.toBeInstanceOf(ConnectError);
    // Our router refuses the upgrade for a subprotocol it does not speak (WebSockets report no
    // reason to scripts, so this is a ConnectError).
    const odd: BasicCodec = { ...json, protocol: 'wamp.2.nonsense' };
    await expect(
      connect({ url: router.url, realm: 'realm1', WebSocket: WS, serializer: odd }),
    ).rejects.toBeInstanceOf(ConnectError);
  });
});

// Autobahn|JS (CommonJS, `ws` transport in Node) as the peer of every role.
const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS ships no types
const autobahn: any = require('autobahn');

describe('Basic client and Autobahn|JS 22.11.1', () => {
  it('interoperate as caller/callee and publisher/subscriber', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS session
    const ab: any = await new Promise((resolve, reject) => {
      const connection = new autobahn.Connection({
        url: router.url,
        realm: 'realm1',
        max_retries: 0,
      });
      connection.onopen = resolve;
      connection.onclose = (reason: string) => {
        reject(new Error(`autobahn closed: ${reason}`));
        return true;
      };
      connection.open();
    });
    const s = await open(json);
    await ab.register(
      'com.ab.mul',
      (args: number[], kwargs: { by: number }) => args[0]! * kwargs.by,
    );
    await ab.register('com.ab.fail', () => {
      throw new autobahn.Error('com.ab.error', ['from autobahn'], { x: 1 });
    });
    expect((await s.call('com.ab.mul', [6], { by: 7 })).args).toEqual([42]);
    await expect(s.call('com.ab.fail')).rejects.toMatchObject({
      uri: 'com.ab.error',
      args: ['from autobahn'],
      kwargs: { x: 1 },
    });
    await s.register('com.basic.upper', (inv) => String(inv.args[0]).toUpperCase());
    expect(await ab.call('com.basic.upper', ['wamp'])).toBe('WAMP');
    const events = collector(1);
    await s.subscribe('com.ab.news', events.handler);
    await ab.publish('com.ab.news', ['extra'], { n: 1 }, { acknowledge: true });
    const [e] = await events.events;
    expect(e).toMatchObject({ args: ['extra'], kwargs: { n: 1 } });
    let delivered!: (args: unknown[]) => void;
    const got = new Promise<unknown[]>((resolve) => {
      delivered = resolve;
    });
    await ab.subscribe('com.basic.news', (args: unknown[]) => delivered(args));
    await s.publish('com.basic.news', ['from basic'], undefined, { acknowledge: true });
    expect(await got).toEqual(['from basic']);
    await s.leave();
    ab.leave();
  });
});

describe.each([
  ['json', json],
  ['msgpack', msgpack],
  ['cbor', cbor],
] as const)('Basic client and Autobahn|Python (asyncio, %s)', (name, serializer) => {
  it('interoperate as caller/callee and publisher/subscriber', async () => {
    const s = await open(serializer);
    await s.register('com.basicjs.upper', (inv) => String(inv.args[0]).toUpperCase());
    let ready!: () => void;
    const isReady = new Promise<void>((r) => {
      ready = r;
    });
    await s.subscribe('com.basicpy.ready', () => ready());
    let news!: (e: BasicEvent) => void;
    const gotNews = new Promise<BasicEvent>((r) => {
      news = r;
    });
    await s.subscribe('com.basicpy.news', (e) => news(e));
    const child = spawn('/usr/bin/python3', [PY_PEER, router.url, name], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exit = new Promise<number | null>((r) => child.once('exit', r));
    try {
      const early = await Promise.race([isReady.then(() => 'ready'), exit.then(() => 'exited')]);
      if (early !== 'ready') throw new Error(`python peer exited early:\n${stderr}`);
      // JSON carries binary as NUL + base64 (Autobahn|Python decodes it to bytes), the others natively.
      const add = await s.call('com.basicpy.add', [2, 3], { blob: new Uint8Array([0, 255]) });
      expect(add.args).toEqual([5, new Uint8Array([0, 255, 33])]);
      await expect(s.call('com.basicpy.fail', [7])).rejects.toMatchObject({
        uri: 'com.basicpy.error',
        args: ['python says no', 7],
        kwargs: { reason: 'test' },
      });
      expect((await s.call('com.basicpy.ping_back', ['wamp'])).args).toEqual(['published']);
      const e = await gotNews;
      expect(e.args).toEqual(['WAMP', new Uint8Array([0, 255])]);
      expect(e.kwargs).toEqual({ source: 'python' });
      expect((await s.call('com.basicpy.leave')).args).toEqual(['bye']);
      expect(await exit).toBe(0);
    } finally {
      child.kill();
      await s.leave();
    }
  });
});
