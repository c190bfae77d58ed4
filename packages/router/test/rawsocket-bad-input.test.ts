/**
 * The router's RawSocket listener against a raw TCP peer sending chosen bytes (spec
 * advanced/transport_rawsocket.md): not-RawSocket and illegal handshakes are failed without a
 * reply, refusals get the spec's error reply (1 serializer unsupported, 2 maximum message length
 * unacceptable, 3 reserved bits, 4 connection count), bad and over-length frames drop the
 * connection, PINGs are answered, keepalive drops silent peers, and through all of it the
 * router keeps serving Autobahn|JS over RawSocket.
 */
import net from 'node:net';
import tls from 'node:tls';
import { encodeFrame, encodeFrameHeader, FrameReader, FrameType } from '@wampkit/framing/rawsocket';
import { createJsonSerializer } from '@wampkit/serializers';
import autobahn from 'autobahn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts } from '../../transport-rawsocket/test/certs.js';
import { type StartedRouter, startRouter } from '../src/index.js';
import type { RawSocketListener } from '../src/transports/rawsocket.js';

/** A raw TCP peer: everything it received, and when the router closed it. */
class RawPeer {
  received: number[] = [];
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];
  readonly socket: net.Socket;

  constructor(port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.on('error', () => {});
    this.socket.on('data', (chunk) => {
      this.received.push(...chunk);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  send(...bytes: (number[] | Uint8Array)[]): void {
    for (const b of bytes) this.socket.write(Uint8Array.from(b));
  }

  /** Waits for at least n received bytes (or the close). */
  async bytes(n: number): Promise<number[]> {
    while (this.received.length < n && !this.socket.destroyed) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.received.slice(0, n);
  }

  /** Frames after the 4-octet handshake reply (once closed). */
  frames(): { type: number; text: string }[] {
    const reader = new FrameReader(2 ** 24);
    reader.push(Uint8Array.from(this.received.slice(4)));
    const out: { type: number; text: string }[] = [];
    for (let f = reader.next(); f !== null; f = reader.next()) {
      out.push({ type: f.type, text: new TextDecoder().decode(f.payload) });
    }
    return out;
  }
}

const json = createJsonSerializer();
const hello = () =>
  encodeFrame(
    FrameType.Message,
    new TextEncoder().encode(
      json.serialize({
        type: 'HELLO',
        realm: 'realm1',
        details: { roles: { caller: {} } },
      }) as string,
    ),
  );

let r: StartedRouter;
let port: number;
let small: RawSocketListener;
let strict: RawSocketListener;
let pinging: RawSocketListener;
let impatient: RawSocketListener;
const logs: string[] = [];

beforeAll(async () => {
  r = await startRouter({
    rawsocket: true,
    maxMessageBytes: 4096,
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  port = r.rawsocket?.port ?? 0;
  small = await r.router.listenRawSocket({ maxConnections: 1 });
  strict = await r.router.listenRawSocket({ minClientMaxLength: 65536 });
  pinging = await r.router.listenRawSocket({ pingInterval: 20, pingTimeout: 100 });
  impatient = await r.router.listenRawSocket({ handshakeTimeout: 100 });
});

afterAll(async () => {
  await r?.close();
});

describe('handshake', () => {
  it('fails an HTTP request (first octet not 0x7F) without a reply', async () => {
    const p = new RawPeer(port);
    p.send([...new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]);
    await p.closed;
    expect(p.received).toEqual([]);
  });

  it('fails the illegal serializer value 0 without a reply', async () => {
    const p = new RawPeer(port);
    p.send([0x7f, 0xf0, 0, 0]);
    await p.closed;
    expect(p.received).toEqual([]);
  });

  it.each([
    ['an unknown serializer (7)', [0x7f, 0xf7, 0, 0], 0x10],
    ['a reserved serializer (15)', [0x7f, 0xff, 0, 0], 0x10],
    ['non-zero reserved octets', [0x7f, 0xf1, 0xff, 0xff], 0x30],
  ])('answers %s with its error reply and closes', async (_what, request, octet2) => {
    const p = new RawPeer(port);
    p.send(request);
    await p.closed;
    expect(p.received).toEqual([0x7f, octet2, 0, 0]);
  });

  it('refuses a client limit below minClientMaxLength with error 2', async () => {
    const p = new RawPeer(strict.port);
    p.send([0x7f, (6 << 4) | 1, 0, 0]); // accepts 32 KiB
    await p.closed;
    expect(p.received).toEqual([0x7f, 0x20, 0, 0]);
    const ok = new RawPeer(strict.port);
    ok.send([0x7f, (7 << 4) | 1, 0, 0]); // 64 KiB
    expect(await ok.bytes(4)).toEqual([0x7f, (3 << 4) | 1, 0, 0]);
    ok.socket.end();
  });

  it('refuses connections beyond maxConnections with error 4, and counts closes', async () => {
    const first = new RawPeer(small.port);
    first.send([0x7f, 0xf2, 0, 0]);
    // The router announces 4096 octets (exponent 3) and echoes msgpack.
    expect(await first.bytes(4)).toEqual([0x7f, (3 << 4) | 2, 0, 0]);
    const second = new RawPeer(small.port);
    second.send([0x7f, 0xf2, 0, 0]);
    await second.closed;
    expect(second.received).toEqual([0x7f, 0x40, 0, 0]);
    first.socket.end();
    await first.closed;
    while (small.connectionCount > 0) await new Promise((res) => setTimeout(res, 5));
    const third = new RawPeer(small.port);
    third.send([0x7f, 0xf2, 0, 0]);
    expect(await third.bytes(4)).toEqual([0x7f, 0x32, 0, 0]);
    third.socket.end();
  });

  it('handles a handshake split into single octets and followed by data in one chunk', async () => {
    const p = new RawPeer(port);
    for (const b of [0x7f, 0xf1, 0]) {
      p.send([b]);
      await new Promise((res) => setTimeout(res, 5));
    }
    p.send([0, ...hello()]);
    await p.bytes(8);
    while (p.frames().length === 0) await p.bytes(p.received.length + 1);
    expect(JSON.parse(p.frames()[0]?.text ?? 'null')[0]).toBe(2); // WELCOME
    p.socket.end();
  });

  it('drops a peer that sends no handshake within handshakeTimeout', async () => {
    const p = new RawPeer(impatient.port);
    p.send([0x7f]);
    await p.closed;
    expect(p.received).toEqual([]);
  });
});

describe('frames', () => {
  /** A peer past the handshake (JSON), joined to realm1. */
  async function joined(): Promise<RawPeer> {
    const p = new RawPeer(port);
    p.send([0x7f, 0xf1, 0, 0], hello());
    await p.bytes(8);
    while (p.frames().length === 0) await p.bytes(p.received.length + 1);
    return p;
  }

  it('drops a peer that sends a frame longer than the announced 4096 octets', async () => {
    const p = await joined();
    p.send(encodeFrameHeader(FrameType.Message, 4097), new Uint8Array(100));
    await p.closed;
    expect(logs.some((l) => /4097 octets exceeds the negotiated maximum of 4096/.test(l))).toBe(
      true,
    );
  });

  it.each([
    ['reserved bits', [0x10, 0, 0, 2, 0x5b, 0x5d]],
    ['reserved message type 5', [0x05, 0, 0, 2, 0x5b, 0x5d]],
    ['the 25th length bit with length bits', [0x08, 0, 0, 1, 0x5b]],
  ])('drops a peer that sends a frame with %s', async (_what, frame) => {
    const p = await joined();
    p.send(frame);
    await p.closed;
  });

  it('answers a malformed WAMP message with ABORT and closes', async () => {
    const p = await joined();
    p.send(encodeFrame(FrameType.Message, new TextEncoder().encode('[not json')));
    await p.closed;
    const last = JSON.parse(p.frames().at(-1)?.text ?? 'null');
    expect(last[0]).toBe(3); // ABORT
    expect(last[2]).toBe('wamp.error.protocol_violation');
  });

  it('answers each PING with a PONG echoing its payload', async () => {
    const p = new RawPeer(port);
    p.send([0x7f, 0xf1, 0, 0], encodeFrame(FrameType.Ping, Uint8Array.of(1, 2, 0xff)));
    expect(await p.bytes(11)).toEqual([0x7f, 0x31, 0, 0, 0x02, 0, 0, 3, 1, 2, 0xff]);
    p.socket.end();
  });

  it('PINGs with pingInterval and drops a peer that never answers', async () => {
    const p = new RawPeer(pinging.port);
    p.send([0x7f, 0xf1, 0, 0]);
    await p.closed;
    const frames = p.frames();
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.type === FrameType.Ping)).toBe(true);
    expect(logs.some((l) => /no PONG within 100 ms/.test(l))).toBe(true);
  });
});

describe('after all that', () => {
  it('still serves Autobahn|JS over RawSocket', async () => {
    const connection = new autobahn.Connection({
      realm: 'realm1',
      transports: [{ type: 'rawsocket', host: '127.0.0.1', port }],
      max_retries: 0,
    });
    // biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS ships no types.
    const session: any = await new Promise((resolve, reject) => {
      connection.onopen = resolve;
      connection.onclose = (reason: string) => reject(new Error(reason));
      connection.open();
    });
    await session.register('bad.input.ok', () => 'fine');
    expect(await session.call('bad.input.ok')).toBe('fine');
    connection.onclose = () => true;
    connection.close();
  });
});

describe('shutdown', () => {
  it('says GOODBYE over TLS RawSocket and drops a peer stuck before its TLS handshake', async () => {
    const certs = makeTestCerts();
    const router = await startRouter({
      rawsocket: { tls: { cert: certs.serverCert, key: certs.serverKey } },
    });
    try {
      const rsPort = router.rawsocket?.port ?? 0;
      const stuck = net.connect({ host: '127.0.0.1', port: rsPort });
      stuck.on('error', () => {});
      const stuckClosed = new Promise((resolve) => stuck.once('close', resolve));
      const secure = tls.connect({ host: '127.0.0.1', port: rsPort, ca: certs.ca });
      const received: number[] = [];
      secure.on('data', (chunk) => received.push(...chunk));
      const secureClosed = new Promise((resolve) => secure.once('close', resolve));
      secure.write(Uint8Array.from([0x7f, 0xf1, 0, 0]));
      secure.write(hello());
      // Wait for the whole WELCOME frame (handshake reply + 4-octet prefix + payload).
      const frameEnd = () =>
        received.length < 8
          ? Infinity
          : 8 + ((received[5]! << 16) | (received[6]! << 8) | received[7]!);
      while (received.length < frameEnd()) {
        await new Promise((res) => secure.once('data', res));
      }
      await router.close();
      await Promise.all([stuckClosed, secureClosed]);
      const reader = new FrameReader(2 ** 24);
      reader.push(Uint8Array.from(received.slice(4)));
      const messages: unknown[][] = [];
      for (let f = reader.next(); f !== null; f = reader.next()) {
        messages.push(JSON.parse(new TextDecoder().decode(f.payload)));
      }
      expect(messages.map((m) => m[0])).toEqual([2, 6]); // WELCOME, GOODBYE
      expect(messages[1]?.[2]).toBe('wamp.close.system_shutdown');
    } finally {
      await router.close();
      certs.cleanup();
    }
  });
});
