/**
 * Benchmark child: the fox-wamp router (npm `fox-wamp`, an independent WAMP router written in
 * JavaScript) on 127.0.0.1, port 0, in its own process (`fox-router-peer.ts <realm>`). It speaks
 * wamp.2.json over WebSocket only. Same IPC ops as router-peer.ts: `url`, `cpu`
 * and `mem`.
 */

import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { liveMemory, serveParent } from '../lib/children.js';

interface FoxServer {
  address(): AddressInfo | string | null;
  once(event: 'listening' | 'error', listener: (err?: Error) => void): void;
}
interface FoxRouter {
  listenWAMP(options: { port: number; host: string }): FoxServer;
  getRealm(name: string, callback: (realm: unknown) => void): Promise<void>;
}

const realm = process.argv[2] ?? 'realm1';
const require = createRequire(import.meta.url);
const Router = require('fox-wamp') as new () => FoxRouter;
const router = new Router();
await router.getRealm(realm, () => {});
const server = router.listenWAMP({ port: 0, host: '127.0.0.1' });
await new Promise<void>((resolve, reject) => {
  server.once('listening', () => resolve());
  server.once('error', (err) => reject(err));
});
const address = server.address() as AddressInfo;

serveParent(async (msg) => {
  if (msg.op === 'cpu') return { ...process.cpuUsage() };
  if (msg.op === 'url') return { url: `ws://127.0.0.1:${address.port}/` };
  if (msg.op === 'mem') return liveMemory();
  throw new Error(`unknown op ${String(msg.op)}`);
});
