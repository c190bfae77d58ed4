/**
 * Interop harness: real sockets on 127.0.0.1 between our Node adapter and another WebSocket
 * implementation that echoes every message. Our side always drives (sends, checks the echo);
 * the peer is either the client or the server. Peers: `ws` (in-process) and Autobahn|Python
 * (a child process running autobahn_echo.py).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type WebSocket as WsClient,
  WebSocketServer as WsServer,
  WebSocket as WsWebSocket,
} from 'ws';
import type { CloseInfo, DeflateCodecFactory } from '../../src/index.js';
import { connect, type NodeWebSocket, WebSocketServer } from '../../src/node/index.js';

export const PYTHON = '/usr/bin/python3';
export const AUTOBAHN_PEER = join(import.meta.dirname, 'autobahn_echo.py');
/** Our limits are raised above 16 MiB for the large-message cases. */
export const OUR_LIMIT = 32 * 1024 * 1024;

/** Collects messages and lets a test await them in order. */
export class Inbox {
  private readonly queue: Array<{ data: string | Uint8Array; binary: boolean }> = [];
  private waiters: Array<(m: { data: string | Uint8Array; binary: boolean }) => void> = [];
  closed: CloseInfo | null = null;
  readonly pongs: Uint8Array[] = [];

  constructor(readonly ws: NodeWebSocket) {
    ws.on('message', (data, binary) => {
      const m = { data, binary };
      const w = this.waiters.shift();
      if (w) w(m);
      else this.queue.push(m);
    });
    ws.on('pong', (p) => this.pongs.push(p));
    ws.on('close', (info) => {
      this.closed = info;
    });
    // Errors are reported on 'close' too; listening keeps the emitter from throwing.
    ws.on('error', () => {});
  }

  next(): Promise<{ data: string | Uint8Array; binary: boolean }> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (this.closed) return Promise.reject(new Error(`closed: ${JSON.stringify(this.closed)}`));
    return new Promise((resolve, reject) => {
      this.waiters.push(resolve);
      this.ws.once('close', (info) => reject(new Error(`closed: ${JSON.stringify(info)}`)));
    });
  }

  /** Bytes read from and written to our socket so far. */
  wire(): { read: number; written: number } {
    const socket = (this.ws as unknown as { socket: Socket }).socket;
    return { read: socket.bytesRead, written: socket.bytesWritten };
  }
}

export type DeflateMode = 'off' | 'zlib' | 'fflate';

export function ourDeflate(mode: DeflateMode, fflate: DeflateCodecFactory) {
  return mode === 'off' ? false : mode === 'fflate' ? { codec: fflate } : true;
}

export interface EchoSession {
  inbox: Inbox;
  /** Which side the peer plays. */
  peerRole: 'client' | 'server';
  /** Autobahn only: the peer's statistics (via the "__stats__" message). */
  peerStats?: () => Promise<{
    messages: number;
    compressed: number;
    extensions: unknown[];
    protocol: string | null;
  }>;
  /** Ask the peer to start the closing handshake (code 4000, reason "bye"). */
  peerClose: () => void;
  /** Resolves with the peer's view of the close: code, reason, wasClean. */
  peerClosed: () => Promise<{ code: number | null; reason: string | null; wasClean: boolean }>;
  dispose: () => Promise<void>;
}

// ---------------------------------------------------------------------------------- ws peers

/** `ws` echo server, our client. */
export async function wsServerSession(
  deflate: DeflateMode,
  fflate: DeflateCodecFactory,
  fragmentEcho = 0,
): Promise<EchoSession> {
  const wss = new WsServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: deflate !== 'off' ? { threshold: 64 } : false,
    maxPayload: 64 * 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has('wamp.2.json') ? 'wamp.2.json' : false),
  });
  await once(wss, 'listening');
  const port = (wss.address() as { port: number }).port;
  const peerSide = new Promise<WsClient>((resolve) => wss.once('connection', resolve));
  const ws = await connect(`ws://127.0.0.1:${port}/echo`, {
    deflate: ourDeflate(deflate, fflate),
    maxMessageSize: OUR_LIMIT,
    protocols: ['wamp.2.json'],
  });
  const inbox = new Inbox(ws);
  const peer = await peerSide;
  const peerClosed = wsEcho(peer, fragmentEcho);
  return {
    inbox,
    peerRole: 'server',
    peerClose: () => peer.close(4000, 'bye'),
    peerClosed: () => peerClosed,
    dispose: async () => {
      ws.destroy();
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

/** `ws` echo client, our server. */
export async function wsClientSession(
  deflate: DeflateMode,
  fflate: DeflateCodecFactory,
  fragmentEcho = 0,
): Promise<EchoSession> {
  const server = new WebSocketServer({
    deflate: ourDeflate(deflate, fflate),
    maxMessageSize: OUR_LIMIT,
    protocols: ['wamp.2.json'],
  });
  const port = await server.listen(0);
  const ours = new Promise<NodeWebSocket>((resolve) => server.once('connection', resolve));
  const peer = new WsWebSocket(`ws://127.0.0.1:${port}/`, ['wamp.2.json'], {
    perMessageDeflate: deflate !== 'off' ? { threshold: 64 } : false,
    maxPayload: 64 * 1024 * 1024,
  });
  const peerClosed = wsEcho(peer, fragmentEcho);
  await once(peer, 'open');
  const ws = await ours;
  return {
    inbox: new Inbox(ws),
    peerRole: 'client',
    peerClose: () => peer.close(4000, 'bye'),
    peerClosed: () => peerClosed,
    dispose: async () => {
      peer.terminate();
      await server.close();
    },
  };
}

function wsEcho(peer: WsClient, fragment: number) {
  peer.on('message', (data: Buffer, isBinary: boolean) => {
    if (fragment > 0 && data.length > fragment) {
      // Echo as a fragmented message: ws sends one frame per send() with fin: false.
      for (let off = 0; off < data.length; off += fragment) {
        const end = Math.min(off + fragment, data.length);
        peer.send(data.subarray(off, end), { binary: isBinary, fin: end === data.length });
      }
    } else {
      peer.send(data, { binary: isBinary });
    }
  });
  peer.on('error', () => {});
  return new Promise<{ code: number | null; reason: string | null; wasClean: boolean }>((resolve) =>
    peer.once('close', (code: number, reason: Buffer) =>
      resolve({ code, reason: reason.toString(), wasClean: code !== 1006 }),
    ),
  );
}

// ---------------------------------------------------------------------------- Autobahn peers

function spawnPeer(args: string[]): {
  proc: ChildProcessWithoutNullStreams;
  lines: AsyncIterator<string>;
} {
  const proc = spawn(PYTHON, [AUTOBAHN_PEER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  proc.on('exit', (code) => {
    if (stderr !== '') console.error(`autobahn peer exited ${code}: ${stderr}`);
  });
  const rl = createInterface({ input: proc.stdout });
  return { proc, lines: rl[Symbol.asyncIterator]() };
}

async function readJson(lines: AsyncIterator<string>): Promise<Record<string, unknown>> {
  const r = await lines.next();
  if (r.done) throw new Error('autobahn peer ended without output');
  return JSON.parse(r.value) as Record<string, unknown>;
}

function autobahnArgs(deflate: DeflateMode, fragment: number): string[] {
  const a: string[] = [];
  if (deflate !== 'off') a.push('--deflate');
  if (fragment > 0) a.push('--fragment', String(fragment));
  return a;
}

function statsOf(inbox: Inbox) {
  return async () => {
    inbox.ws.send('__stats__');
    const m = await inbox.next();
    return JSON.parse(m.data as string);
  };
}

/** Autobahn|Python echo server, our client. */
export async function autobahnServerSession(
  deflate: DeflateMode,
  fflate: DeflateCodecFactory,
  fragmentEcho = 0,
): Promise<EchoSession> {
  const { proc, lines } = spawnPeer(['server', ...autobahnArgs(deflate, fragmentEcho)]);
  const { port } = (await readJson(lines)) as { port: number };
  const ws = await connect(`ws://127.0.0.1:${port}/`, {
    deflate: ourDeflate(deflate, fflate),
    maxMessageSize: OUR_LIMIT,
    protocols: ['wamp.2.cbor', 'wamp.2.json'],
  });
  const inbox = new Inbox(ws);
  return {
    inbox,
    peerRole: 'server',
    peerStats: statsOf(inbox),
    peerClose: () => inbox.ws.send('__close__'),
    // The server side reports nothing; our close info is checked instead.
    peerClosed: async () => {
      const info = inbox.closed ?? (await inbox.ws.closed());
      return { code: info.code, reason: info.reason, wasClean: info.wasClean };
    },
    dispose: async () => {
      ws.destroy();
      proc.stdin.end();
      if (proc.exitCode === null) await once(proc, 'exit');
    },
  };
}

/** Autobahn|Python echo client, our server. */
export async function autobahnClientSession(
  deflate: DeflateMode,
  fflate: DeflateCodecFactory,
  fragmentEcho = 0,
): Promise<EchoSession> {
  const server = new WebSocketServer({
    deflate: ourDeflate(deflate, fflate),
    maxMessageSize: OUR_LIMIT,
    protocols: ['wamp.2.json'],
  });
  const port = await server.listen(0);
  const ours = new Promise<NodeWebSocket>((resolve) => server.once('connection', resolve));
  const { proc, lines } = spawnPeer([
    'client',
    `ws://127.0.0.1:${port}/`,
    '--wamp',
    ...autobahnArgs(deflate, fragmentEcho),
  ]);
  const ws = await ours;
  const inbox = new Inbox(ws);
  let closedLine: Promise<Record<string, unknown>> | null = null;
  return {
    inbox,
    peerRole: 'client',
    peerStats: statsOf(inbox),
    peerClose: () => inbox.ws.send('__close__'),
    peerClosed: async () => {
      closedLine ??= readJson(lines);
      const { closed } = (await closedLine) as {
        closed: { code: number | null; reason: string | null; wasClean: boolean };
      };
      return closed;
    },
    dispose: async () => {
      await server.close();
      if (proc.exitCode === null) {
        proc.kill();
        await once(proc, 'exit');
      }
    },
  };
}
