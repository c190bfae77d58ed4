/**
 * Benchmark child: one end of an echo connection, for `ours` (@wampkit/framing/node) or `ws`
 * (with bufferutil + utf-8-validate, which ws loads by itself when installed).
 *
 *   echo-peer.ts server <ours|ws> [deflate]   listens on 127.0.0.1:0 and echoes every message
 *   echo-peer.ts client <ours|ws>             runs echo loops on request (see `run` below)
 *
 * Each side echoes the way its library is used idiomatically: our engine hands text over as a
 * string and binary as bytes, `ws` hands over a Buffer and a flag; the server sends back what it
 * got with the same type. The `ws` client turns text into a string (`toString()`), as an
 * application (and our engine, and a browser WebSocket) does before it can parse JSON.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer as WsServer } from 'ws';
import { fflateCodec } from '../../packages/framing/src/extensions/deflate-codec.js';
import type { DeflateOptions } from '../../packages/framing/src/extensions/permessage-deflate.js';
import {
  connect,
  type NodeWebSocket,
  WebSocketServer,
} from '../../packages/framing/src/node/index.js';
import { zlibCodec } from '../../packages/framing/src/node/zlib-codec.js';
import { serveParent } from './children.js';
import { randomPayload, wampJson } from './payloads.js';

/**
 * 'tcp' is the floor: raw node:net echo of the same bytes, no WebSocket framing at all.
 * 'ours+fflate' / 'ours+zlib' force our permessage-deflate codec ('ours' takes the default).
 */
export type Impl = 'ours' | 'ours+fflate' | 'ours+zlib' | 'ws' | 'tcp';

function ourDeflate(which: Impl, deflate: boolean): false | DeflateOptions {
  if (!deflate) return false;
  const codec = which.endsWith('+fflate')
    ? fflateCodec
    : which.endsWith('+zlib')
      ? zlibCodec
      : undefined;
  return codec ? { threshold: DEFLATE_THRESHOLD, codec } : { threshold: DEFLATE_THRESHOLD };
}

/** Messages below this size are sent uncompressed; the same for both sides (ws defaults to 1024). */
export const DEFLATE_THRESHOLD = 64;

export interface RunRequest {
  url: string;
  deflate: boolean;
  size: number;
  /** 'binary': random bytes; 'text': WAMP-like JSON. */
  kind: 'binary' | 'text';
  /** Messages in flight: 1 = strict ping-pong. */
  window: number;
  ms: number;
}

export interface RunResult {
  count: number;
  elapsedMs: number;
  /** CPU time this process used during the run, in microseconds (process.cpuUsage). */
  cpu: { user: number; system: number };
}

/** The operations a measuring loop needs, for either library. */
interface EchoClient {
  send(data: string | Uint8Array, binary: boolean): void;
  onMessage(fn: (() => void) | null): void;
}

const [role, impl, flag] = process.argv.slice(2) as ['server' | 'client', Impl, string?];

if (role === 'server') await runServer(impl, flag === 'deflate');
else if (role === 'client') runClient(impl);
else throw new Error(`unknown role ${role}`);

async function runServer(which: Impl, deflate: boolean): Promise<void> {
  let port: number;
  if (which.startsWith('ours')) {
    const server = new WebSocketServer({
      deflate: ourDeflate(which, deflate),
      maxMessageSize: 64 * 1024 * 1024,
    });
    server.on('connection', (ws) => {
      ws.on('message', (data, binary) => ws.send(data, { binary }));
    });
    port = await server.listen(0);
  } else if (which === 'tcp') {
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      socket.on('data', (chunk) => socket.write(chunk));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as net.AddressInfo).port;
  } else {
    const server = new WsServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: deflate ? { threshold: DEFLATE_THRESHOLD } : false,
      maxPayload: 64 * 1024 * 1024,
    });
    server.on('connection', (ws) => {
      ws.on('message', (data, binary) => ws.send(data as Buffer, { binary }));
    });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    port = (server.address() as { port: number }).port;
  }
  serveParent(async (msg) => (msg.op === 'cpu' ? { ...process.cpuUsage() } : { port }));
}

function runClient(which: Impl): void {
  const clients = new Map<string, Promise<EchoClient>>();
  const open = (url: string, deflate: boolean, req: RunRequest): Promise<EchoClient> => {
    // TCP has no message boundaries: the client counts `size` bytes as one echo.
    const key = `${url} ${deflate} ${which === 'tcp' ? req.size : ''}`;
    let c = clients.get(key);
    if (!c) {
      c = which.startsWith('ours')
        ? openOurs(url, ourDeflate(which, deflate))
        : which === 'ws'
          ? openWs(url, deflate)
          : openTcp(url, req.size);
      clients.set(key, c);
    }
    return c;
  };
  serveParent(async (msg) => {
    const req = msg as unknown as RunRequest;
    const client = await open(req.url, req.deflate, req);
    const payload = req.kind === 'text' ? wampJson(req.size) : randomPayload(req.size);
    const result = await echoLoop(client, payload, req.kind === 'binary', req.window, req.ms);
    return { ...result };
  });
}

async function openOurs(url: string, deflate: false | DeflateOptions): Promise<EchoClient> {
  const ws: NodeWebSocket = await connect(url, {
    deflate,
    maxMessageSize: 64 * 1024 * 1024,
  });
  let handler: (() => void) | null = null;
  ws.on('message', () => handler?.());
  return {
    send: (data, binary) => {
      ws.send(data, { binary });
    },
    onMessage: (fn) => {
      handler = fn;
    },
  };
}

async function openWs(url: string, deflate: boolean): Promise<EchoClient> {
  const ws = new WebSocket(url, {
    perMessageDeflate: deflate ? { threshold: DEFLATE_THRESHOLD } : false,
    maxPayload: 64 * 1024 * 1024,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let handler: (() => void) | null = null;
  let sink = 0;
  ws.on('message', (data, binary) => {
    // What the application needs: a string for text (our engine always decodes text).
    if (!binary) sink += (data as Buffer).toString().length;
    handler?.();
  });
  return {
    send: (data, binary) => ws.send(data, { binary }),
    onMessage: (fn) => {
      handler = fn;
      if (sink < 0) console.error(sink);
    },
  };
}

async function openTcp(url: string, size: number): Promise<EchoClient> {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  let handler: (() => void) | null = null;
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    // The answers to one read go out in one write, as the WebSocket libraries batch them.
    socket.cork();
    while (received >= size) {
      received -= size;
      handler?.();
    }
    socket.uncork();
  });
  return {
    send: (data) => {
      socket.write(data);
    },
    onMessage: (fn) => {
      handler = fn;
    },
  };
}

/**
 * Keeps `window` messages in flight for `ms` milliseconds: every echo received is counted and
 * answered with a new message until the time is up, then the loop waits for the stragglers.
 * Round trips per second = count / elapsed.
 */
function echoLoop(
  client: EchoClient,
  payload: string | Uint8Array,
  binary: boolean,
  window: number,
  ms: number,
): Promise<RunResult> {
  return new Promise((resolve) => {
    let inFlight = 0;
    let count = 0;
    let result: RunResult | null = null;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    client.onMessage(() => {
      inFlight--;
      if (result === null) {
        count++;
        const elapsed = performance.now() - t0;
        if (elapsed >= ms) result = { count, elapsedMs: elapsed, cpu: process.cpuUsage(cpu0) };
        else {
          inFlight++;
          client.send(payload, binary);
        }
      }
      if (result !== null && inFlight === 0) {
        client.onMessage(null);
        resolve(result);
      }
    });
    for (let i = 0; i < window; i++) {
      inFlight++;
      client.send(payload, binary);
    }
  });
}
