/**
 * Data transfer on the sans-IO engine (RFC 6455 §5-§7): masking rules, size limits, the closing
 * handshake with its codes and reasons, control frames interleaved with fragmented messages,
 * fragmented sending, and header checks (reserved bits and opcodes, length encodings).
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidPayloadError,
  InvalidStateError,
  MessageTooBigError,
  Opcode,
  ProtocolError,
  WebSocketConnection,
  type WebSocketError,
} from '../src/index.js';
import {
  clientRequest,
  closePayload,
  decodeFrames,
  frame,
  openPair,
  Recorder,
} from './peers/sansio.js';

/** An open server-role engine (the client side is hand-crafted frames). */
function openServer(opts: ConstructorParameters<typeof WebSocketConnection>[2] = {}) {
  const rec = new Recorder();
  const conn = new WebSocketConnection('server', rec, opts);
  conn.receiveData(clientRequest());
  rec.take();
  expect(conn.state).toBe('open');
  return { rec, conn };
}

/** An open client-role engine (the server side is hand-crafted frames). */
function openClient(opts: ConstructorParameters<typeof WebSocketConnection>[2] = {}) {
  const { client, c } = openPair(opts, {});
  c.take();
  return { rec: c, conn: client };
}

function expectFailed(rec: Recorder, code: number, type: new (...args: never[]) => WebSocketError) {
  expect(rec.closedInfo).not.toBeNull();
  expect(rec.closedInfo!.code).toBe(code);
  expect(rec.closedInfo!.wasClean).toBe(false);
  expect(rec.closedInfo!.error).toBeInstanceOf(type);
  expect(rec.closedCount).toBe(1);
  // §7.1.7: a Close frame carrying the code was sent (when the connection was open).
  const frames = decodeFrames(rec.take());
  const close = frames.find((f) => f.opcode === Opcode.Close);
  expect(close).toBeDefined();
  expect((close!.payload[0]! << 8) | close!.payload[1]!).toBe(code);
}

describe('masking (§5.1, §5.3)', () => {
  it('the server fails on an unmasked client frame with 1002', () => {
    const { rec, conn } = openServer();
    conn.receiveData(frame({ opcode: 1, payload: 'hi' }));
    expectFailed(rec, 1002, ProtocolError);
    expect(rec.messages).toHaveLength(0);
    expect(conn.state).toBe('closed');
  });

  it('the client fails on a masked server frame with 1002', () => {
    const { rec, conn } = openClient();
    conn.receiveData(frame({ opcode: 1, payload: 'hi', mask: true }));
    expectFailed(rec, 1002, ProtocolError);
  });

  it('the client masks every frame with a fresh key; the server never masks', () => {
    const { client, server, c, s } = openPair();
    for (let i = 0; i < 8; i++) client.send('same text');
    const frames = decodeFrames(c.take());
    expect(frames.every((f) => f.masked)).toBe(true);
    expect(frames.map((f) => new TextDecoder().decode(f.payload))).toEqual(
      Array(8).fill('same text'),
    );
    const raw = new Set<string>();
    for (let i = 0; i < 8; i++) {
      client.send('same text');
      raw.add(Buffer.from(c.take()).toString('hex'));
    }
    expect(raw.size).toBeGreaterThan(1);
    server.send('reply');
    expect(decodeFrames(s.take()).every((f) => !f.masked)).toBe(true);
  });

  it('masked payloads of every length round-trip (both length forms, odd offsets)', () => {
    const { client, server, c, s } = openPair();
    for (const n of [0, 1, 3, 4, 5, 125, 126, 127, 65535, 65536, 70001]) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
      client.send(data);
      server.receiveData(c.take());
      expect(s.messages.at(-1)?.data).toEqual(data);
    }
  });
});

describe('limits → 1009', () => {
  it('a frame header announcing more than maxFrameSize fails before any payload arrives', () => {
    const { rec, conn } = openServer({ maxFrameSize: 1000 });
    conn.receiveData(frame({ opcode: 2, declaredLength: 1001, mask: true }).subarray(0, 8));
    expectFailed(rec, 1009, MessageTooBigError);
    expect((rec.closedInfo!.error as MessageTooBigError).limit).toBe(1000);
  });

  it('a frame of exactly maxFrameSize passes', () => {
    const { rec, conn } = openServer({ maxFrameSize: 1000 });
    conn.receiveData(frame({ opcode: 2, payload: new Uint8Array(1000), mask: true }));
    expect(rec.messages).toHaveLength(1);
    expect(conn.state).toBe('open');
  });

  it('a fragmented message growing past maxMessageSize fails at the fragment that crosses it', () => {
    const { rec, conn } = openServer({ maxMessageSize: 1000, maxFrameSize: 600 });
    conn.receiveData(frame({ opcode: 2, fin: false, payload: new Uint8Array(600), mask: true }));
    expect(conn.state).toBe('open');
    conn.receiveData(frame({ opcode: 0, fin: false, payload: new Uint8Array(400), mask: true }));
    expect(conn.state).toBe('open');
    conn.receiveData(
      frame({ opcode: 0, fin: true, payload: new Uint8Array(1), mask: true }).subarray(0, 6),
    );
    expectFailed(rec, 1009, MessageTooBigError);
    expect(rec.messages).toHaveLength(0);
  });

  it('the client enforces its limits too', () => {
    const { rec, conn } = openClient({ maxMessageSize: 100 });
    conn.receiveData(frame({ opcode: 1, payload: 'x'.repeat(101) }));
    expectFailed(rec, 1009, MessageTooBigError);
  });

  it('a 64-bit length with the most significant bit set → 1002', () => {
    const { rec, conn } = openServer();
    const f = frame({ opcode: 2, declaredLength: 0, lengthForm: 64, mask: true });
    f[2] = 0x80;
    conn.receiveData(f);
    expectFailed(rec, 1002, ProtocolError);
  });

  it('a huge 64-bit length is refused by the limit without allocating', () => {
    const { rec, conn } = openServer();
    conn.receiveData(frame({ opcode: 2, declaredLength: 2 ** 40, lengthForm: 64, mask: true }));
    expectFailed(rec, 1009, MessageTooBigError);
  });

  it('non-minimal length encodings are accepted (§5.2 leaves minimality to the sender)', () => {
    const { rec, conn } = openServer();
    conn.receiveData(frame({ opcode: 1, payload: 'abc', lengthForm: 16, mask: true }));
    conn.receiveData(frame({ opcode: 1, payload: 'def', lengthForm: 64, mask: true }));
    expect(rec.messages.map((m) => m.data)).toEqual(['abc', 'def']);
  });

  it('rejects invalid limit options', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(
        () => new WebSocketConnection('server', new Recorder(), { maxMessageSize: bad }),
      ).toThrow(RangeError);
    }
  });
});

describe('frame header checks (§5.2, §5.5)', () => {
  const bad: Array<[string, Uint8Array, number]> = [
    ['RSV1 without an extension', frame({ opcode: 1, rsv1: true, payload: 'x', mask: true }), 1002],
    ['RSV2', frame({ opcode: 1, rsv2: true, payload: 'x', mask: true }), 1002],
    ['RSV3', frame({ opcode: 1, rsv3: true, payload: 'x', mask: true }), 1002],
    ['reserved data opcode 3', frame({ opcode: 3, mask: true }), 1002],
    ['reserved data opcode 7', frame({ opcode: 7, mask: true }), 1002],
    ['reserved control opcode 0xb', frame({ opcode: 0xb, mask: true }), 1002],
    ['reserved control opcode 0xf', frame({ opcode: 0xf, mask: true }), 1002],
    ['a fragmented ping', frame({ opcode: 9, fin: false, mask: true }), 1002],
    ['a ping of 126 bytes', frame({ opcode: 9, payload: new Uint8Array(126), mask: true }), 1002],
    ['a continuation without a message', frame({ opcode: 0, payload: 'x', mask: true }), 1002],
    [
      'invalid UTF-8 text',
      frame({ opcode: 1, payload: new Uint8Array([0xc3, 0x28]), mask: true }),
      1007,
    ],
    [
      'a UTF-16 surrogate in text',
      frame({ opcode: 1, payload: new Uint8Array([0xed, 0xa0, 0x80]), mask: true }),
      1007,
    ],
    [
      'text ending inside a sequence',
      frame({ opcode: 1, payload: new Uint8Array([0xe2, 0x82]), mask: true }),
      1007,
    ],
  ];
  it.each(bad)('%s → %i', (_name, bytes, code) => {
    const { rec, conn } = openServer();
    conn.receiveData(bytes);
    expectFailed(rec, code, code === 1007 ? InvalidPayloadError : ProtocolError);
  });

  it('a new data frame in the middle of a fragmented message → 1002', () => {
    const { rec, conn } = openServer();
    conn.receiveData(frame({ opcode: 1, fin: false, payload: 'a', mask: true }));
    conn.receiveData(frame({ opcode: 1, payload: 'b', mask: true }));
    expectFailed(rec, 1002, ProtocolError);
  });

  it('invalid UTF-8 fails fast, before the rest of a large frame arrives (§8.1)', () => {
    const { rec, conn } = openServer();
    const payload = new Uint8Array(100_000).fill(0x61);
    payload[10] = 0xff;
    const f = frame({ opcode: 1, payload, mask: true });
    conn.receiveData(f.subarray(0, 5000));
    expect(conn.state).toBe('closed');
    expect(rec.closedInfo!.code).toBe(1007);
  });

  it('a UTF-8 sequence split across fragments and reads is valid', () => {
    const { rec, conn } = openServer();
    const euro = new Uint8Array([0xe2, 0x82, 0xac]);
    const f1 = frame({ opcode: 1, fin: false, payload: euro.subarray(0, 1), mask: true });
    const f2 = frame({ opcode: 0, fin: true, payload: euro.subarray(1), mask: true });
    for (const b of [...f1, ...f2]) conn.receiveData(new Uint8Array([b]));
    expect(rec.messages).toEqual([{ data: '€', binary: false }]);
  });
});

describe('closing handshake (§5.5.1, §7)', () => {
  it('a client-initiated close with code and reason completes cleanly on both sides', () => {
    const { client, server, c, s, pump } = openPair();
    client.close(4001, 'bye now');
    expect(client.state).toBe('closing');
    expect(() => client.send('late')).toThrow(InvalidStateError);
    pump();
    expect(s.closings).toEqual([{ code: 4001, reason: 'bye now' }]);
    expect(s.closedInfo).toEqual({ code: 4001, reason: 'bye now', wasClean: true });
    expect(c.closedInfo).toMatchObject({ code: 4001, wasClean: true });
    expect(client.state).toBe('closed');
    expect(server.state).toBe('closed');
  });

  it('close() without a code sends an empty Close; the peer sees 1005', () => {
    const { client, s, c, pump } = openPair();
    client.close(null);
    pump();
    expect(s.closedInfo).toMatchObject({ code: 1005, reason: '', wasClean: true });
    expect(c.closedInfo).toMatchObject({ code: 1005, wasClean: true });
  });

  it('the answering side echoes the code (§5.5.1)', () => {
    const { rec, conn } = openServer();
    conn.receiveData(frame({ opcode: 8, payload: closePayload(1001, 'going'), mask: true }));
    const [reply] = decodeFrames(rec.take());
    expect(reply?.opcode).toBe(8);
    expect((reply!.payload[0]! << 8) | reply!.payload[1]!).toBe(1001);
    expect(rec.closedInfo).toMatchObject({ code: 1001, reason: 'going', wasClean: true });
  });

  it('messages that arrive after we sent Close are still delivered', () => {
    const { client, server, c, s } = openPair();
    server.close(1000);
    client.send('in flight');
    client.receiveData(s.take());
    server.receiveData(c.take());
    expect(s.messages).toEqual([{ data: 'in flight', binary: false }]);
    expect(s.closedInfo).toMatchObject({ code: 1000, wasClean: true });
  });

  it.each([
    0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535,
  ])('a received close code %i is invalid → 1002', (code) => {
    const { rec, conn } = openServer();
    conn.receiveData(frame({ opcode: 8, payload: closePayload(code), mask: true }));
    expectFailed(rec, 1002, ProtocolError);
  });

  it.each([
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999,
  ])('a received close code %i is valid', (code) => {
    const { rec, conn } = openServer();
    conn.receiveData(frame({ opcode: 8, payload: closePayload(code, 'r'), mask: true }));
    expect(rec.closedInfo).toMatchObject({ code, reason: 'r', wasClean: true });
  });

  it('a 1-byte close payload → 1002; an invalid UTF-8 reason → 1007', () => {
    const a = openServer();
    a.conn.receiveData(frame({ opcode: 8, payload: new Uint8Array([3]), mask: true }));
    expectFailed(a.rec, 1002, ProtocolError);
    const b = openServer();
    b.conn.receiveData(
      frame({ opcode: 8, payload: closePayload(1000, new Uint8Array([0xff, 0xfe])), mask: true }),
    );
    expectFailed(b.rec, 1007, InvalidPayloadError);
  });

  it('close() refuses unsendable codes and long reasons without changing state', () => {
    const { client, s, c, pump } = openPair();
    for (const code of [1004, 1005, 1006, 1015, 999, 5000]) {
      expect(() => client.close(code)).toThrow(RangeError);
    }
    expect(() => client.close(1000, 'é'.repeat(62))).toThrow(RangeError); // 124 bytes
    expect(() => client.close(null, 'reason without code')).toThrow(RangeError);
    expect(client.state).toBe('open');
    expect(c.out).toHaveLength(0);
    client.send('still open');
    client.close(1000, 'é'.repeat(61)); // 122 bytes + code: fits
    pump();
    expect(s.messages).toEqual([{ data: 'still open', binary: false }]);
    expect(s.closedInfo?.reason).toBe('é'.repeat(61));
  });

  it('close() twice sends one Close frame', () => {
    const { client, c } = openPair();
    client.close();
    client.close();
    expect(decodeFrames(c.take()).filter((f) => f.opcode === 8)).toHaveLength(1);
  });

  it('fail() sends the error code with a truncated reason and reports it', () => {
    const { client, c } = openPair();
    client.fail(new ProtocolError('x'.repeat(300)));
    const [close] = decodeFrames(c.take());
    expect(close!.payload.length).toBeLessThanOrEqual(125);
    expect((close!.payload[0]! << 8) | close!.payload[1]!).toBe(1002);
    expect(c.closedInfo).toMatchObject({ code: 1002, wasClean: false });
  });

  it('a transport loss reports 1006 exactly once', () => {
    const { client, c } = openPair();
    client.receiveData(null);
    client.receiveData(null);
    expect(c.closedInfo).toMatchObject({ code: 1006, wasClean: false });
    expect(c.closedCount).toBe(1);
    expect(client.state).toBe('closed');
  });

  it('data after the closing handshake is ignored', () => {
    const { client, server, s, pump } = openPair();
    client.close();
    pump();
    server.receiveData(frame({ opcode: 1, payload: 'zombie', mask: true }));
    expect(s.messages).toHaveLength(0);
    expect(s.closedCount).toBe(1);
  });
});

describe('control frames (§5.5.2, §5.5.3)', () => {
  it('ping/pong interleaved with a fragmented message', () => {
    const { rec, conn } = openServer();
    conn.receiveData(frame({ opcode: 1, fin: false, payload: 'Hel', mask: true }));
    conn.receiveData(frame({ opcode: 9, payload: 'p1', mask: true }));
    conn.receiveData(frame({ opcode: 0, fin: false, payload: 'lo, ', mask: true }));
    conn.receiveData(frame({ opcode: 10, payload: 'unsolicited', mask: true }));
    conn.receiveData(frame({ opcode: 9, payload: '', mask: true }));
    conn.receiveData(frame({ opcode: 0, fin: true, payload: 'world', mask: true }));
    expect(rec.messages).toEqual([{ data: 'Hello, world', binary: false }]);
    expect(rec.pings.map((p) => Buffer.from(p).toString())).toEqual(['p1', '']);
    expect(rec.pongs.map((p) => Buffer.from(p).toString())).toEqual(['unsolicited']);
    const pongs = decodeFrames(rec.take());
    expect(pongs.map((f) => [f.opcode, Buffer.from(f.payload).toString()])).toEqual([
      [10, 'p1'],
      [10, ''],
    ]);
  });

  it('a close in the middle of a fragmented message closes cleanly and drops the partial message', () => {
    const { rec, conn } = openServer();
    conn.receiveData(frame({ opcode: 2, fin: false, payload: new Uint8Array(10), mask: true }));
    conn.receiveData(frame({ opcode: 8, payload: closePayload(1000), mask: true }));
    expect(rec.messages).toHaveLength(0);
    expect(rec.closedInfo).toMatchObject({ code: 1000, wasClean: true });
  });

  it('autoPong: false leaves answering to the application', () => {
    const { rec, conn } = openServer({ autoPong: false });
    conn.receiveData(frame({ opcode: 9, payload: 'x', mask: true }));
    expect(rec.pings).toHaveLength(1);
    expect(rec.out).toHaveLength(0);
    conn.pong(rec.pings[0]);
    expect(decodeFrames(rec.take())).toMatchObject([{ opcode: 10 }]);
  });

  it('ping(), pong() with payloads up to 125 bytes; more is refused', () => {
    const { client, server, c, s } = openPair();
    client.ping('a'.repeat(125));
    server.receiveData(c.take());
    expect(s.pings[0]).toHaveLength(125);
    client.receiveData(s.take());
    expect(c.pongs[0]).toHaveLength(125);
    expect(() => client.ping('a'.repeat(126))).toThrow(RangeError);
    expect(() => client.pong(new Uint8Array(126))).toThrow(RangeError);
  });

  it('a ping payload handed to the application survives later reads', () => {
    const { rec, conn } = openServer({ autoPong: false });
    const bytes = frame({ opcode: 9, payload: 'keep', mask: true });
    conn.receiveData(bytes);
    bytes.fill(0);
    expect(Buffer.from(rec.pings[0]!).toString()).toBe('keep');
  });
});

describe('fragmented sending (§5.4)', () => {
  it('sendFragment builds one text message, with control frames in between', () => {
    const { client, server, c, s } = openPair();
    client.sendFragment('Hel', false);
    client.ping('mid');
    client.sendFragment('lo ', false);
    client.sendFragment('there', true);
    const frames = decodeFrames(c.take());
    expect(frames.map((f) => [f.opcode, f.fin])).toEqual([
      [1, false],
      [9, true],
      [0, false],
      [0, true],
    ]);
    server.receiveData(Buffer.from(concatFrames(frames, true)));
    expect(s.messages).toEqual([{ data: 'Hello there', binary: false }]);
    expect(s.pings).toHaveLength(1);
  });

  it('sendFragment binary, and send() is refused while a fragmented message is open', () => {
    const { client, server, c, s } = openPair();
    client.sendFragment(new Uint8Array([1]), false);
    expect(() => client.send('x')).toThrow(InvalidStateError);
    client.sendFragment(new Uint8Array([2, 3]), true);
    client.send('after');
    server.receiveData(c.take());
    expect(s.messages).toEqual([
      { data: new Uint8Array([1, 2, 3]), binary: true },
      { data: 'after', binary: false },
    ]);
  });

  it('a text message split inside a UTF-8 sequence by sendFragment arrives whole', () => {
    const { client, server, c, s } = openPair();
    const bytes = new TextEncoder().encode('añ€😀');
    for (let i = 0; i < bytes.length; i++)
      client.sendFragment(bytes.subarray(i, i + 1), i === bytes.length - 1, false);
    server.receiveData(c.take());
    expect(s.messages).toEqual([{ data: 'añ€😀', binary: false }]);
  });

  it('fragmentSize splits outgoing messages into frames of that size', () => {
    const { client, server, c, s } = openPair({ fragmentSize: 1000 });
    const data = new Uint8Array(4500).map((_, i) => i & 0xff);
    client.send(data);
    const out = c.take();
    const frames = decodeFrames(out);
    expect(frames.map((f) => f.payload.length)).toEqual([1000, 1000, 1000, 1000, 500]);
    expect(frames.map((f) => f.opcode)).toEqual([2, 0, 0, 0, 0]);
    server.receiveData(out);
    expect(s.messages[0]?.data).toEqual(data);
  });

  it('messages in both directions, split at every byte boundary of the input', () => {
    const { client, server, c, s } = openPair();
    client.send('first');
    client.send(new Uint8Array(300).fill(7));
    client.ping('p');
    client.send('€uro');
    const bytes = c.take();
    for (let i = 0; i < bytes.length; i++) server.receiveData(bytes.subarray(i, i + 1));
    expect(s.messages.map((m) => m.data)).toEqual(['first', new Uint8Array(300).fill(7), '€uro']);
    server.send('back');
    client.receiveData(s.take());
    expect(c.messages.at(-1)?.data).toBe('back');
  });
});

/** Re-encodes decoded frames as a client would (masked). */
function concatFrames(frames: ReturnType<typeof decodeFrames>, mask: boolean): Uint8Array {
  const parts = frames.map((f) =>
    frame({ opcode: f.opcode, fin: f.fin, rsv1: f.rsv1, payload: f.payload, mask }),
  );
  return Buffer.concat(parts);
}
