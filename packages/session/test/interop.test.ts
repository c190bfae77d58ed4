/**
 * Interoperability through @wampkit/router with peers nobody here wrote: Autobahn|Python
 * (Debian python3-autobahn, asyncio) and Autobahn|JS 22.11.1, each as callee, caller, publisher
 * and subscriber against wampkit, over json, msgpack and cbor: args/kwargs, binary values,
 * errors with args/kwargs, progressive results.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { jsonSerializer, type Serializer } from '@wampkit/serializers';
import { cborSerializer } from '@wampkit/serializers/cbor';
import { msgpackSerializer } from '@wampkit/serializers/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationError, type Event, joinSession, Result, type Session } from '../src/index.js';
import { connectWebSocket } from '../src/transports/websocket-node.js';

const SERIALIZERS: [string, Serializer][] = [
  ['json', jsonSerializer],
  ['msgpack', msgpackSerializer],
  ['cbor', cborSerializer],
];
const PYTHON = '/usr/bin/python3';
const PY_PEER = join(import.meta.dirname, 'peers', 'autobahn_session_peer.py');

let router: StartedRouter;
beforeAll(async () => {
  router = await startRouter({ realms: ['realm1'] });
});
afterAll(async () => {
  await router?.close();
});

/** Binary values compare as plain Uint8Array (decoders may hand out Buffer, a subclass). */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Binary values in the scenario: Uint8Array, or (for Autobahn|JS over JSON, whose JSON
 * serializer lacks the spec's "\0"+base64 binary convention) plain number lists.
 */
function bytesOf(binary: boolean) {
  return (xs: number[]): Uint8Array | number[] => (binary ? new Uint8Array(xs) : xs);
}

/** wampkit's side of the shared scenario: procedures and subscriptions the peer uses. */
async function wampkitPeer(serializer: Serializer, binary = true) {
  const B = bytesOf(binary);
  const s = await joinSession(await connectWebSocket(router.url, { serializer }), {
    realm: 'realm1',
  });
  const inbox = deferred<Event>();
  await s.register('com.interop.wk.add', (inv) => {
    const [a, b] = inv.args as [number, number];
    const blob = [...(inv.kwargs.blob as Iterable<number>)];
    return new Result([a + b, B([...blob, 33])], { echo: inv.kwargs });
  });
  await s.register('com.interop.wk.fail', (inv) => {
    throw new ApplicationError('com.interop.wk.error', ['wampkit says no', inv.args[0]], {
      code: 42,
    });
  });
  await s.register('com.interop.wk.count', async function* (inv) {
    const n = inv.args[0] as number;
    for (let i = 1; i < n; i++) yield i;
    return n;
  });
  await s.register('com.interop.wk.publish_news', async () => {
    await s.publish(
      'com.interop.wk.news',
      ['news', B([7, 0, 255])],
      { n: 1 },
      {
        acknowledge: true,
      },
    );
    return 'sent';
  });
  await s.subscribe('com.interop.wk.inbox', (e) => inbox.resolve(e));
  return { s, inbox: inbox.promise };
}

/** wampkit calling, publishing to and subscribing from the peer's com.interop.py.* API. */
async function exerciseAsCaller(s: Session, binary = true) {
  const B = bytesOf(binary);
  const blob = B([0, 255]);
  const add = await s.call('com.interop.py.add', [2, 3], { blob });
  expect(plain(add.args)).toEqual([5, B([0, 255, 33])]);
  expect(plain(add.kwargs)).toEqual({ echo: { blob } });

  const err = (await s
    .call('com.interop.py.fail', [1, 'x'], { why: 'test' })
    .catch((e: unknown) => e)) as ApplicationError;
  expect(err).toBeInstanceOf(ApplicationError);
  expect(err.uri).toBe('com.interop.py.error');
  expect(err.args).toEqual(['python says no', 1, 'x']);
  expect(err.kwargs).toEqual({ why: 'test' });

  const progress: [unknown, boolean][] = [];
  for await (const r of s.callProgressive('com.interop.py.count', [4])) {
    progress.push([r.args[0], r.progress]);
  }
  expect(progress).toEqual([
    [1, true],
    [2, true],
    [3, true],
    [4, false],
  ]);

  const echoed = deferred<Event>();
  await using _echo = await s.subscribe('com.interop.py.out', (e) => echoed.resolve(e));
  await s.publish(
    'com.interop.py.in',
    ['ping', B([1, 2, 3])],
    { k: 'v' },
    {
      acknowledge: true,
    },
  );
  const e = await echoed.promise;
  expect(plain(e.args)).toEqual(['ping', B([1, 2, 3])]);
  expect(e.kwargs).toEqual({ k: 'v' });
}

describe.each(SERIALIZERS)('Autobahn|Python (asyncio) via the router (%s)', (name, serializer) => {
  it('interoperates as callee, caller, publisher and subscriber', async () => {
    const { s, inbox } = await wampkitPeer(serializer);
    const ready = deferred<unknown>();
    await s.subscribe('com.interop.py.ready', (e) => ready.resolve(e.args[0]));
    const child = spawn(PYTHON, [PY_PEER, router.url, name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exit = exited(child);
    try {
      const started = await Promise.race([ready.promise, exit.then(() => null)]);
      if (started === null) throw new Error(`python peer exited early:\n${stderr}`);

      await exerciseAsCaller(s);

      // Autobahn|Python as caller and publisher against wampkit.
      const report = (await s.call('com.interop.py.run_checks')).args[0] as Record<string, unknown>;
      expect(plain(report.add)).toEqual([
        [5, new Uint8Array([0, 255, 33])],
        { echo: { blob: new Uint8Array([0, 255]) } },
      ]);
      expect(report.fail).toEqual(['com.interop.wk.error', ['wampkit says no', 7], { code: 42 }]);
      expect(report.count).toEqual([[1, 2, 3], 4]);
      expect(plain(report.event)).toEqual([['news', new Uint8Array([7, 0, 255])], { n: 1 }]);
      const fromPy = await inbox;
      expect(plain(fromPy.args)).toEqual(['from python', new Uint8Array([1, 2])]);
      expect(fromPy.kwargs).toEqual({ k: 'v' });

      expect((await s.call('com.interop.py.leave')).args).toEqual(['bye']);
      expect(await exit).toBe(0);
    } finally {
      child.kill();
      await s.leave();
    }
  });
});

// Autobahn|JS (CommonJS, `ws` transport in Node).
const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS ships no types
const autobahn: any = require('autobahn');

const AUTOBAHN_SERIALIZERS: Record<string, () => unknown> = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
};

// biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS session
function openAutobahn(name: string): Promise<{ session: any; close: () => void }> {
  return new Promise((resolve, reject) => {
    const connection = new autobahn.Connection({
      url: router.url,
      realm: 'realm1',
      serializers: [AUTOBAHN_SERIALIZERS[name]?.()],
      max_retries: 0,
    });
    // biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS session
    connection.onopen = (session: any) => resolve({ session, close: () => connection.close() });
    connection.onclose = (reason: string) => {
      reject(new Error(`autobahn connection closed: ${reason}`));
      return true; // no reconnect
    };
    connection.open();
  });
}

describe.each(SERIALIZERS)('Autobahn|JS 22.11.1 via the router (%s)', (name, serializer) => {
  it('interoperates as callee, caller, publisher and subscriber', async () => {
    const binary = name !== 'json';
    const B = bytesOf(binary);
    // Autobahn|JS encodes Buffer (not plain Uint8Array) as CBOR/MessagePack bytes.
    const AB = (xs: number[]) => (binary ? Buffer.from(xs) : xs);
    const { s, inbox } = await wampkitPeer(serializer, binary);
    const ab = await openAutobahn(name);
    try {
      const session = ab.session;
      // Autobahn|JS as callee and subscriber (the com.interop.py.* API of the Python peer).
      await session.register(
        'com.interop.py.add',
        (args: number[], kwargs: Record<string, unknown>) =>
          new autobahn.Result(
            [
              (args[0] as number) + (args[1] as number),
              AB([...(kwargs.blob as Iterable<number>), 33]),
            ],
            { echo: kwargs },
          ),
      );
      await session.register(
        'com.interop.py.fail',
        (args: unknown[], kwargs: Record<string, unknown>) => {
          throw new autobahn.Error('com.interop.py.error', ['python says no', ...args], kwargs);
        },
      );
      await session.register(
        'com.interop.py.count',
        // biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS details
        async (args: number[], _kwargs: unknown, details: any) => {
          const n = args[0] as number;
          for (let i = 1; i < n; i++) details.progress?.([i]);
          return n;
        },
      );
      await session.subscribe(
        'com.interop.py.in',
        (args: unknown[], kwargs: Record<string, unknown>) => {
          session.publish('com.interop.py.out', args, kwargs);
        },
      );

      await exerciseAsCaller(s, binary);

      // Autobahn|JS as caller against wampkit callees.
      const add = await session.call('com.interop.wk.add', [2, 3], { blob: AB([0, 255]) });
      expect(plain(add.args)).toEqual([5, B([0, 255, 33])]);
      expect(plain(add.kwargs)).toEqual({ echo: { blob: B([0, 255]) } });
      // biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS error
      const err: any = await session.call('com.interop.wk.fail', [7]).catch((e: unknown) => e);
      expect(err.error).toBe('com.interop.wk.error');
      expect(err.args).toEqual(['wampkit says no', 7]);
      expect(err.kwargs).toEqual({ code: 42 });
      // Progressive results from wampkit: Autobahn|JS reports them through its when.js promise's
      // progress handler (the third argument of then).
      const progress: unknown[] = [];
      const final = await session
        .call('com.interop.wk.count', [4], {}, { receive_progress: true })
        .then(
          (r: unknown) => r,
          undefined,
          (p: unknown) => progress.push(p),
        );
      expect(final).toBe(4);
      expect(progress).toEqual([1, 2, 3]);
      // Autobahn|JS as subscriber and publisher.
      const news = deferred<[unknown[], Record<string, unknown>]>();
      await session.subscribe(
        'com.interop.wk.news',
        (args: unknown[], kwargs: Record<string, unknown>) => news.resolve([args, kwargs]),
      );
      await session.call('com.interop.wk.publish_news');
      expect(plain(await news.promise)).toEqual([['news', B([7, 0, 255])], { n: 1 }]);
      await session.publish(
        'com.interop.wk.inbox',
        ['from python', AB([1, 2])],
        { k: 'v' },
        {
          acknowledge: true,
        },
      );
      const fromAb = await inbox;
      expect(plain(fromAb.args)).toEqual(['from python', B([1, 2])]);
      expect(fromAb.kwargs).toEqual({ k: 'v' });
    } finally {
      ab.close();
      await s.leave();
    }
  });
});
