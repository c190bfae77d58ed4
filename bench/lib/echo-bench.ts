/**
 * The echo benchmark driver shared by `pnpm bench websocket` and `pnpm bench deflate`: starts a
 * server child and a client child per implementation (so each side has its own process and
 * core), then measures every configuration for a fixed time, interleaving implementations round
 * by round so that drift on a shared machine hits both alike; reports medians.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from './children.js';
import type { Impl, RunRequest, RunResult } from './echo-peer.js';
import { median } from './stats.js';

const PEER = join(dirname(fileURLToPath(import.meta.url)), 'echo-peer.ts');

export interface EchoConfig {
  size: number;
  kind: 'binary' | 'text';
  window: number;
  deflate: boolean;
}

export interface EchoFigure extends EchoConfig {
  impl: Impl;
  /** Median round trips per second over the runs. */
  msgsPerSec: number;
  runs: number[];
  /** Median CPU microseconds per round trip (user + system), client and server process. */
  cpuPerMsg: { client: number; server: number; clientSystem: number; serverSystem: number };
}

interface Sample {
  rate: number;
  client: { user: number; system: number };
  server: { user: number; system: number };
}

export interface EchoPlan {
  impls: readonly Impl[];
  configs: readonly EchoConfig[];
  rounds: number;
  runMs: number;
  warmupMs: number;
  /** Extra node flags for the children of one implementation (profiling). */
  nodeArgs?: Partial<Record<Impl, readonly string[]>>;
  progress?: (line: string) => void;
}

export async function runEchoBench(plan: EchoPlan): Promise<EchoFigure[]> {
  const children: Child[] = [];
  try {
    const peers = new Map<
      string,
      { client: Child; servers: Map<boolean, Child>; url: (deflate: boolean) => string }
    >();
    for (const impl of plan.impls) {
      const nodeArgs = plan.nodeArgs?.[impl] ?? [];
      const ports = new Map<boolean, number>();
      const servers = new Map<boolean, Child>();
      for (const deflate of new Set(plan.configs.map((c) => c.deflate))) {
        const server = await Child.start(
          `${impl}-server`,
          PEER,
          ['server', impl, ...(deflate ? ['deflate'] : [])],
          { nodeArgs },
        );
        children.push(server);
        servers.set(deflate, server);
        ports.set(deflate, (await server.request<{ port: number }>({ op: 'port' })).port);
      }
      const client = await Child.start(`${impl}-client`, PEER, ['client', impl], { nodeArgs });
      children.push(client);
      peers.set(impl, { client, servers, url: (d) => `ws://127.0.0.1:${ports.get(d)}/` });
    }
    type Cpu = { user: number; system: number };
    const run = async (impl: Impl, config: EchoConfig, ms: number): Promise<Sample> => {
      const peer = peers.get(impl)!;
      const server = peer.servers.get(config.deflate)!;
      const req: RunRequest = { url: peer.url(config.deflate), ...config, ms };
      const s0 = await server.request<Cpu>({ op: 'cpu' });
      const r = await peer.client.request<RunResult>({ ...req });
      const s1 = await server.request<Cpu>({ op: 'cpu' });
      const perMsg = (us: number) => us / r.count;
      return {
        rate: (r.count * 1000) / r.elapsedMs,
        client: { user: perMsg(r.cpu.user), system: perMsg(r.cpu.system) },
        // The server's figure includes the stragglers after the client stopped counting.
        server: { user: perMsg(s1.user - s0.user), system: perMsg(s1.system - s0.system) },
      };
    };
    // Warm-up: every configuration once (JIT, connection setup, socket buffers).
    for (const config of plan.configs)
      for (const impl of plan.impls) await run(impl, config, plan.warmupMs);
    const samples = new Map<string, Sample[]>();
    const key = (impl: Impl, c: EchoConfig) =>
      `${impl}|${c.size}|${c.kind}|${c.window}|${c.deflate}`;
    for (let round = 0; round < plan.rounds; round++) {
      for (const config of plan.configs) {
        // Alternate which implementation goes first, round by round.
        const order = round % 2 === 0 ? plan.impls : [...plan.impls].reverse();
        for (const impl of order) {
          const sample = await run(impl, config, plan.runMs);
          const list = samples.get(key(impl, config)) ?? [];
          list.push(sample);
          samples.set(key(impl, config), list);
        }
      }
      plan.progress?.(`round ${round + 1}/${plan.rounds} done`);
    }
    const figures: EchoFigure[] = [];
    for (const config of plan.configs) {
      for (const impl of plan.impls) {
        const list = samples.get(key(impl, config))!;
        const runs = list.map((x) => x.rate);
        figures.push({
          ...config,
          impl,
          msgsPerSec: median(runs),
          runs,
          cpuPerMsg: {
            client: median(list.map((x) => x.client.user + x.client.system)),
            server: median(list.map((x) => x.server.user + x.server.system)),
            clientSystem: median(list.map((x) => x.client.system)),
            serverSystem: median(list.map((x) => x.server.system)),
          },
        });
      }
    }
    return figures;
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}
