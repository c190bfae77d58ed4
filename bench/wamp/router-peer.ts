/**
 * Benchmark child: our router (@wampkit/router) on 127.0.0.1, port 0, in its own process
 * (`router-peer.ts <realm> <dist|source>`: its dist/ build, or its sources when run with the
 * `wampkit-source` condition). Answers `{ op: 'url' }`, `{ op: 'cpu' }` (process.cpuUsage) and `{ op: 'mem' }`
 * (heap and RSS after a GC when started with --expose-gc; bench/scale.bench.ts).
 */
import type * as RouterPackage from '../../packages/router/src/index.js';
import { liveMemory, serveParent } from '../lib/children.js';

const realm = process.argv[2] ?? 'realm1';
const { startRouter } = (
  process.argv[3] === 'dist'
    ? await import('../../packages/router/dist/index.js')
    : await import('../../packages/router/src/index.js')
) as typeof RouterPackage;

const router = await startRouter({
  port: 0,
  realms: [realm],
  // A benchmark run that trips a protocol check must say so, not just slow down.
  log: (level, message) => console.error(`router ${level}: ${message}`),
});

serveParent(async (msg) => {
  if (msg.op === 'cpu') return { ...process.cpuUsage() };
  if (msg.op === 'url') return { url: router.url };
  if (msg.op === 'mem') return liveMemory();
  throw new Error(`unknown op ${String(msg.op)}`);
});
