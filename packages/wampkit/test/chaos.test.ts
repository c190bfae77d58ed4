/**
 * Chaos test (issue 6) on real sockets: five Components (callees, a caller, a publisher that
 * also subscribes, an independent subscriber; over WebSocket and RawSocket) run under load
 * (calls and acknowledged publications) while the router process is killed with SIGKILL and
 * restarted on the same ports 20 times. Afterwards every registration and subscription works
 * again, no call is left unsettled, and every acknowledged publication reached the subscriber
 * on the publishing session (the router sends the EVENT before PUBLISHED on the same connection,
 * so an acknowledgement proves delivery there).
 *
 * It lives in the wampkit package (not @wampkit/session) because it uses both transports and
 * `createComponent`: @wampkit/session cannot depend on @wampkit/transport-rawsocket, which
 * depends on it. The figures are printed as one JSON line (`chaos figures`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  ApplicationError,
  type Component,
  createComponent,
  NotConnectedError,
  SessionClosedError,
} from '../src/index.js';

const RESTARTS = 20;
const CALL_WORKERS = 8;
const PUBLISH_WORKERS = 4;
const root = join(import.meta.dirname, '..', '..', '..');
const fixture = join(import.meta.dirname, 'fixtures', 'chaos-router.ts');

let child: ChildProcess | undefined;
const components: Component[] = [];

afterAll(async () => {
  await Promise.all(components.map((c) => c.stop().catch(() => {})));
  child?.kill('SIGKILL');
});

/** Starts the router process; resolves with its ports once it listens. */
async function startRouterProcess(ws = 0, rs = 0): Promise<{ ws: number; rs: number }> {
  const proc = spawn(
    process.execPath,
    ['--conditions=wampkit-source', '--import', 'tsx', fixture, String(ws), String(rs)],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child = proc;
  let out = '';
  for await (const chunk of proc.stdout!) {
    out += String(chunk);
    const nl = out.indexOf('\n');
    if (nl >= 0) return JSON.parse(out.slice(0, nl)) as { ws: number; rs: number };
  }
  throw new Error(`the router process exited before listening: ${out}`);
}

async function killRouterProcess(): Promise<void> {
  const proc = child!;
  const exited = once(proc, 'exit');
  proc.kill('SIGKILL');
  await exited;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) };
}

function errorKind(e: unknown): string {
  if (e instanceof SessionClosedError) return `SessionClosedError(${e.reason})`;
  if (e instanceof NotConnectedError) return 'NotConnectedError';
  if (e instanceof ApplicationError) return `ApplicationError(${e.uri})`;
  return e instanceof Error ? e.name : String(e);
}

it(`survives ${RESTARTS} router kills under load`, { timeout: 120_000 }, async () => {
  const t0 = Date.now();
  const ports = await startRouterProcess();
  const routerStartMs = [Date.now() - t0];
  const wsUrl = `ws://127.0.0.1:${ports.ws}/`;
  const rsUrl = `rs://127.0.0.1:${ports.rs}`;
  const common = {
    realm: 'realm1',
    reconnect: { initialDelay: 100, maxDelay: 1000 },
    keepalive: { interval: 2000, timeout: 2000 },
    joinTimeout: 5000,
  };

  const calleeWs = createComponent({
    ...common,
    transports: wsUrl,
    registrations: [
      { procedure: 'chaos.echo', handler: (inv) => inv.args[0], options: { invoke: 'single' } },
    ],
  });
  const calleeRs = createComponent({
    ...common,
    transports: rsUrl,
    serializer: 'msgpack',
    registrations: [
      {
        procedure: 'chaos.rs.',
        handler: (inv) => [inv.details.procedure, inv.args[0]],
        options: { match: 'prefix', concurrency: 50 },
      },
    ],
  });
  // Publisher that also subscribes: its acknowledged publications must all come back to it.
  const ownReceived = new Set<number>();
  const publisher = createComponent({
    ...common,
    transports: [`ws://127.0.0.1:${ports.ws}/`],
    serializer: 'cbor',
    subscriptions: [
      { topic: 'chaos.topic', handler: (e) => void ownReceived.add(e.args[0] as number) },
    ],
  });
  const otherReceived = new Set<number>();
  const subscriber = createComponent({
    ...common,
    transports: rsUrl,
    subscriptions: [
      {
        topic: 'chaos.',
        handler: (e) => void otherReceived.add(e.args[0] as number),
        options: { match: 'prefix' },
      },
    ],
  });
  // The caller lists a dead URL first: every attempt falls through to the working one.
  const caller = createComponent({
    ...common,
    transports: [`tcp://127.0.0.1:${await freePort()}`, wsUrl],
  });
  components.push(calleeWs, calleeRs, publisher, subscriber, caller);
  await Promise.all(components.map((c) => c.start()));

  // ---- load -------------------------------------------------------------------------------
  const stats = {
    calls: 0,
    callsOk: 0,
    callsWrong: 0,
    callsFailed: 0,
    published: 0,
    acked: 0,
    pubFailed: 0,
  };
  const failures = new Map<string, number>();
  const count = (e: unknown) => failures.set(errorKind(e), (failures.get(errorKind(e)) ?? 0) + 1);
  const pending = new Set<Promise<unknown>>();
  const acked = new Set<number>();
  /** Acknowledged while the independent subscriber was joined from publish to PUBLISHED. */
  const ackedWhileOtherJoined = new Set<number>();
  let running = true;
  let seq = 0;

  const callWorker = async (w: number) => {
    while (running) {
      const n = ++seq;
      const rs = (n + w) % 2 === 0;
      stats.calls++;
      const p = rs ? caller.call('chaos.rs.echo', [n]) : caller.call('chaos.echo', [n]);
      pending.add(p);
      try {
        const r = await p;
        const ok = rs
          ? JSON.stringify(r.args[0]) === JSON.stringify(['chaos.rs.echo', n])
          : r.args[0] === n;
        if (ok) stats.callsOk++;
        else stats.callsWrong++;
      } catch (e) {
        stats.callsFailed++;
        count(e);
        // Down, or the callee not back yet: do not spin.
        if (e instanceof NotConnectedError || e instanceof ApplicationError) await sleep(20);
      } finally {
        pending.delete(p);
      }
    }
  };
  const publishWorker = async () => {
    while (running) {
      const n = ++seq;
      stats.published++;
      const otherJoinedBefore = subscriber.state === 'joined';
      const p = publisher.publish('chaos.topic', [n], {}, { acknowledge: true, excludeMe: false });
      pending.add(p);
      try {
        await p;
        stats.acked++;
        acked.add(n);
        if (otherJoinedBefore && subscriber.state === 'joined') ackedWhileOtherJoined.add(n);
      } catch (e) {
        stats.pubFailed++;
        count(e);
        if (e instanceof NotConnectedError) await sleep(20);
      } finally {
        pending.delete(p);
      }
    }
  };
  const workers = [
    ...Array.from({ length: CALL_WORKERS }, (_, w) => callWorker(w)),
    ...Array.from({ length: PUBLISH_WORKERS }, () => publishWorker()),
  ];

  // ---- kill and restart ---------------------------------------------------------------------
  const allJoined = () => Promise.all(components.map((c) => c.joined()));
  const recoveryMs: number[] = [];
  const rejoinMs: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    // Let load run on the healthy system (some successes since the last restart), then kill at
    // a random moment.
    const okBefore = stats.callsOk;
    const ackedBefore = stats.acked;
    while (stats.callsOk < okBefore + 50 || stats.acked < ackedBefore + 20) await sleep(10);
    await sleep(20 + Math.floor(Math.random() * 150));
    const killedAt = Date.now();
    await killRouterProcess();
    const startedAt = Date.now();
    await startRouterProcess(ports.ws, ports.rs);
    const listeningAt = Date.now();
    routerStartMs.push(listeningAt - startedAt);
    await allJoined();
    recoveryMs.push(Date.now() - killedAt);
    rejoinMs.push(Date.now() - listeningAt);
  }

  // ---- wind down and check ------------------------------------------------------------------
  running = false;
  const settled = await Promise.race([
    Promise.allSettled(workers).then(() => true),
    sleep(15_000).then(() => false),
  ]);
  const hung = pending.size;
  expect(settled).toBe(true);
  expect(hung).toBe(0);
  expect(stats.callsWrong).toBe(0);

  // Everything works after the last restart.
  await allJoined();
  const session = caller.session!;
  expect((await caller.call('chaos.echo', ['final'])).args).toEqual(['final']);
  expect((await caller.call('chaos.rs.final', [1])).args).toEqual([['chaos.rs.final', 1]]);
  const regs = (await session.call('wamp.registration.list')).args[0] as Record<string, number[]>;
  expect(regs.exact).toHaveLength(1);
  expect(regs.prefix).toHaveLength(1);
  const reg = (await session.call('wamp.registration.get', [regs.prefix![0]])).args[0];
  expect(reg).toMatchObject({ uri: 'chaos.rs.', match: 'prefix' });
  await publisher.publish('chaos.topic', [-1], {}, { acknowledge: true, excludeMe: false });
  await expect.poll(() => ownReceived.has(-1) && otherReceived.has(-1)).toBe(true);

  // Every acknowledged publication reached the publishing session's own subscription.
  const lost = [...acked].filter((n) => !ownReceived.has(n));
  expect(lost).toEqual([]);
  const otherCovered = [...acked].filter((n) => otherReceived.has(n)).length;
  // And the independent subscriber got every one acknowledged while it was joined throughout.
  const otherLost = [...ackedWhileOtherJoined].filter((n) => !otherReceived.has(n));
  expect(otherLost).toEqual([]);

  const figures = {
    restarts: RESTARTS,
    durationMs: Date.now() - t0,
    ...stats,
    callsHung: hung,
    failuresByType: Object.fromEntries(failures),
    ackedDeliveredToPublishingSession: acked.size - lost.length,
    ackedDeliveredToOtherSubscriber: otherCovered,
    ackedWhileOtherSubscriberJoined: ackedWhileOtherJoined.size,
    thoseDeliveredToOtherSubscriber: [...ackedWhileOtherJoined].filter((n) => otherReceived.has(n))
      .length,
    killToAllRejoinedMs: summary(recoveryMs),
    routerListeningToAllRejoinedMs: summary(rejoinMs),
    routerProcessStartMs: summary(routerStartMs),
  };
  console.log(`chaos figures ${JSON.stringify(figures)}`);
  expect(stats.callsOk).toBeGreaterThan(RESTARTS * 50);
  expect(stats.acked).toBeGreaterThan(RESTARTS * 20);
});
