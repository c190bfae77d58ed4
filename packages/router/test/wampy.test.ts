/**
 * Interop with wampy 8 (npm `wampy`) through the router over json, msgpack and cbor: RPC,
 * PubSub with filters, pattern subscriptions, Payload PassThru Mode end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wampy } from 'wampy';
import { CborSerializer } from 'wampy/CborSerializer.js';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import WebSocket from 'ws';
import { type StartedRouter, startRouter } from '../src/index.js';

const SERIALIZERS = {
  json: () => new JsonSerializer(),
  msgpack: () => new MsgpackSerializer(),
  cbor: () => new CborSerializer(),
} as const;

let r: StartedRouter;
const clients: Wampy[] = [];

beforeAll(async () => {
  r = await startRouter();
});
afterAll(async () => {
  for (const c of clients) await c.disconnect().catch(() => {});
  await r.close();
});

async function join(ser: keyof typeof SERIALIZERS): Promise<Wampy> {
  const w = new Wampy(r.url, {
    ws: WebSocket,
    realm: 'realm1',
    serializer: SERIALIZERS[ser](),
    autoReconnect: false,
  } as ConstructorParameters<typeof Wampy>[1]);
  clients.push(w);
  await w.connect();
  return w;
}

describe.each(
  Object.keys(SERIALIZERS) as Array<keyof typeof SERIALIZERS>,
)('wampy over %s', (ser) => {
  let a: Wampy;
  let b: Wampy;
  const p = `wampy.${ser}`;

  beforeAll(async () => {
    [a, b] = await Promise.all([join(ser), join(ser)]);
  });

  it('RPC: args/kwargs, caller disclosure, errors with args/kwargs', async () => {
    await a.register(`${p}.echo`, async ({ argsList, argsDict, details }) => ({
      argsList: [...(argsList ?? []), details.caller ?? null],
      argsDict,
    }));
    const res = await b.call(
      `${p}.echo`,
      { argsList: [1, 'two'], argsDict: { k: true } },
      { disclose_me: true },
    );
    expect(res.argsList).toEqual([1, 'two', b.getSessionId()]);
    expect(res.argsDict).toEqual({ k: true });
    await a.register(`${p}.fail`, async () => {
      throw { error: 'com.example.wampy_error', argsList: [7], argsDict: { why: 'no' } };
    });
    const err = await b.call(`${p}.fail`).then(
      () => null,
      (e: { errorUri: string; argsList: unknown[]; argsDict: unknown }) => e,
    );
    expect(err).toMatchObject({
      errorUri: 'com.example.wampy_error',
      argsList: [7],
      argsDict: { why: 'no' },
    });
  });

  // wampy sends SUBSCRIBE.Options {match: undefined, get_retained: undefined}; msgpackr and
  // cbor-x encode undefined as an extension / simple value. Our decoders drop such keys at the
  // top level of Options/Details/kwargs, so this runs over every serializer.
  it('PubSub: exclude_me, eligible, pattern subscription with details.topic', async () => {
    const got: Array<{ who: string; args: unknown; topic?: unknown }> = [];
    let wake: (() => void) | null = null;
    const on = (who: string) => (ev: { argsList: unknown; details: { topic?: unknown } }) => {
      got.push({ who, args: ev.argsList, topic: ev.details.topic });
      wake?.();
    };
    await a.subscribe(`${p}.t`, on('a'));
    await b.subscribe(`${p}.t`, on('b'));
    await a.subscribe(`${p}`, on('a-prefix'), { match: 'prefix' });
    await b.publish(`${p}.t`, { argsList: ['x'] });
    await b.publish(
      `${p}.t`,
      { argsList: ['only-a'] },
      { eligible: [a.getSessionId()!], exclude_me: false },
    );
    // wampy drops `exclude_me: false` (it only sends truthy values): b never sees its own events.
    await b.publish(`${p}.t`, { argsList: ['end'] }, { exclude_me: false });
    while (got.filter((g) => (g.args as unknown[])?.[0] === 'end').length < 2) {
      await new Promise<void>((res) => {
        wake = res;
      });
    }
    expect(got.filter((g) => g.who === 'a').map((g) => (g.args as unknown[])[0])).toEqual([
      'x',
      'only-a',
      'end',
    ]);
    expect(got.filter((g) => g.who === 'b')).toEqual([]);
    const prefixed = got.filter((g) => g.who === 'a-prefix');
    expect(prefixed.map((g) => (g.args as unknown[])[0])).toEqual(['x', 'only-a', 'end']);
    expect(prefixed[0]!.topic).toBe(`${p}.t`);
  });

  // Over msgpack/cbor wampy's PassThru messages (ppt_serializer 'native') put
  // `{args, kwargs: undefined}` inside args, where undefined is not a WAMP value and stays a
  // protocol violation; over JSON the key simply vanishes.
  it.runIf(ser === 'json')(
    'Payload PassThru Mode: ppt_* and the opaque payload reach the callee and come back',
    async () => {
      let seen: Record<string, unknown> = {};
      await a.register(`${p}.ppt`, async ({ argsList, details }) => {
        seen = details;
        return {
          options: { ppt_scheme: 'x_custom', ppt_serializer: 'native' },
          argsList: [argsList?.[0], 'back'],
        };
      });
      const res = await b.call(
        `${p}.ppt`,
        { argsList: ['opaque'] },
        { ppt_scheme: 'x_custom', ppt_serializer: 'native', ppt_cipher: 'none', ppt_keyid: 'k1' },
      );
      expect(seen).toMatchObject({
        ppt_scheme: 'x_custom',
        ppt_serializer: 'native',
        ppt_cipher: 'none',
        ppt_keyid: 'k1',
      });
      expect(res.details).toMatchObject({ ppt_scheme: 'x_custom', ppt_serializer: 'native' });
      expect(res.argsList).toEqual(['opaque', 'back']);
    },
  );
});
