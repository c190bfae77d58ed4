/**
 * Interop with Autobahn|JS 22.11.1 (npm `autobahn`) through the router, as caller, callee,
 * publisher and subscriber, over json, msgpack and cbor.
 */
import autobahn from 'autobahn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedRouter, startRouter } from '../src/index.js';
import { RawPeer } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS ships no types.
type Session = any;

const SERIALIZERS = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
} as const;

let r: StartedRouter;
const connections: Array<{ close(): void }> = [];

beforeAll(async () => {
  r = await startRouter();
});
afterAll(async () => {
  for (const c of connections) {
    try {
      c.close();
    } catch {}
  }
  await r.close();
});

async function join(ser: keyof typeof SERIALIZERS): Promise<Session> {
  const conn = new autobahn.Connection({
    url: r.url,
    realm: 'realm1',
    serializers: [SERIALIZERS[ser]()],
    protocols: [`wamp.2.${ser}`],
    max_retries: 0,
  });
  connections.push(conn);
  return new Promise((resolve, reject) => {
    conn.onopen = (s: Session) => resolve(s);
    conn.onclose = (reason: string, details: unknown) => {
      reject(new Error(`${reason} ${JSON.stringify(details)}`));
      return true;
    };
    conn.open();
  });
}

/** Collects events; `until` resolves when a predicate holds. */
function collector() {
  const seen: Array<{ args: unknown[]; kwargs: unknown; details: Record<string, unknown> }> = [];
  let wake: (() => void) | null = null;
  return {
    seen,
    handler: (args: unknown[], kwargs: unknown, details: Record<string, unknown>) => {
      seen.push({ args, kwargs, details });
      wake?.();
    },
    async until(pred: () => boolean): Promise<void> {
      while (!pred())
        await new Promise<void>((res) => {
          wake = res;
        });
    },
  };
}

async function errorOf(
  p: Promise<unknown>,
): Promise<{ error: string; args: unknown[]; kwargs: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as { error: string; args: unknown[]; kwargs: unknown };
  }
  throw new Error('expected the call to fail');
}

describe.each(
  Object.keys(SERIALIZERS) as Array<keyof typeof SERIALIZERS>,
)('Autobahn|JS over %s', (ser) => {
  let a: Session;
  let b: Session;
  let c: Session;
  const p = `ajs.${ser}`;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([join(ser), join(ser), join(ser)]);
  });

  it('calls with args/kwargs, multiple results, errors with args/kwargs, binary payloads', async () => {
    await a.register(`${p}.add2`, (args: number[]) => args[0]! + args[1]!);
    await a.register(
      `${p}.multi`,
      (args: unknown[], kwargs: Record<string, unknown>) =>
        new autobahn.Result([...args, 'x'], { ...kwargs, y: 2 }),
    );
    await a.register(`${p}.fail`, () => {
      throw new autobahn.Error('com.example.error.bad', [1, 'two'], { why: 'because' });
    });
    expect(await b.call(`${p}.add2`, [2, 3])).toBe(5);
    const multi = await b.call(`${p}.multi`, [1], { k: 'v' });
    expect(multi.args).toEqual([1, 'x']);
    expect(multi.kwargs).toEqual({ k: 'v', y: 2 });
    const err = await errorOf(b.call(`${p}.fail`));
    expect(err.error).toBe('com.example.error.bad');
    expect(err.args).toEqual([1, 'two']);
    expect(err.kwargs).toEqual({ why: 'because' });
    expect((await errorOf(b.call(`${p}.missing`))).error).toBe('wamp.error.no_such_procedure');
    if (ser !== 'json') {
      await a.register(`${p}.bin`, (args: Uint8Array[]) => Buffer.from([...args[0]!].reverse()));
      const out = await b.call(`${p}.bin`, [Buffer.from([0, 1, 255])]);
      expect([...out]).toEqual([255, 1, 0]);
    }
  });

  it('progressive call results and caller disclosure', async () => {
    await a.register(
      `${p}.progress`,
      (
        args: number[],
        _kw: unknown,
        details: { progress?: (a: unknown[]) => void; caller?: number; caller_authrole?: string },
      ) => {
        for (let i = 0; i < args[0]!; i++) details.progress?.([i]);
        return [details.caller ?? null, details.caller_authrole ?? null];
      },
    );
    const progress: unknown[] = [];
    const result = await new Promise((resolve, reject) =>
      b
        .call(`${p}.progress`, [3], {}, { receive_progress: true, disclose_me: true })
        .then(resolve, reject, (v: unknown) => progress.push(v)),
    );
    expect(progress).toEqual([0, 1, 2]);
    expect(result).toEqual([b.id, 'anonymous']);
    // Without disclose_me the caller stays anonymous to the callee.
    expect(await b.call(`${p}.progress`, [0])).toEqual([null, null]);
  });

  it('shared registrations: roundrobin, first, last, random', async () => {
    for (const invoke of ['roundrobin', 'first', 'last', 'random']) {
      await a.register(`${p}.shared.${invoke}`, () => 'a', { invoke });
      await c.register(`${p}.shared.${invoke}`, () => 'c', { invoke });
    }
    const rr = [];
    for (let i = 0; i < 4; i++) rr.push(await b.call(`${p}.shared.roundrobin`));
    expect(rr).toEqual(['a', 'c', 'a', 'c']);
    expect(await b.call(`${p}.shared.first`)).toBe('a');
    expect(await b.call(`${p}.shared.last`)).toBe('c');
    for (let i = 0; i < 4; i++) expect(['a', 'c']).toContain(await b.call(`${p}.shared.random`));
    // A different policy, or single, is refused.
    expect(
      (await errorOf(c.register(`${p}.shared.first`, () => 0, { invoke: 'last' }))).error,
    ).toBe('wamp.error.procedure_already_exists');
    await a.register(`${p}.single`, () => 0);
    expect((await errorOf(c.register(`${p}.single`, () => 0))).error).toBe(
      'wamp.error.procedure_already_exists',
    );
  });

  it('pattern-based registrations pass details.procedure; best match wins', async () => {
    await a.register(
      `${p}.pat`,
      (_a: unknown, _k: unknown, d: { procedure: string }) => ['prefix', d.procedure],
      { match: 'prefix' },
    );
    await a.register(
      `${p}.pat.deeper`,
      (_a: unknown, _k: unknown, d: { procedure: string }) => ['longer', d.procedure],
      { match: 'prefix' },
    );
    await a.register(
      `${p}..wild`,
      (_a: unknown, _k: unknown, d: { procedure: string }) => ['wildcard', d.procedure],
      { match: 'wildcard' },
    );
    await a.register(`${p}.pat.exact`, () => ['exact']);
    expect(await b.call(`${p}.pat.x`)).toEqual(['prefix', `${p}.pat.x`]);
    expect(await b.call(`${p}.pat.deeper.y`)).toEqual(['longer', `${p}.pat.deeper.y`]);
    expect(await b.call(`${p}.pat.exact`)).toEqual(['exact']);
    expect(await b.call(`${p}.zz.wild`)).toEqual(['wildcard', `${p}.zz.wild`]);
  });

  it('router-side timeout and cancel (kill; skip for a callee without call_canceling)', async () => {
    const never = () => new Promise(() => {});
    await a.register(`${p}.never`, never);
    const t = await errorOf(b.call(`${p}.never`, [], {}, { timeout: 50 }));
    expect(t.error).toBe('wamp.error.timeout');
    const pending = b.call(`${p}.never`);
    await new Promise((res) => setTimeout(res, 20));
    pending.cancel({ mode: 'kill' });
    expect((await errorOf(pending)).error).toBe('wamp.error.canceled');
  });

  it('unregister, and registration revocation through wamp.registration.remove_callee', async () => {
    const reg = await a.register(`${p}.gone`, () => 1);
    await a.unregister(reg);
    expect((await errorOf(b.call(`${p}.gone`))).error).toBe('wamp.error.no_such_procedure');
    const reg2 = await a.register(`${p}.revoked`, () => 1);
    expect(await b.call(`${p}.revoked`)).toBe(1);
    await c.call('wamp.registration.remove_callee', [reg2.id, a.id], {
      reason: 'com.example.moved',
    });
    await new Promise((res) => setTimeout(res, 20));
    expect(reg2.active).toBe(false);
    expect((await errorOf(b.call(`${p}.revoked`))).error).toBe('wamp.error.no_such_procedure');
  });

  it('publish with acknowledge, exclude_me, exclude/eligible by session, authid, authrole', async () => {
    const topic = `${p}.filters`;
    const ea = collector();
    const ec = collector();
    const eb = collector();
    await a.subscribe(topic, ea.handler);
    await c.subscribe(topic, ec.handler);
    await b.subscribe(topic, eb.handler);
    const info = async (s: Session) =>
      (await b.call('wamp.session.get', [s.id])) as { authid: string; authrole: string };
    const [ia, ic] = [await info(a), await info(c)];
    const pub = await b.publish(topic, ['all'], {}, { acknowledge: true });
    expect(typeof pub.id).toBe('number');
    await b.publish(topic, ['me-too'], {}, { acknowledge: true, exclude_me: false });
    await b.publish(topic, ['not-c'], {}, { acknowledge: true, exclude: [c.id] });
    await b.publish(topic, ['only-c'], {}, { acknowledge: true, eligible: [c.id] });
    await b.publish(
      topic,
      ['not-a-authid'],
      {},
      { acknowledge: true, exclude_authid: [ia.authid] },
    );
    await b.publish(
      topic,
      ['only-c-authid'],
      {},
      { acknowledge: true, eligible_authid: [ic.authid] },
    );
    await b.publish(
      topic,
      ['no-anonymous'],
      {},
      { acknowledge: true, exclude_authrole: ['anonymous'] },
    );
    await b.publish(
      topic,
      ['anonymous'],
      {},
      { acknowledge: true, eligible_authrole: ['anonymous'] },
    );
    await b.publish(topic, ['end'], {}, { acknowledge: true, exclude_me: false });
    await Promise.all(
      [ea, ec, eb].map((e) => e.until(() => e.seen.some((x) => x.args[0] === 'end'))),
    );
    expect(ea.seen.map((e) => e.args[0])).toEqual(['all', 'me-too', 'not-c', 'anonymous', 'end']);
    expect(ec.seen.map((e) => e.args[0])).toEqual([
      'all',
      'me-too',
      'only-c',
      'not-a-authid',
      'only-c-authid',
      'anonymous',
      'end',
    ]);
    expect(eb.seen.map((e) => e.args[0])).toEqual(['me-too', 'end']);
    expect(ia.authrole).toBe('anonymous');
  });

  it('publisher disclosure, retained events, pattern subscriptions with details.topic', async () => {
    const topic = `${p}.news.sport`;
    const ea = collector();
    await a.subscribe(topic, ea.handler);
    await b.publish(topic, ['who'], {}, { acknowledge: true, disclose_me: true });
    await ea.until(() => ea.seen.length === 1);
    const ev = ea.seen[0]!.details as { publisher: number; publisher_authrole: string };
    expect(ev.publisher).toBe(b.id);
    expect(ev.publisher_authrole).toBe('anonymous');
    await b.publish(`${p}.retained`, ['old'], {}, { acknowledge: true, retain: true });
    await b.publish(`${p}.retained`, ['kept'], {}, { acknowledge: true, retain: true });
    const er = collector();
    await c.subscribe(`${p}.retained`, er.handler, { get_retained: true });
    await er.until(() => er.seen.length === 1);
    expect(er.seen[0]!.args).toEqual(['kept']);
    expect((er.seen[0]!.details as { retained: boolean }).retained).toBe(true);
    const ep = collector();
    const ew = collector();
    await c.subscribe(`${p}.news`, ep.handler, { match: 'prefix' });
    await c.subscribe(`${p}..sport`, ew.handler, { match: 'wildcard' });
    await b.publish(topic, ['pattern'], {}, { acknowledge: true });
    await ep.until(() => ep.seen.length === 1);
    await ew.until(() => ew.seen.length === 1);
    expect((ep.seen[0]!.details as { topic: string }).topic).toBe(topic);
    expect((ew.seen[0]!.details as { topic: string }).topic).toBe(topic);
  });

  it('unsubscribe, and subscription revocation through wamp.subscription.remove_subscriber', async () => {
    const topic = `${p}.unsub`;
    const ea = collector();
    const ec = collector();
    const sa = await a.subscribe(topic, ea.handler);
    const sc = await c.subscribe(topic, ec.handler);
    await a.unsubscribe(sa);
    await b.publish(topic, ['after-unsub'], {}, { acknowledge: true });
    await ec.until(() => ec.seen.length === 1);
    await b.call('wamp.subscription.remove_subscriber', [sc.id, c.id], {
      reason: 'com.example.revoked',
    });
    const list = await b.call('wamp.subscription.lookup', [topic]);
    expect(list).toBeNull();
    await new Promise((res) => setTimeout(res, 20));
    expect(sc.active).toBe(false);
    expect(ea.seen).toEqual([]);
  });

  it('session, registration and subscription meta-procedures', async () => {
    const ids = (await b.call('wamp.session.list')) as number[];
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id, c.id]));
    expect(await b.call('wamp.session.count')).toBe(ids.length);
    expect(await b.call('wamp.session.count', [['nobody']])).toBe(0);
    const sa = await b.call('wamp.session.get', [a.id]);
    expect(sa).toMatchObject({ session: a.id, authrole: 'anonymous', authmethod: 'anonymous' });
    expect(sa.transport.protocol).toBe(`wamp.2.${ser}`);
    const reg = await a.register(`${p}.meta.proc`, () => 0);
    const regs = await b.call('wamp.registration.list');
    expect(regs.exact).toContain(reg.id);
    expect(await b.call('wamp.registration.lookup', [`${p}.meta.proc`])).toBe(reg.id);
    expect(await b.call('wamp.registration.match', [`${p}.meta.proc`])).toBe(reg.id);
    expect(await b.call('wamp.registration.match', [`${p}.nothing.here`])).toBeNull();
    expect(await b.call('wamp.registration.get', [reg.id])).toMatchObject({
      id: reg.id,
      uri: `${p}.meta.proc`,
      match: 'exact',
      invoke: 'single',
    });
    expect(await b.call('wamp.registration.list_callees', [reg.id])).toEqual([a.id]);
    expect(await b.call('wamp.registration.count_callees', [reg.id])).toBe(1);
    expect((await errorOf(b.call('wamp.registration.get', [123456789]))).error).toBe(
      'wamp.error.no_such_registration',
    );
    const sub = await a.subscribe(`${p}.meta.topic`, () => {});
    const sub2 = await c.subscribe(`${p}.meta`, () => {}, { match: 'prefix' });
    const subs = await b.call('wamp.subscription.list');
    expect(subs.exact).toContain(sub.id);
    expect(subs.prefix).toContain(sub2.id);
    expect(await b.call('wamp.subscription.lookup', [`${p}.meta`, { match: 'prefix' }])).toBe(
      sub2.id,
    );
    expect((await b.call('wamp.subscription.match', [`${p}.meta.topic`])).sort()).toEqual(
      [sub.id, sub2.id].sort(),
    );
    expect(await b.call('wamp.subscription.get', [sub.id])).toMatchObject({
      id: sub.id,
      uri: `${p}.meta.topic`,
      match: 'exact',
    });
    expect(await b.call('wamp.subscription.list_subscribers', [sub.id])).toEqual([a.id]);
    expect(await b.call('wamp.subscription.count_subscribers', [sub.id])).toBe(1);
    expect((await errorOf(b.call('wamp.subscription.get', [987654321]))).error).toBe(
      'wamp.error.no_such_subscription',
    );
    expect((await errorOf(b.call('wamp.session.get', ['x']))).error).toBe(
      'wamp.error.invalid_argument',
    );
  });

  it('meta-events: session, registration and subscription lifecycles', async () => {
    const events: Array<[string, unknown[]]> = [];
    let wake: (() => void) | null = null;
    const on = (name: string) => (args: unknown[]) => {
      events.push([name, args]);
      wake?.();
    };
    const names = [
      'wamp.session.on_join',
      'wamp.session.on_leave',
      'wamp.registration.on_create',
      'wamp.registration.on_register',
      'wamp.registration.on_unregister',
      'wamp.registration.on_delete',
      'wamp.subscription.on_create',
      'wamp.subscription.on_subscribe',
      'wamp.subscription.on_unsubscribe',
      'wamp.subscription.on_delete',
    ];
    for (const n of names) await b.subscribe(n, on(n));
    const d = await join(ser);
    const reg = await d.register(`${p}.lifecycle`, () => 0);
    const sub = await d.subscribe(`${p}.lifecycle.topic`, () => {});
    await d.unregister(reg);
    await d.unsubscribe(sub);
    const id = d.id;
    d._socket.close(1000);
    while (!events.some(([n]) => n === 'wamp.session.on_leave'))
      await new Promise<void>((res) => {
        wake = res;
      });
    const mine = events.filter(
      ([, args]) => args[0] === id || (args[0] as { session?: number })?.session === id,
    );
    expect(mine.map(([n]) => n)).toEqual([
      'wamp.session.on_join',
      'wamp.registration.on_create',
      'wamp.registration.on_register',
      'wamp.subscription.on_create',
      'wamp.subscription.on_subscribe',
      'wamp.registration.on_unregister',
      'wamp.registration.on_delete',
      'wamp.subscription.on_unsubscribe',
      'wamp.subscription.on_delete',
      'wamp.session.on_leave',
    ]);
    const create = mine.find(([n]) => n === 'wamp.registration.on_create')![1];
    expect(create[1]).toMatchObject({
      id: reg.id,
      uri: `${p}.lifecycle`,
      match: 'exact',
      invoke: 'single',
    });
    expect(mine.find(([n]) => n === 'wamp.session.on_leave')![1]).toEqual([
      id,
      expect.any(String),
      'anonymous',
    ]);
  });

  it('a raw peer sending garbage leaves these sessions working', async () => {
    const bad = await RawPeer.open(r.url, ser);
    bad.sendRaw(ser === 'json' ? '[48, "x"' : new Uint8Array([0xc1, 0xc1]));
    expect((await bad.expect('ABORT')).reason).toBe('wamp.error.protocol_violation');
    await bad.closed;
    expect(await b.call(`${p}.add2`, [40, 2])).toBe(42);
  });
});
