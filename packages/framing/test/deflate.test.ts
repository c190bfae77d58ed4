/**
 * permessage-deflate (RFC 7692) on the sans-IO engine: negotiation of all four parameters in
 * both roles, declined offers and refused responses, round trips with both codecs (fflate and
 * node:zlib) in every combination, decompression with the peer's context takeover (Python's zlib
 * as an independent compressor), and zip bombs stopped at the message limit with 1009.
 */
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  acceptKey,
  type DeflateCodecFactory,
  fflateCodec,
  HandshakeError,
  InvalidPayloadError,
  MessageTooBigError,
  ProtocolError,
  WebSocketConnection,
} from '../src/index.js';
import { zlibCodec } from '../src/node/zlib-codec.js';
import {
  clientRequest,
  decodeFrames,
  digest,
  frame,
  openPair,
  parseResponse,
  Recorder,
} from './peers/sansio.js';

const CODECS: Array<[string, DeflateCodecFactory]> = [
  ['fflate', fflateCodec],
  ['node:zlib', zlibCodec],
];

/** The server's answer to an offer (null = no Sec-WebSocket-Extensions in the response). */
function serverAnswer(offer: string, deflate: object | boolean = true) {
  const rec = new Recorder();
  const conn = new WebSocketConnection('server', rec, { deflate });
  conn.receiveData(clientRequest({ 'Sec-WebSocket-Extensions': offer }));
  const res = parseResponse(rec.takeText());
  return { res, conn, ext: res.headers.get('sec-websocket-extensions') ?? null };
}

/** A client with `deflate` options that receives a response carrying `extensions`. */
function clientWithResponse(extensions: string | null, deflate: object | boolean = true) {
  const rec = new Recorder();
  const conn = new WebSocketConnection('client', rec, { deflate });
  conn.initiate({ host: 'h' });
  const text = rec.takeText();
  const key = /Sec-WebSocket-Key: (\S+)/.exec(text)![1]!;
  const offer = /Sec-WebSocket-Extensions: ([^\r]+)/.exec(text)?.[1] ?? null;
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptKey(key)}`,
  ];
  if (extensions !== null) lines.push(`Sec-WebSocket-Extensions: ${extensions}`);
  conn.receiveData(new Uint8Array(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`)));
  return { rec, conn, offer };
}

describe('negotiation: the client offer', () => {
  it('by default offers client_max_window_bits and declares client_no_context_takeover', () => {
    expect(clientWithResponse(null).offer).toBe(
      'permessage-deflate; client_no_context_takeover; client_max_window_bits',
    );
  });

  it('carries all four parameters when asked', () => {
    const { offer } = clientWithResponse(null, {
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 12,
    });
    expect(offer).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12',
    );
  });

  it('refuses window bits outside 8..15 in its own options', () => {
    for (const bits of [7, 16, 9.5]) {
      const conn = new WebSocketConnection('client', new Recorder(), {
        deflate: { serverMaxWindowBits: bits },
      });
      expect(() => conn.initiate({ host: 'h' })).toThrow(RangeError);
    }
  });

  it('a server that ignores the offer leaves the connection uncompressed', () => {
    const { conn, rec } = clientWithResponse(null);
    expect(conn.state).toBe('open');
    expect(conn.deflateParams).toBeNull();
    expect(rec.opened?.extensions).toBe('');
  });
});

describe('negotiation: the server', () => {
  it('accepts all four parameters and answers them', () => {
    const { ext, conn } = serverAnswer(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12',
    );
    expect(ext).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12',
    );
    expect(conn.deflateParams).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 12,
    });
  });

  it('declares server_no_context_takeover for its own direction (its compressor keeps none)', () => {
    expect(serverAnswer('permessage-deflate').ext).toBe(
      'permessage-deflate; server_no_context_takeover',
    );
  });

  it('limits the client window when the client announced client_max_window_bits', () => {
    expect(
      serverAnswer('permessage-deflate; client_max_window_bits', { clientMaxWindowBits: 9 }).ext,
    ).toBe('permessage-deflate; server_no_context_takeover; client_max_window_bits=9');
    // Without the announcement the server must not send the parameter (§7.1.2.2).
    expect(serverAnswer('permessage-deflate', { clientMaxWindowBits: 9 }).ext).toBe(
      'permessage-deflate; server_no_context_takeover',
    );
    // The smaller of both wishes wins.
    expect(
      serverAnswer('permessage-deflate; client_max_window_bits=10', { clientMaxWindowBits: 12 })
        .ext,
    ).toBe('permessage-deflate; server_no_context_takeover; client_max_window_bits=10');
  });

  it('may limit its own window unasked, and never above what the client asked', () => {
    expect(serverAnswer('permessage-deflate', { serverMaxWindowBits: 11 }).ext).toBe(
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=11',
    );
    expect(
      serverAnswer('permessage-deflate; server_max_window_bits=9', { serverMaxWindowBits: 11 }).ext,
    ).toBe('permessage-deflate; server_no_context_takeover; server_max_window_bits=9');
  });

  it.each([
    'permessage-deflate; server_max_window_bits=7',
    'permessage-deflate; server_max_window_bits=16',
    'permessage-deflate; server_max_window_bits=08',
    'permessage-deflate; server_max_window_bits',
    'permessage-deflate; server_max_window_bits=abc',
    'permessage-deflate; client_max_window_bits=7',
    'permessage-deflate; client_max_window_bits=16',
    'permessage-deflate; client_no_context_takeover=1',
    'permessage-deflate; server_no_context_takeover=true',
    'permessage-deflate; unknown_parameter',
    'permessage-deflate; server_max_window_bits=10; server_max_window_bits=10',
    'permessage-deflate; client_no_context_takeover; client_no_context_takeover',
  ])('declines the invalid offer "%s" and opens without compression', (offer) => {
    const { res, ext, conn } = serverAnswer(offer);
    expect(res.status).toBe(101);
    expect(ext).toBeNull();
    expect(conn.state).toBe('open');
    expect(conn.deflateParams).toBeNull();
  });

  it('falls back to the next acceptable offer and skips unknown extensions', () => {
    expect(
      serverAnswer(
        'x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=7, permessage-deflate; server_max_window_bits=12',
      ).ext,
    ).toBe('permessage-deflate; server_no_context_takeover; server_max_window_bits=12');
  });

  it('a server without deflate enabled ignores the offer', () => {
    expect(serverAnswer('permessage-deflate', false).ext).toBeNull();
  });

  it('quoted parameter values are accepted (§9.1)', () => {
    expect(serverAnswer('permessage-deflate; client_max_window_bits="10"').ext).toBe(
      'permessage-deflate; server_no_context_takeover; client_max_window_bits=10',
    );
  });
});

describe('negotiation: invalid server responses fail the client', () => {
  it.each<[string, string, object | boolean]>([
    ['an unknown parameter', 'permessage-deflate; foo', true],
    ['server_max_window_bits=16', 'permessage-deflate; server_max_window_bits=16', true],
    ['server_max_window_bits=7', 'permessage-deflate; server_max_window_bits=7', true],
    ['server_max_window_bits without value', 'permessage-deflate; server_max_window_bits', true],
    [
      'server_max_window_bits above the requested one',
      'permessage-deflate; server_max_window_bits=12',
      { serverMaxWindowBits: 10 },
    ],
    [
      'client_max_window_bits that was not offered',
      'permessage-deflate; client_max_window_bits=10',
      { clientMaxWindowBits: false },
    ],
    [
      'client_max_window_bits above the suggested one',
      'permessage-deflate; client_max_window_bits=12',
      { clientMaxWindowBits: 10 },
    ],
    ['client_max_window_bits without value', 'permessage-deflate; client_max_window_bits', true],
    [
      'a value on server_no_context_takeover',
      'permessage-deflate; server_no_context_takeover=1',
      true,
    ],
    [
      'server_no_context_takeover requested but not granted',
      'permessage-deflate',
      { serverNoContextTakeover: true },
    ],
    ['the extension twice', 'permessage-deflate, permessage-deflate', true],
    [
      'a repeated parameter',
      'permessage-deflate; server_max_window_bits=9; server_max_window_bits=9',
      true,
    ],
    ['an extension that was not offered', 'x-custom', true],
    ['permessage-deflate when no offer was made', 'permessage-deflate', false],
    ['a malformed header', 'permessage-deflate; "', true],
  ])('%s', (_name, response, options) => {
    const { rec, conn } = clientWithResponse(response, options);
    expect(conn.state).toBe('closed');
    expect(rec.opened).toBeNull();
    const err = rec.closedInfo?.error as HandshakeError;
    expect(err).toBeInstanceOf(HandshakeError);
    expect(err.status).toBe(502);
  });

  it('accepts a response granting every parameter it asked for', () => {
    const { rec, conn } = clientWithResponse(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9',
      { serverNoContextTakeover: true, serverMaxWindowBits: 12, clientMaxWindowBits: 11 },
    );
    expect(conn.state).toBe('open');
    expect(conn.deflateParams).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 9,
    });
    expect(rec.opened?.extensions).toContain('permessage-deflate');
  });
});

const text = (n: number) =>
  Array.from({ length: n }, (_, i) => `message ${i % 97} — ${'abcdefgh'.slice(i % 8)}`)
    .join(' ')
    .slice(0, n);

describe.each(CODECS)('round trips, client codec %s', (_cname, clientCodec) => {
  describe.each(CODECS)('server codec %s', (_sname, serverCodec) => {
    it.each([
      [{}, {}],
      [{ serverMaxWindowBits: 9, clientMaxWindowBits: 9 }, {}],
      [{ serverNoContextTakeover: true }, { clientMaxWindowBits: 10 }],
      [{ clientMaxWindowBits: 8 }, { serverMaxWindowBits: 8 }],
    ])('with client options %o and server options %o', (copts, sopts) => {
      const { client, server, c, s } = openPair(
        { deflate: { ...copts, codec: clientCodec }, maxMessageSize: 1 << 20 },
        { deflate: { ...sopts, codec: serverCodec }, maxMessageSize: 1 << 20 },
      );
      expect(client.deflateParams).toEqual(server.deflateParams);
      const messages: Array<string | Uint8Array> = [
        '',
        'tiny',
        text(100),
        text(70_000),
        new Uint8Array(200_000).map((_, i) => (i * 7) & 0x3f),
        new Uint8Array(50_000).map(() => (Math.random() * 256) | 0),
        text(400_000),
        '€😀'.repeat(1000),
      ];
      for (const m of messages) client.send(m);
      const wire = c.take();
      const frames = decodeFrames(wire);
      // Messages at or above the 64-byte threshold were compressed (RSV1), the others not.
      expect(frames.map((f) => f.rsv1)).toEqual(
        messages.map((m) => (typeof m === 'string' ? Buffer.byteLength(m) : m.length) >= 64),
      );
      // fflate cannot limit its window, so below 15 bits it stores (deflate-codec.ts).
      if (clientCodec === zlibCodec || client.deflateParams?.clientMaxWindowBits === 15)
        expect(wire.length).toBeLessThan(200_000);
      server.receiveData(wire);
      expect(s.messages.map((m) => digest(m.data))).toEqual(messages.map(digest));
      for (const m of messages) server.send(m);
      client.receiveData(s.take());
      expect(c.messages.map((m) => digest(m.data))).toEqual(messages.map(digest));
      expect(server.state).toBe('open');
      expect(client.state).toBe('open');
    });

    it('compress: false and fragmentSize with compression', () => {
      const { client, server, c, s } = openPair(
        { deflate: { codec: clientCodec }, fragmentSize: 100 },
        { deflate: { codec: serverCodec } },
      );
      client.send('x'.repeat(5000), { compress: false });
      let frames = decodeFrames(c.take());
      expect(frames.every((f) => !f.rsv1)).toBe(true);
      expect(frames.length).toBe(50);
      client.send(new Uint8Array(5000).map(() => (Math.random() * 256) | 0));
      const wire = c.take();
      frames = decodeFrames(wire);
      expect(frames[0]!.rsv1).toBe(true);
      expect(frames.slice(1).every((f) => !f.rsv1 && f.opcode === 0)).toBe(true);
      server.receiveData(wire);
      expect(s.messages).toHaveLength(1);
      expect((s.messages[0]!.data as Uint8Array).length).toBe(5000);
    });
  });
});

/**
 * A compressor that keeps its context between messages (Python's zlib, raw DEFLATE, sync
 * flush per message), as Autobahn|Python and ws do by default.
 */
function pythonCompress(messages: string[], wbits = 15): Uint8Array[] {
  const code = `
import json, sys, zlib
msgs, wbits = json.load(sys.stdin)
c = zlib.compressobj(6, zlib.DEFLATED, -wbits)
out = []
for m in msgs:
    d = c.compress(m.encode()) + c.flush(zlib.Z_SYNC_FLUSH)
    assert d.endswith(b"\\x00\\x00\\xff\\xff")
    out.append(d[:-4].hex())
print(json.dumps(out))`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], {
    input: JSON.stringify([messages, wbits]),
  });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return (JSON.parse(r.stdout.toString()) as string[]).map(
    (h) => new Uint8Array(Buffer.from(h, 'hex')),
  );
}

describe.each(CODECS)("decompression with the peer's context takeover (%s)", (_name, codec) => {
  const messages = Array.from(
    { length: 20 },
    (_, i) => `{"topic":"com.example.topic","seq":${i},"payload":"${'x'.repeat(i * 10)}"}`,
  );

  it('whole messages, 15-bit window', () => {
    const compressed = pythonCompress(messages);
    // Later messages refer back into earlier ones, so they shrink below their own size.
    expect(compressed.at(-1)!.length).toBeLessThan(20);
    const { rec, conn } = clientWithResponse('permessage-deflate', { codec });
    expect(conn.state).toBe('open');
    for (const p of compressed) conn.receiveData(frame({ opcode: 1, rsv1: true, payload: p }));
    expect(rec.messages.map((m) => m.data)).toEqual(messages);
  });

  it('fragmented messages with a 9-bit window', () => {
    const compressed = pythonCompress(messages, 9);
    const { rec, conn } = clientWithResponse('permessage-deflate; server_max_window_bits=9', {
      codec,
      serverMaxWindowBits: 9,
    });
    for (const p of compressed) {
      const third = Math.ceil(p.length / 3);
      conn.receiveData(frame({ opcode: 1, rsv1: true, fin: false, payload: p.subarray(0, third) }));
      conn.receiveData(frame({ opcode: 9, payload: 'interleaved' }));
      conn.receiveData(frame({ opcode: 0, fin: false, payload: p.subarray(third, 2 * third) }));
      conn.receiveData(frame({ opcode: 0, fin: true, payload: p.subarray(2 * third) }));
    }
    expect(rec.messages.map((m) => m.data)).toEqual(messages);
  });

  it('uncompressed messages between compressed ones', () => {
    const compressed = pythonCompress(messages.slice(0, 2));
    const { rec, conn } = clientWithResponse('permessage-deflate', { codec });
    conn.receiveData(frame({ opcode: 1, rsv1: true, payload: compressed[0]! }));
    conn.receiveData(frame({ opcode: 1, payload: 'plain' }));
    conn.receiveData(frame({ opcode: 1, rsv1: true, payload: compressed[1]! }));
    expect(rec.messages.map((m) => m.data)).toEqual([messages[0], 'plain', messages[1]]);
  });
});

describe.each(CODECS)('bad compressed input (%s)', (_name, codec) => {
  function deflatedServer(maxMessageSize = 1 << 20) {
    const { server, s } = openPair({ deflate: true }, { deflate: { codec }, maxMessageSize });
    s.take();
    return { conn: server, rec: s };
  }
  const expectClosed = (rec: Recorder, code: number, type: new (...a: never[]) => Error) => {
    expect(rec.closedInfo?.code).toBe(code);
    expect(rec.closedInfo?.error).toBeInstanceOf(type);
    const close = decodeFrames(rec.take()).find((f) => f.opcode === 8);
    expect((close!.payload[0]! << 8) | close!.payload[1]!).toBe(code);
  };

  it('a zip bomb (64 MiB of zeros in ~64 KiB) → 1009', () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(64 << 20), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    expect(bomb.length).toBeLessThan(100_000);
    const { conn, rec } = deflatedServer();
    conn.receiveData(
      frame({ opcode: 2, rsv1: true, payload: bomb.subarray(0, bomb.length - 4), mask: true }),
    );
    expectClosed(rec, 1009, MessageTooBigError);
    expect(rec.messages).toHaveLength(0);
  });

  it('a zip bomb spread over many fragments → 1009', () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(32 << 20), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    const { conn, rec } = deflatedServer();
    const step = 1024;
    for (let off = 0; off < bomb.length - 4 && conn.state === 'open'; off += step) {
      const end = Math.min(off + step, bomb.length - 4);
      conn.receiveData(
        frame({
          opcode: off === 0 ? 2 : 0,
          rsv1: off === 0,
          fin: end === bomb.length - 4,
          payload: bomb.subarray(off, end),
          mask: true,
        }),
      );
    }
    expectClosed(rec, 1009, MessageTooBigError);
  });

  it('a compressed message just at the limit passes; one byte more fails', () => {
    const limit = 100_000;
    const exact = zlib.deflateRawSync(Buffer.alloc(limit, 0x61), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    const ok = deflatedServer(limit);
    ok.conn.receiveData(
      frame({ opcode: 1, rsv1: true, payload: exact.subarray(0, -4), mask: true }),
    );
    expect(ok.rec.messages).toHaveLength(1);
    const over = zlib.deflateRawSync(Buffer.alloc(limit + 1, 0x61), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    const bad = deflatedServer(limit);
    bad.conn.receiveData(
      frame({ opcode: 1, rsv1: true, payload: over.subarray(0, -4), mask: true }),
    );
    expectClosed(bad.rec, 1009, MessageTooBigError);
  });

  it('endless empty DEFLATE blocks in continuation frames do not grow memory: → 1009', () => {
    // A non-final empty stored block (00 00 00 ff ff) inflates to nothing; a message made of
    // them never grows, so the limit has to apply to what is held compressed as well.
    const { conn, rec } = deflatedServer(64 * 1024);
    const block = new Uint8Array(Buffer.from('000000ffff'.repeat(2000), 'hex'));
    conn.receiveData(frame({ opcode: 2, rsv1: true, fin: false, payload: block, mask: true }));
    for (let i = 0; i < 200 && conn.state === 'open'; i++) {
      conn.receiveData(frame({ opcode: 0, fin: false, payload: block, mask: true }));
    }
    // 200 × 10 000 bytes = 2 MB held for a 64 KiB message would be unbounded growth.
    expect(conn.state).toBe('closed');
    expectClosed(rec, 1009, MessageTooBigError);
  });

  it('corrupt DEFLATE data → 1002', () => {
    const { conn, rec } = deflatedServer();
    conn.receiveData(
      frame({
        opcode: 2,
        rsv1: true,
        payload: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x00]),
        mask: true,
      }),
    );
    expectClosed(rec, 1002, ProtocolError);
  });

  it('compressed text that is not UTF-8 → 1007', () => {
    const bad = zlib.deflateRawSync(Buffer.from([0x61, 0xc3, 0x28, 0x62]), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    const { conn, rec } = deflatedServer();
    conn.receiveData(frame({ opcode: 1, rsv1: true, payload: bad.subarray(0, -4), mask: true }));
    expectClosed(rec, 1007, InvalidPayloadError);
  });

  it('RSV1 on a continuation frame → 1002', () => {
    const { conn, rec } = deflatedServer();
    conn.receiveData(
      frame({
        opcode: 1,
        rsv1: true,
        fin: false,
        payload: new Uint8Array([0x02, 0x00]),
        mask: true,
      }),
    );
    conn.receiveData(frame({ opcode: 0, rsv1: true, payload: new Uint8Array([0x00]), mask: true }));
    expectClosed(rec, 1002, ProtocolError);
  });
});

/** Python's zlib inflater kept across messages, as Autobahn|Python does without no_context_takeover. */
function pythonInflateKept(payloads: Uint8Array[]): string[] {
  const code = `
import json, sys, zlib
d = zlib.decompressobj(-15)
print(json.dumps([d.decompress(bytes.fromhex(p) + b"\\x00\\x00\\xff\\xff").hex() for p in json.load(sys.stdin)]))`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], {
    input: JSON.stringify(payloads.map((p) => Buffer.from(p).toString('hex'))),
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return JSON.parse(r.stdout.toString()) as string[];
}

describe.each(
  CODECS,
)('our compressed output and a peer that keeps its inflater (%s)', (_name, codec) => {
  const messages = [
    'first message '.repeat(20),
    new Uint8Array(70_000).fill(3),
    'x'.repeat(65_535 * 2 + 7),
    '',
    'after',
  ];
  const payloads = (response: string) => {
    const { conn, rec } = clientWithResponse(response, { codec, threshold: 0 });
    for (const m of messages) conn.send(m);
    return { frames: decodeFrames(rec.take()), conn };
  };

  it('every message decodes when the server did not echo client_no_context_takeover', () => {
    const { frames, conn } = payloads('permessage-deflate');
    expect(conn.deflateParams?.clientNoContextTakeover).toBe(false);
    expect(frames.every((f) => f.rsv1)).toBe(true);
    const out = pythonInflateKept(frames.map((f) => f.payload));
    expect(out.map((h) => digest(new Uint8Array(Buffer.from(h, 'hex'))))).toEqual(
      messages.map((m) => digest(typeof m === 'string' ? new TextEncoder().encode(m) : m)),
    );
  });

  it('compresses when the server echoed client_no_context_takeover', () => {
    const { frames, conn } = payloads('permessage-deflate; client_no_context_takeover');
    expect(conn.deflateParams?.clientNoContextTakeover).toBe(true);
    expect(frames[2]!.payload.length).toBeLessThan(10_000);
  });
});
