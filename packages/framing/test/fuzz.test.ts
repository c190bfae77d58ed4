/**
 * Bad input: random and mutated byte streams into both roles (fast-check, fixed seeds, bounded
 * runs). Whatever arrives, the engine must never throw from receiveData, must end in a clean
 * close or a typed WebSocketError (never the catch-all InternalError), must report `closed`
 * at most once, and must keep its buffers within the configured limits. Most runs drive the
 * sans-IO engine directly; a smaller part goes over real sockets.
 */
import { once } from 'node:events';
import net from 'node:net';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptKey,
  type DeflateCodecFactory,
  fflateCodec,
  HandshakeError,
  InternalError,
  WebSocketConnection,
  WebSocketError,
} from '../src/index.js';
import { connect, type NodeWebSocket, WebSocketServer, zlibCodec } from '../src/node/index.js';
import { clientRequest, decodeFrames, frame, openPair, Recorder } from './peers/sansio.js';

const LIMITS = { maxFrameSize: 4096, maxMessageSize: 16384, maxHandshakeSize: 2048 };
const RUNS = Number(process.env.WAMPKIT_FUZZ_RUNS ?? 1500);

interface Internals {
  buffered: number;
  fragments: Uint8Array[];
  handshakeBuffer: Uint8Array;
}

/** Feeds chunks and checks the invariants after every one of them. */
function feedAndCheck(conn: WebSocketConnection, rec: Recorder, chunks: Uint8Array[]): void {
  const internals = conn as unknown as Internals;
  for (const chunk of chunks) {
    expect(() => conn.receiveData(chunk)).not.toThrow();
    // Memory bounds: input queue at most one frame header + payload + the chunk being parsed;
    // message fragments at most the message limit; handshake head at most its limit + a chunk.
    expect(typeof internals.buffered).toBe('number');
    expect(internals.buffered).toBeLessThanOrEqual(LIMITS.maxFrameSize + 14 + chunk.length);
    let held = 0;
    for (const f of internals.fragments) held += f.length;
    expect(held).toBeLessThanOrEqual(LIMITS.maxMessageSize);
    expect(internals.handshakeBuffer.length).toBeLessThanOrEqual(
      LIMITS.maxHandshakeSize + chunk.length,
    );
    for (const m of rec.messages) {
      const size = typeof m.data === 'string' ? Buffer.byteLength(m.data) : m.data.length;
      expect(size).toBeLessThanOrEqual(LIMITS.maxMessageSize);
    }
  }
  expect(rec.closedCount).toBeLessThanOrEqual(1);
  expect(conn.state === 'closed').toBe(rec.closedInfo !== null);
  const info = rec.closedInfo;
  if (info?.error !== undefined) {
    expect(info.error).toBeInstanceOf(WebSocketError);
    expect(info.error).not.toBeInstanceOf(InternalError);
    expect(info.wasClean).toBe(false);
    expect(info.code).toBe(info.error.code);
  }
  if (info && info.error === undefined) {
    expect(info.wasClean).toBe(true);
  }
}

/** Splits bytes at the given cut points (mod length). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  if (bytes.length === 0) return [bytes];
  const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    if (p > prev) out.push(bytes.subarray(prev, p));
    prev = Math.max(prev, p);
  }
  out.push(bytes.subarray(prev));
  return out;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = Buffer.from(input);
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    switch (m.kind) {
      case 'flip':
        bytes[at]! ^= 1 << m.bit;
        break;
      case 'set':
        bytes[at] = m.value;
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.count)]);
        break;
      case 'truncate':
        bytes = bytes.subarray(0, at);
        break;
    }
  }
  return new Uint8Array(bytes);
}

/** A message a peer could send: text, binary, possibly fragmented and with pings/close. */
const outgoing = fc.oneof(
  fc.record({
    kind: fc.constant('text' as const),
    data: fc.string({ unit: 'grapheme', maxLength: 300 }),
  }),
  fc.record({ kind: fc.constant('binary' as const), data: fc.uint8Array({ maxLength: 6000 }) }),
  fc.record({
    kind: fc.constant('fragments' as const),
    parts: fc.array(fc.string({ maxLength: 50 }), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({ kind: fc.constant('ping' as const), data: fc.uint8Array({ maxLength: 125 }) }),
  fc.record({
    kind: fc.constant('close' as const),
    code: fc.constantFrom(1000, 1001, 1011, 3000, 4999),
    reason: fc.string({ maxLength: 20 }),
  }),
);

/** Produces what a real peer in `role` writes for `script` (our engine as the generator). */
function validStream(
  role: 'client' | 'server',
  deflate: boolean,
  script: Array<typeof outgoing extends fc.Arbitrary<infer T> ? T : never>,
): Uint8Array {
  const { client, server, c, s } = openPair(
    { deflate, fragmentSize: 1000 },
    { deflate, fragmentSize: 1000 },
  );
  c.take();
  s.take();
  const conn = role === 'client' ? client : server;
  const rec = role === 'client' ? c : s;
  for (const step of script) {
    if (conn.state !== 'open') break;
    if (step.kind === 'text' || step.kind === 'binary') conn.send(step.data);
    else if (step.kind === 'ping') conn.ping(step.data);
    else if (step.kind === 'close') {
      if (Buffer.byteLength(step.reason) <= 123) conn.close(step.code, step.reason);
    } else {
      for (const [i, p] of step.parts.entries()) conn.sendFragment(p, i === step.parts.length - 1);
    }
  }
  return rec.take();
}

const CODECS: Array<[string, DeflateCodecFactory]> = [
  ['fflate', fflateCodec],
  ['node:zlib', zlibCodec],
];

function openEngine(role: 'client' | 'server', deflate: false | DeflateCodecFactory) {
  const rec = new Recorder();
  const opts = { ...LIMITS, deflate: deflate ? { codec: deflate } : false };
  const conn = new WebSocketConnection(role, rec, opts);
  if (role === 'server') {
    conn.receiveData(
      clientRequest(deflate ? { 'Sec-WebSocket-Extensions': 'permessage-deflate' } : {}),
    );
  } else {
    conn.initiate({ host: 'h' });
    const key = /Sec-WebSocket-Key: (\S+)/.exec(rec.takeText())![1]!;
    const ext = deflate
      ? 'Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n'
      : '';
    conn.receiveData(
      new Uint8Array(
        Buffer.from(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n${ext}\r\n`,
        ),
      ),
    );
  }
  rec.take();
  expect(conn.state).toBe('open');
  return { conn, rec };
}

describe.each(['server', 'client'] as const)('fuzz: frames into an open %s', (role) => {
  const peerRole = role === 'server' ? 'client' : 'server';

  it('random bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (bytes, cuts) => {
          const { conn, rec } = openEngine(role, false);
          feedAndCheck(conn, rec, split(bytes, cuts));
        },
      ),
      { numRuns: RUNS, seed: 0x1001 },
    );
  });

  it('structured random frames (any opcode, bits, length form, mask)', () => {
    const randomFrame = fc.record({
      opcode: fc.integer({ min: 0, max: 15 }),
      fin: fc.boolean(),
      rsv1: fc.boolean(),
      rsv2: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      payload: fc.uint8Array({ maxLength: 300 }),
      mask: fc
        .integer({ min: 0, max: 9 })
        .map((n) => (n === 0 ? role === 'client' : role === 'server')),
      lengthForm: fc.constantFrom(undefined, 16 as const, 64 as const),
    });
    fc.assert(
      fc.property(
        fc.array(randomFrame, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (frames, cuts, deflate) => {
          const { conn, rec } = openEngine(role, deflate ? fflateCodec : false);
          const bytes = Buffer.concat(frames.map((f) => frame(f)));
          feedAndCheck(conn, rec, split(bytes, cuts));
        },
      ),
      { numRuns: RUNS, seed: 0x1002 },
    );
  });

  it('valid streams arrive intact; mutated streams fail typed', () => {
    fc.assert(
      fc.property(
        fc.array(outgoing, { minLength: 1, maxLength: 8 }),
        fc.array(mutation, { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom(...CODECS.map(([, c]) => c), false as const),
        (script, mutations, cuts, codec) => {
          const stream = validStream(peerRole, codec !== false, script);
          const { conn, rec } = openEngine(role, codec);
          const input = mutate(stream, mutations);
          feedAndCheck(conn, rec, split(input, cuts));
          if (mutations.length === 0) {
            // Differential check: unmutated, everything the peer sent arrives (up to a close).
            const expected: Array<string | Uint8Array> = [];
            for (const step of script) {
              if (step.kind === 'close') break;
              if (step.kind === 'text' || step.kind === 'binary') expected.push(step.data);
              if (step.kind === 'fragments') expected.push(step.parts.join(''));
            }
            const tooBig = expected.some(
              (m) =>
                (typeof m === 'string' ? Buffer.byteLength(m) : m.length) > LIMITS.maxMessageSize,
            );
            if (!tooBig) {
              expect(rec.closedInfo?.error).toBeUndefined();
              expect(
                rec.messages.map((m) =>
                  typeof m.data === 'string' ? m.data : Buffer.from(m.data),
                ),
              ).toEqual(expected.map((m) => (typeof m === 'string' ? m : Buffer.from(m))));
            }
          }
        },
      ),
      { numRuns: RUNS, seed: 0x1003 },
    );
  });

  it.each(CODECS)('random and mutated compressed payloads (%s)', (_name, codec) => {
    const seedPayload = zlib.deflateRawSync(Buffer.from('wamp '.repeat(500)), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          fc.array(mutation, { maxLength: 6 }).map((m) => mutate(seedPayload, m)),
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (payload, pieces, text) => {
          const { conn, rec } = openEngine(role, codec);
          const size = Math.ceil(payload.length / pieces) || 1;
          const frames: Uint8Array[] = [];
          for (let i = 0; i < pieces; i++) {
            frames.push(
              frame({
                opcode: i === 0 ? (text ? 1 : 2) : 0,
                rsv1: i === 0,
                fin: i === pieces - 1,
                payload: payload.subarray(i * size, (i + 1) * size),
                mask: role === 'server',
              }),
            );
          }
          feedAndCheck(conn, rec, frames);
        },
      ),
      { numRuns: RUNS, seed: 0x1004 },
    );
  });

  it('after a failure the engine wrote a valid Close frame and nothing after it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 500 }), (bytes) => {
        const { conn, rec } = openEngine(role, false);
        conn.receiveData(bytes);
        if (rec.closedInfo?.error) {
          const frames = decodeFrames(rec.take());
          const closes = frames.filter((f) => f.opcode === 8);
          expect(closes.length).toBe(1);
          expect(frames.at(-1)!.opcode).toBe(8);
          expect(frames.every((f) => f.masked === (role === 'client'))).toBe(true);
          expect(closes[0]!.payload.length).toBeLessThanOrEqual(125);
        }
      }),
      { numRuns: RUNS, seed: 0x1005 },
    );
  });
});

describe('fuzz: opening handshake', () => {
  const validRequest = clientRequest({
    'Sec-WebSocket-Protocol': 'wamp.2.json, wamp.2.cbor',
    'Sec-WebSocket-Extensions':
      'permessage-deflate; client_max_window_bits; server_max_window_bits=10',
    Origin: 'https://example.com',
  });

  it('server: random and mutated requests end in a 101 or an HTTP error, typed', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.array(mutation, { minLength: 1, maxLength: 6 }).map((m) => mutate(validRequest, m)),
        ),
        fc.array(fc.nat(), { maxLength: 5 }),
        (bytes, cuts) => {
          const rec = new Recorder();
          const conn = new WebSocketConnection('server', rec, {
            ...LIMITS,
            deflate: true,
            protocols: ['wamp.2.json'],
          });
          feedAndCheck(conn, rec, split(bytes, cuts));
          const out = rec.takeText();
          if (conn.state === 'open') expect(out.startsWith('HTTP/1.1 101 ')).toBe(true);
          else if (conn.state === 'closed') {
            expect(rec.closedInfo?.error).toBeInstanceOf(HandshakeError);
            expect(out).toMatch(/^HTTP\/1\.1 (400|405|426|431) /);
          } else expect(out).toBe('');
        },
      ),
      { numRuns: RUNS * 2, seed: 0x2001 },
    );
  });

  it('client: random and mutated responses never open with a wrong accept value', () => {
    fc.assert(
      fc.property(
        fc.array(mutation, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (mutations, cuts) => {
          const rec = new Recorder();
          const conn = new WebSocketConnection('client', rec, {
            ...LIMITS,
            deflate: true,
            protocols: [],
          });
          conn.initiate({ host: 'h', protocols: ['wamp.2.json'] });
          const key = /Sec-WebSocket-Key: (\S+)/.exec(rec.takeText())![1]!;
          const response = new Uint8Array(
            Buffer.from(
              `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\nSec-WebSocket-Protocol: wamp.2.json\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=12\r\n\r\n`,
            ),
          );
          const bytes = mutate(response, mutations);
          feedAndCheck(conn, rec, split(bytes, cuts));
          if (conn.state === 'open') {
            expect(rec.opened?.headers.get('sec-websocket-accept')).toBe(acceptKey(key));
            expect(['', 'wamp.2.json']).toContain(rec.opened?.protocol);
          }
          if (conn.state === 'closed') expect(rec.closedInfo?.error).toBeInstanceOf(HandshakeError);
          // The client never writes anything in answer to a response.
          expect(rec.out.length).toBe(0);
        },
      ),
      { numRuns: RUNS * 2, seed: 0x2002 },
    );
  });
});

describe('fuzz over real sockets', () => {
  const SOCKET_RUNS = 25;

  it('our server: random bytes after a valid request end in a typed error or a clean close', async () => {
    const server = new WebSocketServer({ ...LIMITS, deflate: true, closeTimeout: 200 });
    const port = await server.listen(0);
    const closes: Array<Promise<{ info: unknown; ws: NodeWebSocket }>> = [];
    server.on('connection', (ws) => {
      ws.on('error', () => {});
      closes.push(ws.closed().then((info) => ({ info, ws })));
    });
    const samples = fc.sample(
      fc.tuple(
        fc.array(outgoing, { maxLength: 4 }),
        fc.array(mutation, { maxLength: 4 }),
        fc.uint8Array({ maxLength: 200 }),
      ),
      { numRuns: SOCKET_RUNS, seed: 0x3001 },
    );
    for (const [script, mutations, tail] of samples) {
      const sock = net.connect(port, '127.0.0.1');
      await once(sock, 'connect');
      sock.on('error', () => {});
      const bytes = Buffer.concat([
        clientRequest({
          'Sec-WebSocket-Extensions': 'permessage-deflate; client_no_context_takeover',
        }),
        mutate(validStream('client', true, script), mutations),
        tail,
      ]);
      sock.write(bytes);
      sock.end();
      sock.resume(); // read (and drop) the answer so the server's FIN is seen
      await once(sock, 'close');
    }
    const results = await Promise.all(closes);
    expect(results.length).toBe(SOCKET_RUNS);
    for (const { info } of results) {
      const i = info as { error?: unknown; wasClean: boolean; code: number };
      if (i.error !== undefined) {
        expect(i.error).toBeInstanceOf(WebSocketError);
        expect(i.error).not.toBeInstanceOf(InternalError);
      } else expect(i.wasClean).toBe(true);
    }
    await server.close();
  });

  it('our client: random bytes after a valid response end in a typed error or a clean close', async () => {
    const samples = fc.sample(
      fc.tuple(
        fc.array(outgoing, { maxLength: 4 }),
        fc.array(mutation, { maxLength: 4 }),
        fc.uint8Array({ maxLength: 200 }),
      ),
      { numRuns: SOCKET_RUNS, seed: 0x3002 },
    );
    let index = 0;
    const raw = net.createServer((sock) => {
      const [script, mutations, tail] = samples[index++]!;
      sock.on('error', () => {});
      let head = '';
      sock.on('data', (d: Buffer) => {
        if (head.includes('\r\n\r\n')) return;
        head += d.toString('latin1');
        const key = /Sec-WebSocket-Key: (\S+)/i.exec(head)?.[1];
        if (!head.includes('\r\n\r\n') || !key) return;
        sock.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
        );
        sock.end(Buffer.concat([mutate(validStream('server', false, script), mutations), tail]));
      });
    });
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    const port = (raw.address() as net.AddressInfo).port;
    for (let i = 0; i < SOCKET_RUNS; i++) {
      const ws = await connect(`ws://127.0.0.1:${port}/`, { ...LIMITS, closeTimeout: 200 });
      ws.on('error', () => {});
      const info = await ws.closed();
      if (info.error !== undefined) {
        expect(info.error).toBeInstanceOf(WebSocketError);
        expect(info.error).not.toBeInstanceOf(InternalError);
      } else expect(info.wasClean).toBe(true);
    }
    await new Promise((r) => raw.close(r));
  });
});
