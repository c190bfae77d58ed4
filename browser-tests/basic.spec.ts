/**
 * wampkit/basic, the small client, in Chromium against our router (issue 8):
 * - the script-tag build (basic-script-tag.html: wampkit-basic.min.js, global `wampkitBasic`,
 *   JSON): two sessions in the page run RPC and PubSub (args, kwargs, ApplicationError, binary
 *   over JSON, acknowledged and plain publications, unsubscribe/unregister, call canceling
 *   through an AbortController, leave);
 * - the ESM build: the same round trips from basic-esm.html (basic.js + basic/msgpack.js +
 *   basic/cbor.js) with msgpack and cbor, and from basic-esm-json.html, whose network log must
 *   hold neither basic/msgpack.js nor basic/cbor.js;
 * - interop: a wampkit/basic session in the page and a full-client session in Node (connect from
 *   packages/wampkit, compiled by tsc -b) call, publish to and subscribe to each other;
 * - the router stopping (shut down, or its process killed): pending calls reject with
 *   SessionClosedError, `closed` resolves, and a fresh connect() works once a router listens on
 *   the port again (wampkit/basic has no reconnecting Component).
 * Needs `pnpm exec tsc -b` and `pnpm exec rollup -c` first; routers run from
 * packages/router/dist as in wampkit.spec.ts, pages come from serveStatic (static-server.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, posix, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { type StartedRouter, startRouter } from '../packages/router/dist/index.js';
import type * as Basic from '../packages/wampkit/dist/browser/basic.js';
import {
  ApplicationError,
  connect as connectFull,
  type Event as FullEvent,
  Result,
} from '../packages/wampkit/dist/index.js';
import { serveStatic } from './static-server.js';

const root = resolve(import.meta.dirname, '..');
const DIST = '/packages/wampkit/dist/browser';
const SCRIPT = `${DIST}/wampkit-basic.min.js`;
const SCRIPT_PAGE = '/browser-tests/basic-script-tag.html';
const ESM_PAGE = '/browser-tests/basic-esm.html';
const ESM_JSON_PAGE = '/browser-tests/basic-esm-json.html';
const REALM = 'realm1';

type SerializerName = 'json' | 'msgpack' | 'cbor';

/** What the pages define: `wampkitBasic` (script tag) or `basicEsm` (the ESM pages). */
interface PageGlobals {
  wampkitBasic?: typeof Basic;
  basicEsm?: { lib: typeof Basic; serializers: Partial<Record<SerializerName, Basic.BasicCodec>> };
  interop?: { session: Basic.BasicSession; toPage: Promise<Basic.BasicEvent> };
  restart?: { a: Basic.BasicSession; b: Basic.BasicSession; outcome: Promise<unknown> };
}

let router: StartedRouter;
let server: Server;
let base: string;

test.beforeAll(async () => {
  const [r, s] = await Promise.all([
    startRouter({ realms: [REALM], autoCreateRealms: false }),
    serveStatic(root),
  ]);
  router = r;
  server = s.server;
  base = s.url;
});

test.afterAll(async () => {
  server?.close();
  await router?.close();
});

/** A URI prefix of its own for every test (one router serves them all). */
const uniquePrefix = () => `com.basic.t${randomBytes(4).toString('hex')}.`;

interface Watched {
  /** Page errors and console errors. */
  errors: string[];
  /** Path of every request the page made. */
  requested: string[];
  /** Every WebSocket the page opened, with the frames it sent (text, or bytes as a Buffer). */
  sockets: { url: string; sent: (string | Buffer)[] }[];
}

async function open(page: Page, path: string): Promise<Watched> {
  const watched: Watched = { errors: [], requested: [], sockets: [] };
  page.on('pageerror', (e) => watched.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') watched.errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => watched.requested.push(new URL(r.url()).pathname));
  page.on('websocket', (ws) => {
    const socket = { url: ws.url(), sent: [] as (string | Buffer)[] };
    watched.sockets.push(socket);
    ws.on('framesent', (f) => socket.sent.push(f.payload));
  });
  await page.goto(`${base}${path}`);
  return watched;
}

/** The files an ESM file imports statically (rollup's `from"./chunks/x.js"`), as URL paths. */
function staticImports(path: string): string[] {
  const code = readFileSync(join(root, path), 'utf8');
  return [...code.matchAll(/from\s*"(\.{1,2}\/[^"]+)"/g)].map((m) =>
    posix.join(posix.dirname(path), m[1]!),
  );
}

// -------------------------------------------------------------------------------------------------
// Page-side code: each function below runs inside the page (page.evaluate), so it is
// self-contained and reaches the library only through the page's globals.

/**
 * Two sessions `a` (callee, publisher) and `b` (caller, subscriber) of the page's
 * wampkit/basic run every RPC and PubSub round trip; returns what each produced.
 */
async function rpcAndPubSub([url, serializer, p]: readonly [string, SerializerName, string]) {
  const g = globalThis as unknown as PageGlobals;
  const lib = g.basicEsm?.lib ?? g.wampkitBasic;
  if (!lib) throw new Error('no wampkit/basic in this page');
  const codec = g.basicEsm ? g.basicEsm.serializers[serializer] : lib.json;
  if (!codec) throw new Error(`no ${serializer} serializer in this page`);
  const plain = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return { bytes: Array.from(v) };
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
  };
  type Failure = Error & { uri?: string; args?: unknown[]; kwargs?: unknown; cause?: unknown };
  const failure = (e: Failure) => ({
    name: e.name,
    uri: e.uri,
    args: plain(e.args),
    kwargs: plain(e.kwargs),
  });
  const reported: string[] = [];
  const out: Record<string, unknown> = {};

  const a = await lib.connect({
    url,
    realm: 'realm1',
    serializer: codec,
    onError: (e) => reported.push((e as Error).message),
  });
  const b = await lib.connect({ url, realm: 'realm1', serializer: codec });
  out.open = { a: a.isOpen, b: b.isOpen, distinct: a.id !== b.id, authrole: b.authrole };

  // RPC: args and kwargs both ways, a plain return value, nothing at all, errors.
  const seen: unknown[] = [];
  const add = await a.register(`${p}add`, (inv) => {
    seen.push({ args: inv.args, kwargs: inv.kwargs, procedure: inv.procedure });
    const [x, y] = inv.args as [number, number];
    return new lib.Result([x + y], { tag: inv.kwargs.tag, n: inv.args.length });
  });
  const sum = await b.call(`${p}add`, [2, 3], { tag: 'x' });
  out.add = { args: sum.args, kwargs: sum.kwargs, progress: sum.progress, seen };
  const neg = await a.register(`${p}neg`, (inv) => -(inv.args[0] as number));
  out.neg = (await b.call(`${p}neg`, [5])).args;
  await a.register(`${p}nothing`, () => undefined);
  const nothing = await b.call(`${p}nothing`);
  out.nothing = { args: nothing.args, kwargs: nothing.kwargs };
  await a.register(`${p}fail`, (inv) => {
    throw new lib.ApplicationError('com.basic.refused', ['no', inv.args[0]], { code: 7 });
  });
  out.fail = await b.call(`${p}fail`, [42]).then(
    () => 'resolved',
    (e: Failure) => ({
      ...failure(e),
      isApplicationError: e instanceof lib.ApplicationError,
      message: e.message,
    }),
  );
  await a.register(`${p}crash`, () => {
    throw new Error('boom');
  });
  out.crash = await b.call(`${p}crash`).then(() => 'resolved', failure);
  out.reported = reported;

  // Binary (spec wamp.md "Binary support in JSON" for JSON): small, large (past the encoder's
  // 32 KiB chunks) and a view with an offset.
  const bytes = new Uint8Array([0, 1, 127, 128, 255]);
  const big = new Uint8Array(70_000).map((_, i) => (i * 31 + 7) & 255);
  let calleeSaw: unknown;
  await a.register(`${p}echo`, (inv) => {
    calleeSaw = {
      first: inv.args[0] instanceof Uint8Array,
      kwargs: inv.kwargs.blob instanceof Uint8Array,
    };
    return new lib.Result(inv.args, inv.kwargs);
  });
  const echoed = await b.call(`${p}echo`, [bytes, big], { blob: bytes.subarray(1, 3) });
  const bigBack = echoed.args[1];
  out.binary = {
    calleeSaw,
    small: plain(echoed.args[0]),
    big:
      bigBack instanceof Uint8Array
        ? { length: bigBack.length, same: bigBack.every((v, i) => v === big[i]) }
        : plain(bigBack),
    kwargs: plain(echoed.kwargs),
  };

  // PubSub: acknowledged and plain publications, publisher exclusion.
  const events: unknown[] = [];
  let twoEvents!: () => void;
  const gotTwo = new Promise<void>((r) => {
    twoEvents = r;
  });
  const sub = await b.subscribe(`${p}topic`, (e) => {
    events.push({
      args: plain(e.args),
      kwargs: e.kwargs,
      topic: e.topic,
      publication: e.publication,
      ofSubscription: e.subscription === sub.id,
    });
    if (events.length === 2) twoEvents();
  });
  const own: unknown[] = [];
  let ownEvent!: () => void;
  const gotOwn = new Promise<void>((r) => {
    ownEvent = r;
  });
  const ownSub = await a.subscribe(`${p}topic`, (e) => {
    own.push(e.args);
    ownEvent();
  });
  const ack = await a.publish(`${p}topic`, ['hello', bytes], { n: 1 }, { acknowledge: true });
  const sent = await a.publish(`${p}topic`, ['plain']);
  await gotTwo;
  out.published = { ack: typeof ack?.publication, plain: sent };
  out.events = events.map((e) => ({
    ...(e as Record<string, unknown>),
    publication: (e as { publication: number }).publication === ack?.publication ? 'ack' : 'other',
  }));
  // a's subscription gets events in publication order: a first event 'self' means the two
  // before it were excluded (exclude_me defaults to true). b gets 'self' too.
  await a.publish(`${p}topic`, ['self'], undefined, { acknowledge: true, excludeMe: false });
  await gotOwn;
  out.own = own;

  // Unsubscribe: the router lists only a afterwards; b gets nothing more on the topic (the
  // marker topic, published after it, arrives after anything published to the topic before).
  const listSubscribers = async () =>
    (await b.call('wamp.subscription.list_subscribers', [sub.id])).args[0] as number[];
  const before = await listSubscribers();
  await sub.unsubscribe();
  const after = await listSubscribers();
  let marker!: () => void;
  const gotMarker = new Promise<void>((r) => {
    marker = r;
  });
  await b.subscribe(`${p}marker`, () => marker());
  await a.publish(`${p}topic`, ['after unsubscribe'], undefined, { acknowledge: true });
  await a.publish(`${p}marker`, [], undefined, { acknowledge: true });
  await gotMarker;
  out.unsubscribe = {
    before: [...before].sort((x, y) => x - y),
    after,
    expectedBefore: [a.id, b.id].sort((x, y) => x - y),
    expectedAfter: [a.id],
    events: events.map((e) => (e as { args: unknown }).args),
    bOpen: b.isOpen,
  };
  await ownSub.unsubscribe();

  // Unregister: the procedure is gone; unregistering twice is harmless.
  await add.unregister();
  await add.unregister();
  out.unregister = await b.call(`${p}add`, [1, 2]).then(() => 'resolved', failure);

  // Canceling through an AbortController (wamp-ap.md "Call Canceling"): the caller's promise
  // rejects with CanceledError at once; the callee's late answer is dropped by the router.
  let invoked!: () => void;
  const wasInvoked = new Promise<void>((r) => {
    invoked = r;
  });
  let release!: (v: string) => void;
  await a.register(`${p}slow`, () => {
    invoked();
    return new Promise<string>((r) => {
      release = r;
    });
  });
  const controller = new AbortController();
  const slow = b.call(`${p}slow`, [], undefined, { signal: controller.signal });
  await wasInvoked;
  controller.abort(new Error('user gave up'));
  out.cancel = await slow.then(
    () => 'resolved',
    (e: Failure) => ({
      ...failure(e),
      isCanceledError: e instanceof lib.CanceledError,
      isApplicationError: e instanceof lib.ApplicationError,
      cause: (e.cause as Error | undefined)?.message,
    }),
  );
  release('late');
  const afterCancel = await b.call(`${p}neg`, [1]);
  out.afterCancel = { args: afterCancel.args, a: a.isOpen, b: b.isOpen };
  await neg.unregister();

  // Leave: GOODBYE answered; the session refuses requests; the router dropped a's procedures.
  const info = await a.leave();
  out.leave = {
    reason: info.reason,
    initiator: info.initiator,
    clean: info.clean,
    sameAsClosed: (await a.closed) === info,
    aOpen: a.isOpen,
    callAfter: await a.call(`${p}nothing`).then(
      () => 'resolved',
      (e: Error) => e.name,
    ),
    peerCall: await b.call(`${p}nothing`).then(() => 'resolved', failure),
  };
  await b.leave();
  out.bOpen = b.isOpen;
  return out;
}

/** In the page: joins, registers and subscribes, then calls and publishes to the Node session. */
async function interopFromPage([url, serializer, p]: readonly [string, SerializerName, string]) {
  const g = globalThis as unknown as PageGlobals;
  const lib = (g.basicEsm?.lib ?? g.wampkitBasic)!;
  const codec = g.basicEsm ? g.basicEsm.serializers[serializer] : lib.json;
  const plain = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return { bytes: Array.from(v) };
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
  };
  const session = await lib.connect({ url, realm: 'realm1', serializer: codec });
  await session.register(`${p}page.mul`, (inv) => {
    const [x, y, blob] = inv.args as [number, number, unknown];
    return new lib.Result([x * y], { blob, bytes: blob instanceof Uint8Array });
  });
  await session.register(`${p}page.fail`, () => {
    throw new lib.ApplicationError('com.page.refused', ['page says no'], { page: true });
  });
  let toPage!: (e: Basic.BasicEvent) => void;
  const received = new Promise<Basic.BasicEvent>((r) => {
    toPage = r;
  });
  await session.subscribe(`${p}to.page`, (e) => toPage(e));
  g.interop = { session, toPage: received };

  const echo = await session.call(`${p}node.echo`, [new Uint8Array([1, 2, 3]), 'text'], { k: 1 });
  const fail = await session.call(`${p}node.fail`).then(
    () => 'resolved',
    (e: Basic.ApplicationError) => ({
      isApplicationError: e instanceof lib.ApplicationError,
      uri: e.uri,
      args: e.args,
      kwargs: e.kwargs,
    }),
  );
  const published = await session.publish(
    `${p}to.node`,
    ['from page', new Uint8Array([7])],
    { n: 2 },
    { acknowledge: true },
  );
  return {
    echo: { args: plain(echo.args), kwargs: plain(echo.kwargs) },
    fail,
    published: typeof published?.publication,
  };
}

// -------------------------------------------------------------------------------------------------

/** What rpcAndPubSub must report, whatever the serializer. */
function expectRpcAndPubSub(out: Record<string, unknown>, p: string): void {
  expect(out.open).toEqual({ a: true, b: true, distinct: true, authrole: 'anonymous' });
  expect(out.add).toEqual({
    args: [5],
    kwargs: { tag: 'x', n: 2 },
    progress: false,
    seen: [{ args: [2, 3], kwargs: { tag: 'x' }, procedure: `${p}add` }],
  });
  expect(out.neg).toEqual([-5]);
  expect(out.nothing).toEqual({ args: [], kwargs: {} });
  expect(out.fail).toEqual({
    name: 'ApplicationError',
    uri: 'com.basic.refused',
    args: ['no', 42],
    kwargs: { code: 7 },
    isApplicationError: true,
    message: 'com.basic.refused: no',
  });
  expect(out.crash).toEqual({
    name: 'ApplicationError',
    uri: 'wamp.error.runtime_error',
    args: ['boom'],
    kwargs: {},
  });
  expect(out.reported).toEqual(['boom']);
  expect(out.binary).toEqual({
    calleeSaw: { first: true, kwargs: true },
    small: { bytes: [0, 1, 127, 128, 255] },
    big: { length: 70_000, same: true },
    kwargs: { blob: { bytes: [1, 127] } },
  });
  expect(out.published).toEqual({ ack: 'number', plain: undefined });
  expect(out.events).toEqual([
    {
      args: ['hello', { bytes: [0, 1, 127, 128, 255] }],
      kwargs: { n: 1 },
      topic: `${p}topic`,
      publication: 'ack',
      ofSubscription: true,
    },
    { args: ['plain'], kwargs: {}, topic: `${p}topic`, publication: 'other', ofSubscription: true },
  ]);
  expect(out.own).toEqual([['self']]);
  const u = out.unsubscribe as Record<string, unknown>;
  expect(u.before).toEqual(u.expectedBefore);
  expect(u.after).toEqual(u.expectedAfter);
  // b's events: the two above, then 'self' (exclude_me only concerns the publisher), and
  // nothing published after its unsubscribe.
  expect(u.events).toEqual([['hello', { bytes: [0, 1, 127, 128, 255] }], ['plain'], ['self']]);
  expect(u.bOpen).toBe(true);
  expect(out.unregister).toEqual({
    name: 'ApplicationError',
    uri: 'wamp.error.no_such_procedure',
    args: expect.any(Array),
    kwargs: expect.any(Object),
  });
  expect(out.cancel).toEqual({
    name: 'CanceledError',
    uri: 'wamp.error.canceled',
    args: [],
    kwargs: {},
    isCanceledError: true,
    isApplicationError: true,
    cause: 'user gave up',
  });
  expect(out.afterCancel).toEqual({ args: [-1], a: true, b: true });
  expect(out.leave).toEqual({
    reason: 'wamp.close.goodbye_and_out',
    initiator: 'local',
    clean: true,
    sameAsClosed: true,
    aOpen: false,
    callAfter: 'InvalidStateError',
    peerCall: {
      name: 'ApplicationError',
      uri: 'wamp.error.no_such_procedure',
      args: expect.any(Array),
      kwargs: expect.any(Object),
    },
  });
  expect(out.bOpen).toBe(false);
}

/** The first frame of every socket is HELLO for realm1 in the given serializer. */
function expectHellos(sockets: Watched['sockets'], serializer: SerializerName): void {
  expect(sockets.length).toBeGreaterThan(0);
  for (const { sent } of sockets) {
    const hello = sent[0];
    if (serializer === 'json') {
      expect(typeof hello).toBe('string');
      expect((hello as string).startsWith('[1,"realm1",{')).toBe(true);
    } else {
      expect(Buffer.isBuffer(hello)).toBe(true);
      // [1, "realm1", {...}]: a 3-element array, the integer 1, a 6-byte string.
      const head = serializer === 'msgpack' ? [0x93, 0x01, 0xa6] : [0x83, 0x01, 0x66];
      expect([...(hello as Buffer).subarray(0, 3)]).toEqual(head);
      expect((hello as Buffer).subarray(3, 9).toString()).toBe('realm1');
    }
  }
}

// -------------------------------------------------------------------------------------------------

test.describe('script tag: wampkit-basic.min.js', () => {
  test('defines the global wampkitBasic and the page fetches nothing else', async ({ page }) => {
    const { errors, requested } = await open(page, SCRIPT_PAGE);
    const api = await page.evaluate(() => {
      const w = (globalThis as unknown as PageGlobals).wampkitBasic;
      return w
        ? {
            connect: typeof w.connect,
            session: typeof w.BasicSession,
            canceled: typeof w.CanceledError,
            closed: typeof w.SessionClosedError,
            json: w.json.protocol,
            binary: 'msgpack' in w || 'cbor' in w,
          }
        : null;
    });
    expect(api).toEqual({
      connect: 'function',
      session: 'function',
      canceled: 'function',
      closed: 'function',
      json: 'wamp.2.json',
      binary: false,
    });
    expect(requested).toEqual([SCRIPT_PAGE, SCRIPT]);
    expect(errors).toEqual([]);
  });

  // The bundles are minified: an error's `name` must not come from its (mangled) class name.
  for (const path of [SCRIPT_PAGE, ESM_JSON_PAGE]) {
    test(`every exported error class keeps its name (${path})`, async ({ page }) => {
      const { errors } = await open(page, path);
      const names = await page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        const lib = (g.basicEsm?.lib ?? g.wampkitBasic) as unknown as Record<string, unknown>;
        const info = { reason: 'wamp.close.normal', details: {}, initiator: 'local', clean: true };
        const found: Record<string, string> = {};
        for (const [key, value] of Object.entries(lib)) {
          if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
          const E = value as new (...args: unknown[]) => Error;
          found[key] = new E(key === 'SessionClosedError' ? info : 'x').name;
        }
        return found;
      });
      expect(Object.keys(names).sort()).toEqual([
        'ApplicationError',
        'CanceledError',
        'ConnectError',
        'ConnectTimeoutError',
        'ConnectionLostError',
        'HandshakeFailedError',
        'InvalidStateError',
        'ProtocolViolationError',
        'SerializationError',
        'SessionClosedError',
        'TimeoutError',
        'TransportError',
        'UnsupportedTransportError',
      ]);
      expect(Object.entries(names).filter(([key, name]) => key !== name)).toEqual([]);
      expect(errors).toEqual([]);
    });
  }

  test('a call with an already aborted signal: CanceledError, and the session goes on', async ({
    page,
  }) => {
    const { errors } = await open(page, SCRIPT_PAGE);
    const out = await page.evaluate(
      async ([url, p]) => {
        const lib = (globalThis as unknown as PageGlobals).wampkitBasic!;
        const s = await lib.connect({ url, realm: 'realm1' });
        await s.register(`${p}neg`, (inv) => -(inv.args[0] as number));
        const aborted = await s
          .call(`${p}neg`, [1], undefined, { signal: AbortSignal.abort(new Error('early')) })
          .then(
            () => 'resolved',
            (e: Error) => ({ name: e.name, isCanceledError: e instanceof lib.CanceledError }),
          );
        // The next request must still be in sequence (spec wamp.md "IDs", "Protocol Errors").
        const next = await s.call(`${p}neg`, [2]).then(
          (r) => r.args,
          (e: Error) => `${e.name}: ${e.message}`,
        );
        const open = s.isOpen;
        await s.leave();
        return { aborted, next, open };
      },
      [router.url, uniquePrefix()] as const,
    );
    expect(out).toEqual({
      aborted: { name: 'CanceledError', isCanceledError: true },
      next: [-2],
      open: true,
    });
    expect(errors).toEqual([]);
  });

  test('RPC, PubSub, binary, cancel, unsubscribe/unregister and leave over JSON', async ({
    page,
  }) => {
    const { errors, requested, sockets } = await open(page, SCRIPT_PAGE);
    const p = uniquePrefix();
    const out = await page.evaluate(rpcAndPubSub, [router.url, 'json', p] as const);
    expectRpcAndPubSub(out, p);
    expectHellos(sockets, 'json');
    expect(sockets.map((s) => s.url)).toEqual([router.url, router.url]);
    // Bytes travel as "\0" + base64 (spec wamp.md "Binary support in JSON").
    const frames = sockets.flatMap((s) => s.sent);
    expect(frames.some((f) => typeof f === 'string' && f.includes('"\\u0000AAF/gP8="'))).toBe(true);
    expect(requested).toEqual([SCRIPT_PAGE, SCRIPT]);
    expect(errors).toEqual([]);
  });
});

test.describe('ESM: basic.js with basic/msgpack.js and basic/cbor.js', () => {
  for (const serializer of ['msgpack', 'cbor'] as const) {
    test(`RPC, PubSub, binary, cancel, unsubscribe/unregister and leave over ${serializer}`, async ({
      page,
    }) => {
      const { errors, requested, sockets } = await open(page, ESM_PAGE);
      const p = uniquePrefix();
      const out = await page.evaluate(rpcAndPubSub, [router.url, serializer, p] as const);
      expectRpcAndPubSub(out, p);
      expectHellos(sockets, serializer);
      // Binary serializers send binary frames only.
      expect(sockets.flatMap((s) => s.sent).filter((f) => typeof f === 'string')).toEqual([]);
      expect(requested).toContain(`${DIST}/basic/msgpack.js`);
      expect(requested).toContain(`${DIST}/basic/cbor.js`);
      // Only the basic build's files: none of the full client's chunks.
      expect(
        requested.filter(
          (r) =>
            r !== ESM_PAGE &&
            !/^\/packages\/wampkit\/dist\/browser\/(basic\.js|basic\/[a-z]+\.js|chunks\/basic-[\w-]+\.js)$/.test(
              r,
            ),
        ),
      ).toEqual([]);
      expect(errors).toEqual([]);
    });
  }

  test('a JSON-only page loads neither basic/msgpack.js nor basic/cbor.js', async ({ page }) => {
    const { errors, requested, sockets } = await open(page, ESM_JSON_PAGE);
    const p = uniquePrefix();
    const out = await page.evaluate(rpcAndPubSub, [router.url, 'json', p] as const);
    expectRpcAndPubSub(out, p);
    expectHellos(sockets, 'json');
    expect(requested).not.toContain(`${DIST}/basic/msgpack.js`);
    expect(requested).not.toContain(`${DIST}/basic/cbor.js`);
    // Exactly the page, basic.js and the chunks basic.js imports (read from the built file).
    const imports = staticImports(`${DIST}/basic.js`);
    expect(imports.length).toBeGreaterThan(0);
    expect([...requested].sort()).toEqual([ESM_JSON_PAGE, `${DIST}/basic.js`, ...imports].sort());
    expect(errors).toEqual([]);
  });
});

test.describe('interop: wampkit/basic in the page, the full client in Node', () => {
  for (const [path, pageSerializer, nodeSerializer] of [
    [SCRIPT_PAGE, 'json', 'msgpack'],
    [ESM_PAGE, 'msgpack', 'cbor'],
    [ESM_PAGE, 'cbor', 'json'],
  ] as const) {
    test(`page (${pageSerializer}) and Node (${nodeSerializer}) call and publish to each other`, async ({
      page,
    }) => {
      const { errors } = await open(page, path);
      const p = uniquePrefix();
      const full = await connectFull({
        url: router.url,
        realm: REALM,
        serializer: nodeSerializer,
      });
      try {
        const echoed: unknown[] = [];
        await full.register(`${p}node.echo`, (inv) => {
          echoed.push(inv.args[0] instanceof Uint8Array);
          return new Result(inv.args, { ...inv.kwargs, from: 'node' });
        });
        await full.register(`${p}node.fail`, () => {
          throw new ApplicationError('com.node.refused', ['node says no'], { code: 3 });
        });
        let toNode!: (e: FullEvent) => void;
        const nodeGot = new Promise<FullEvent>((r) => {
          toNode = r;
        });
        await full.subscribe(`${p}to.node`, (e) => toNode(e));

        const fromPage = await page.evaluate(interopFromPage, [
          router.url,
          pageSerializer,
          p,
        ] as const);
        expect(fromPage).toEqual({
          echo: { args: [{ bytes: [1, 2, 3] }, 'text'], kwargs: { k: 1, from: 'node' } },
          fail: {
            isApplicationError: true,
            uri: 'com.node.refused',
            args: ['node says no'],
            kwargs: { code: 3 },
          },
          published: 'number',
        });
        expect(echoed).toEqual([true]);

        const event = await nodeGot;
        expect(event.args[0]).toBe('from page');
        expect(event.args[1]).toBeInstanceOf(Uint8Array);
        expect([...(event.args[1] as Uint8Array)]).toEqual([7]);
        expect(event.kwargs).toEqual({ n: 2 });

        const product = await full.call(`${p}page.mul`, [6, 7, new Uint8Array([4, 5, 6])]);
        expect(product.args).toEqual([42]);
        expect(product.kwargs.bytes).toBe(true);
        expect([...(product.kwargs.blob as Uint8Array)]).toEqual([4, 5, 6]);
        const refused = await full.call(`${p}page.fail`).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(ApplicationError);
        expect(refused).toMatchObject({
          uri: 'com.page.refused',
          args: ['page says no'],
          kwargs: { page: true },
        });

        const publication = await full.publish(
          `${p}to.page`,
          ['from node', new Uint8Array([9, 8])],
          { m: 1 },
          { acknowledge: true },
        );
        expect(typeof publication?.publication).toBe('number');
        const pageGot = await page.evaluate(async () => {
          const i = (globalThis as unknown as PageGlobals).interop!;
          const e = await i.toPage;
          const info = await i.session.leave();
          return {
            args: [e.args[0], e.args[1] instanceof Uint8Array ? [...e.args[1]] : e.args[1]],
            kwargs: e.kwargs,
            reason: info.reason,
          };
        });
        expect(pageGot).toEqual({
          args: ['from node', [9, 8]],
          kwargs: { m: 1 },
          reason: 'wamp.close.goodbye_and_out',
        });
      } finally {
        await full.leave();
      }
      expect(errors).toEqual([]);
    });
  }
});

// -------------------------------------------------------------------------------------------------
// The router stops while calls are pending.

/** Our router in a child process (plain node, compiled packages), so it can be killed. */
async function startRouterProcess(): Promise<{ url: string; port: number; kill(): Promise<void> }> {
  const routerModule = pathToFileURL(join(root, 'packages/router/dist/index.js')).href;
  const code = [
    `import { startRouter } from ${JSON.stringify(routerModule)};`,
    `const r = await startRouter({ realms: ['realm1'], autoCreateRealms: false });`,
    `console.log('READY ' + r.port + ' ' + r.url);`,
  ].join('\n');
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = await new Promise<string[]>((res, rej) => {
    child.once('exit', (c) => rej(new Error(`router process exited with ${c}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('READY ')) res(line.split(' '));
    });
  });
  return {
    port: Number(ready[1]),
    url: ready[2]!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * In the page: a and b each call a procedure of their own that never answers; the outcomes are
 * kept. (Own procedures: a call to another session's procedure may instead end with the router's
 * ERROR wamp.error.canceled when the router closes the callee's session first.)
 */
async function pendingCalls([url, p]: readonly [string, string]) {
  const g = globalThis as unknown as PageGlobals;
  const lib = g.wampkitBasic!;
  const a = await lib.connect({ url, realm: 'realm1' });
  const b = await lib.connect({ url, realm: 'realm1' });
  let invocations = 0;
  let bothInvoked!: () => void;
  const invoked = new Promise<void>((r) => {
    bothInvoked = r;
  });
  const hang = () => {
    if (++invocations === 2) bothInvoked();
    return new Promise(() => {});
  };
  await a.register(`${p}hang.a`, hang);
  await b.register(`${p}hang.b`, hang);
  const rejection = (e: Error & { reason?: string; initiator?: string }) => ({
    isSessionClosedError: e instanceof lib.SessionClosedError,
    name: e.name,
    reason: e.reason,
    initiator: e.initiator,
    causeIsConnectionLost: e.cause instanceof lib.ConnectionLostError,
  });
  const closeInfo = (info: Basic.CloseInfo) => ({
    reason: info.reason,
    initiator: info.initiator,
    clean: info.clean,
    isConnectionLost: info.error instanceof lib.ConnectionLostError,
  });
  const fromB = b.call(`${p}hang.b`).then(() => 'resolved', rejection);
  const fromA = a.call(`${p}hang.a`).then(() => 'resolved', rejection);
  g.restart = {
    a,
    b,
    outcome: Promise.all([fromB, fromA, a.closed.then(closeInfo), b.closed.then(closeInfo)]),
  };
  await invoked;
  return { a: a.isOpen, b: b.isOpen };
}

/** In the page, after the router stopped: how the pending calls and sessions ended. */
async function afterStop() {
  const g = globalThis as unknown as PageGlobals;
  const { a, b, outcome } = g.restart!;
  const [fromB, fromA, aClosed, bClosed] = (await outcome) as unknown[];
  return {
    fromB,
    fromA,
    aClosed,
    bClosed,
    open: [a.isOpen, b.isOpen],
    callAfter: await b.call('com.basic.any').then(
      () => 'resolved',
      (e: Error) => e.name,
    ),
  };
}

/** In the page: a new session on the router listening again. */
async function freshConnect([url, p]: readonly [string, string]) {
  const lib = (globalThis as unknown as PageGlobals).wampkitBasic!;
  const s = await lib.connect({ url, realm: 'realm1' });
  await s.register(`${p}back`, () => 'back');
  const result = await s.call(`${p}back`);
  const info = await s.leave();
  return { args: result.args, reason: info.reason };
}

test.describe('the router stops: pending calls reject, closed resolves, connect again', () => {
  test('router shut down (GOODBYE wamp.close.system_shutdown), then started again', async ({
    page,
  }) => {
    const { errors } = await open(page, SCRIPT_PAGE);
    let stopping: StartedRouter | undefined = await startRouter({
      realms: [REALM],
      autoCreateRealms: false,
    });
    let again: StartedRouter | undefined;
    try {
      const { port, url } = stopping;
      const p = uniquePrefix();
      expect(await page.evaluate(pendingCalls, [url, p] as const)).toEqual({ a: true, b: true });
      await stopping.close();
      stopping = undefined;
      const pending = {
        isSessionClosedError: true,
        name: 'SessionClosedError',
        reason: 'wamp.close.system_shutdown',
        initiator: 'remote',
        causeIsConnectionLost: false,
      };
      const closed = {
        reason: 'wamp.close.system_shutdown',
        initiator: 'remote',
        clean: true,
        isConnectionLost: false,
      };
      expect(await page.evaluate(afterStop)).toEqual({
        fromB: pending,
        fromA: pending,
        aClosed: closed,
        bClosed: closed,
        open: [false, false],
        callAfter: 'InvalidStateError',
      });

      again = await startRouter({ port, realms: [REALM], autoCreateRealms: false });
      expect(again.url).toBe(url);
      expect(await page.evaluate(freshConnect, [url, p] as const)).toEqual({
        args: ['back'],
        reason: 'wamp.close.goodbye_and_out',
      });
    } finally {
      await stopping?.close();
      await again?.close();
    }
    expect(errors).toEqual([]);
  });

  test('router process killed (connection lost), then a router on the same port', async ({
    page,
  }) => {
    const { errors } = await open(page, SCRIPT_PAGE);
    const killed = await startRouterProcess();
    let again: StartedRouter | undefined;
    try {
      const p = uniquePrefix();
      expect(await page.evaluate(pendingCalls, [killed.url, p] as const)).toEqual({
        a: true,
        b: true,
      });
      await killed.kill();
      const pending = {
        isSessionClosedError: true,
        name: 'SessionClosedError',
        reason: 'wamp.close.transport_lost',
        initiator: 'transport',
        causeIsConnectionLost: true,
      };
      const closed = {
        reason: 'wamp.close.transport_lost',
        initiator: 'transport',
        clean: false,
        isConnectionLost: true,
      };
      expect(await page.evaluate(afterStop)).toEqual({
        fromB: pending,
        fromA: pending,
        aClosed: closed,
        bClosed: closed,
        open: [false, false],
        callAfter: 'InvalidStateError',
      });

      again = await startRouter({ port: killed.port, realms: [REALM], autoCreateRealms: false });
      expect(again.url).toBe(killed.url);
      expect(await page.evaluate(freshConnect, [killed.url, p] as const)).toEqual({
        args: ['back'],
        reason: 'wamp.close.goodbye_and_out',
      });
    } finally {
      await killed.kill();
      await again?.close();
    }
    expect(errors).toEqual([]);
  });
});
