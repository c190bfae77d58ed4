/**
 * Interop with Autobahn|Python (Debian python3-autobahn 22.7, asyncio) through the router, over
 * json, msgpack, cbor and ubjson, with Autobahn|JS on the other side of the cross-peer calls.
 */
import autobahn from 'autobahn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedRouter, startRouter } from '../src/index.js';
import { runPython } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS ships no types.
type Session = any;

const PY_SERIALIZERS = ['json', 'msgpack', 'cbor', 'ubjson'] as const;

let r: StartedRouter;
let js: Session;
let conn: { close(): void };
let report: Record<string, Record<string, unknown>>;
const fromPython: unknown[] = [];
const jsCalls: Record<string, unknown> = {};

beforeAll(async () => {
  r = await startRouter();
  conn = new autobahn.Connection({
    url: r.url,
    realm: 'realm1',
    serializers: [new autobahn.serializer.MsgpackSerializer()],
    protocols: ['wamp.2.msgpack'],
    max_retries: 0,
  });
  js = await new Promise((resolve) => {
    (conn as Session).onopen = resolve;
    (conn as Session).open();
  });
  await js.register('js.add2', (args: number[]) => args[0]! + args[1]!);
  await js.register(
    'js.progress',
    (args: number[], _kw: unknown, d: { progress: (a: unknown[]) => void }) => {
      for (let i = 0; i < args[0]!; i++) d.progress([i]);
      return 'done';
    },
  );
  await js.register('js.fail', () => {
    throw new autobahn.Error('com.example.js_error', [1], { k: 'v' });
  });
  await js.register('js.reverse', (args: Uint8Array[]) => Buffer.from([...args[0]!].reverse()));
  await js.subscribe('js.events', (args: unknown[], kwargs: unknown) =>
    fromPython.push([args, kwargs]),
  );
  for (const ser of PY_SERIALIZERS) {
    await js.subscribe(`py.${ser}.ready`, async () => {
      const p = `py.${ser}`;
      jsCalls[`${ser} add2`] = await js.call(`${p}.add2`, [5, 6]);
      const progress: unknown[] = [];
      await new Promise((res, rej) =>
        js.call(`${p}.prog`, [2], {}, { receive_progress: true, disclose_me: true }).then(
          (v: unknown) => {
            jsCalls[`${ser} prog`] = { progress, result: v };
            res(v);
          },
          rej,
          (v: unknown) => progress.push(v),
        ),
      );
      try {
        await js.call(`${p}.fail`);
      } catch (e) {
        const err = e as { error: string; args: unknown[]; kwargs: unknown };
        jsCalls[`${ser} fail`] = [err.error, err.args, err.kwargs];
      }
      jsCalls[`${ser} bin`] = [...(await js.call(`${p}.bin`, [Buffer.from([9, 8])]))];
      await js.publish(`js.${ser}.done`, [], {}, { acknowledge: true });
    });
  }
  report = (await runPython('autobahn_peer.py', [r.url, ...PY_SERIALIZERS])) as typeof report;
}, 60_000);

afterAll(async () => {
  conn.close();
  await r.close();
});

describe.each(PY_SERIALIZERS)('Autobahn|Python over %s', (ser) => {
  it('every check of the Python scenario passed', () => {
    const checks = report[ser]!;
    expect(checks.exception).toBeUndefined();
    const failed = Object.entries(checks).filter(([, v]) => v !== true);
    expect(failed).toEqual([]);
    // The scenario ran to its end.
    expect(checks['served Autobahn|JS']).toBe(true);
    expect(Object.keys(checks).length).toBe(32);
  });

  it('Autobahn|JS called the Python callee (args, progressive results with disclosure, errors, binary)', () => {
    expect(jsCalls[`${ser} add2`]).toBe(11);
    expect(jsCalls[`${ser} prog`]).toEqual({ progress: [0, 1], result: [js.id, 'anonymous'] });
    expect(jsCalls[`${ser} fail`]).toEqual([
      'com.example.error.bad',
      [1, 'two'],
      { why: 'because' },
    ]);
    expect(jsCalls[`${ser} bin`]).toEqual([8, 9]);
  });

  it('Autobahn|JS received the Python publication', () => {
    expect(fromPython).toContainEqual([[ser], { from: 'python' }]);
  });
});
