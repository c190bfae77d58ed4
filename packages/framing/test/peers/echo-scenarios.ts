/**
 * The interop scenarios, run against every peer/direction/deflate combination: text, binary,
 * empty, Unicode, fragmented (both ways), pipelined, compressed (checked on the wire), large
 * (16 MiB), ping/pong, and the closing handshake started by either side.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeflateMode, EchoSession } from './echo-peers.js';
import { digest } from './sansio.js';

export interface EchoSuiteOptions {
  deflate: DeflateMode;
  /** The peer echoes messages above this size fragmented into frames of this size. */
  fragmentEcho: number;
  /** Run the 16 MiB case (slow with a pure-Python peer). */
  large: boolean;
  /**
   * Whether our messages go out smaller. False for fflate when the peer keeps its inflater
   * (no client_no_context_takeover in its response): fflate then sends stored blocks.
   */
  weCompress?: boolean;
  start: () => Promise<EchoSession>;
}

const compressible = (n: number) => {
  const words = ['wamp', 'publish', 'subscribe', 'call', 'register', 'yield', 'event', 'result'];
  let s = '';
  let i = 0;
  while (s.length < n) s += `${words[i++ % words.length]}:${i % 1000} `;
  return s.slice(0, n);
};

export function echoSuite(opts: EchoSuiteOptions): void {
  let session: EchoSession;
  const echo = async (data: string | Uint8Array, binary = typeof data !== 'string') => {
    session.inbox.ws.send(data, { binary });
    const m = await session.inbox.next();
    expect(m.binary).toBe(binary);
    return m.data;
  };

  beforeAll(async () => {
    session = await opts.start();
  });
  afterAll(async () => {
    await session?.dispose();
  });

  it('negotiates the subprotocol and permessage-deflate as configured', async () => {
    const ws = session.inbox.ws;
    expect(ws.protocol).toBe('wamp.2.json');
    if (opts.deflate === 'off') expect(ws.extensions).toBe('');
    else expect(ws.extensions).toMatch(/^permessage-deflate/);
    if (session.peerStats) {
      const stats = await session.peerStats();
      expect(stats.protocol).toBe('wamp.2.json');
      expect(stats.extensions.length).toBe(opts.deflate === 'off' ? 0 : 1);
    }
  });

  it('echoes text, binary, empty and Unicode messages', async () => {
    expect(await echo('hello')).toBe('hello');
    expect(await echo('')).toBe('');
    expect(Buffer.from(await echo(new Uint8Array(0)))).toEqual(Buffer.alloc(0));
    expect(Buffer.from(await echo(new Uint8Array([0, 1, 2, 255])))).toEqual(
      Buffer.from([0, 1, 2, 255]),
    );
    const unicode = 'Grüße, 世界 — 😀 \u0000 \uffff';
    expect(await echo(unicode)).toBe(unicode);
    // Text sent as binary and bytes sent as text (valid UTF-8) keep their type.
    expect(Buffer.from(await echo('as binary', true)).toString()).toBe('as binary');
    expect(await echo(new TextEncoder().encode('as text'), false)).toBe('as text');
  });

  it('echoes messages of every frame-length form', async () => {
    for (const n of [125, 126, 127, 65535, 65536, 65537, 200_000]) {
      const data = randomBytes(n);
      expect(digest(await echo(data))).toBe(digest(data));
    }
  });

  it('sends a fragmented message with control frames in between', async () => {
    const ws = session.inbox.ws;
    const pongsBefore = session.inbox.pongs.length;
    ws.sendFragment('frag', false);
    ws.ping('between');
    ws.sendFragment('mented ', false);
    ws.sendFragment('€', false);
    ws.sendFragment(' message', true);
    expect((await session.inbox.next()).data).toBe('fragmented € message');
    expect(session.inbox.pongs.length).toBe(pongsBefore + 1);
    expect(Buffer.from(session.inbox.pongs.at(-1)!).toString()).toBe('between');
    const parts = [randomBytes(100_000), randomBytes(1), randomBytes(70_000)];
    for (const [i, p] of parts.entries()) ws.sendFragment(p, i === parts.length - 1, true);
    const m = await session.inbox.next();
    expect(m.binary).toBe(true);
    expect(digest(m.data)).toBe(digest(Buffer.concat(parts)));
  });

  it(`receives echoes larger than ${opts.fragmentEcho} bytes fragmented by the peer`, async () => {
    const text = compressible(300_000);
    expect(await echo(text)).toBe(text);
    const bin = randomBytes(300_000);
    expect(digest(await echo(bin))).toBe(digest(bin));
  });

  it('keeps order over 200 pipelined messages', async () => {
    const ws = session.inbox.ws;
    const sent: string[] = [];
    for (let i = 0; i < 200; i++) {
      const m = `${i}:${compressible(i * 13)}`;
      sent.push(m);
      ws.send(m);
    }
    const got: string[] = [];
    for (let i = 0; i < 200; i++) got.push((await session.inbox.next()).data as string);
    expect(got).toEqual(sent);
  });

  it(
    opts.deflate === 'off'
      ? 'sends compressible data uncompressed'
      : 'compresses in both directions (bytes on the wire), across messages',
    async () => {
      const before = session.inbox.wire();
      const messages = Array.from({ length: 8 }, (_, i) => compressible(128 * 1024 + i));
      for (const m of messages) expect(await echo(m)).toBe(m);
      const after = session.inbox.wire();
      const written = after.written - before.written;
      const read = after.read - before.read;
      const total = messages.reduce((n, m) => n + m.length, 0);
      if (opts.deflate === 'off') {
        expect(written).toBeGreaterThan(total);
        expect(read).toBeGreaterThan(total);
      } else {
        if (opts.weCompress === false) expect(written).toBeGreaterThan(total);
        else expect(written).toBeLessThan(total / 4);
        expect(read).toBeLessThan(total / 4);
      }
      if (session.peerStats) {
        const stats = await session.peerStats();
        if (opts.deflate === 'off') expect(stats.compressed).toBe(0);
        else expect(stats.compressed).toBeGreaterThanOrEqual(messages.length);
      }
    },
  );

  it('echoes incompressible data with compression negotiated', async () => {
    const data = randomBytes(1 << 20);
    expect(digest(await echo(data))).toBe(digest(data));
  });

  it.runIf(opts.large)('echoes a 16 MiB binary message', async () => {
    const data = randomBytes(16 * 1024 * 1024);
    expect(digest(await echo(data))).toBe(digest(data));
  });

  it.runIf(opts.large)('echoes a 16 MiB compressible text message', async () => {
    const data = compressible(16 * 1024 * 1024);
    expect(digest(await echo(data))).toBe(digest(data));
  });

  it('answers pings', async () => {
    const before = session.inbox.pongs.length;
    session.inbox.ws.ping('are you there');
    expect(await echo('sync')).toBe('sync');
    expect(session.inbox.pongs.length).toBe(before + 1);
  });

  it('completes a closing handshake we start, with code and reason', async () => {
    const ws = session.inbox.ws;
    ws.close(1000, 'done');
    const info = await ws.closed();
    // Our info holds the peer's answer: the code echoed (§5.5.1); the reason is the peer's.
    expect(info).toMatchObject({ code: 1000, wasClean: true });
    expect(info.error).toBeUndefined();
    const peer = await session.peerClosed();
    expect(peer.code).toBe(1000);
    if (session.peerRole === 'client' || session.peerStats === undefined)
      expect(peer.reason).toBe('done');
    expect(peer.wasClean).toBe(true);
  });
}

/** A separate connection where the peer starts the closing handshake. */
export function peerCloseSuite(start: () => Promise<EchoSession>): void {
  it('completes a closing handshake the peer starts (4000 "bye")', async () => {
    const session = await start();
    try {
      expect(
        await (async () => {
          session.inbox.ws.send('before close');
          return (await session.inbox.next()).data;
        })(),
      ).toBe('before close');
      session.peerClose();
      const info = await session.inbox.ws.closed();
      expect(info).toMatchObject({ code: 4000, reason: 'bye', wasClean: true });
      const peer = await session.peerClosed();
      expect(peer.wasClean).toBe(true);
    } finally {
      await session.dispose();
    }
  });
}

export { describe };
