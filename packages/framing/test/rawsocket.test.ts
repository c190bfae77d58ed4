/**
 * Sans-IO WAMP-over-RawSocket (spec advanced/transport_rawsocket.md): the handshake in both
 * roles with every error reply, the length exponent, frame prefixes (the 25th length bit,
 * reserved bits and types, over-length frames), PING/PONG, and reassembly of frames split at
 * arbitrary points.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFrame,
  encodeFrameHeader,
  encodeHandshakeError,
  encodeHandshakeRequest,
  exponentForLength,
  FrameReader,
  FrameType,
  lengthOfExponent,
  parseHandshakeReply,
  parseHandshakeRequest,
  type RawSocketCloseInfo,
  RawSocketConnection,
  RawSocketConnectionLostError,
  type RawSocketHandler,
  RawSocketHandshakeError,
  RawSocketMessageTooBigError,
  type RawSocketOpenInfo,
  type RawSocketOptions,
  RawSocketProtocolError,
  RawSocketRefusedError,
  RawSocketStateError,
} from '../src/rawsocket/index.js';

/** Records everything a connection hands its handler. */
class Recorder implements RawSocketHandler {
  written: Uint8Array[] = [];
  messages: Uint8Array[] = [];
  pings: Uint8Array[] = [];
  pongs: Uint8Array[] = [];
  opened: RawSocketOpenInfo | null = null;
  closedInfo: RawSocketCloseInfo | null = null;
  closedCount = 0;
  refuseWith: number | undefined;

  write(bytes: Uint8Array): void {
    this.written.push(bytes.slice());
  }
  request(): number | undefined {
    return this.refuseWith;
  }
  open(info: RawSocketOpenInfo): void {
    this.opened = info;
  }
  message(payload: Uint8Array): void {
    this.messages.push(payload);
  }
  ping(payload: Uint8Array): void {
    this.pings.push(payload);
  }
  pong(payload: Uint8Array): void {
    this.pongs.push(payload);
  }
  closed(info: RawSocketCloseInfo): void {
    this.closedInfo = info;
    this.closedCount++;
  }
  /** All bytes written so far, concatenated, and forgets them. */
  take(): Uint8Array {
    const total = this.written.reduce((n, b) => n + b.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of this.written) {
      out.set(b, at);
      at += b.length;
    }
    this.written = [];
    return out;
  }
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);

function router(options: RawSocketOptions = {}) {
  const rec = new Recorder();
  return { rec, conn: new RawSocketConnection('router', rec, options) };
}

function client(options: RawSocketOptions = {}) {
  const rec = new Recorder();
  return { rec, conn: new RawSocketConnection('client', rec, options) };
}

/** A client and a router with their handshake done, and a pump moving bytes between them. */
function openPair(clientOptions: RawSocketOptions = {}, routerOptions: RawSocketOptions = {}) {
  const c = client(clientOptions);
  const r = router(routerOptions);
  const pump = () => {
    for (let i = 0; i < 10; i++) {
      const toRouter = c.rec.take();
      const toClient = r.rec.take();
      if (toRouter.length === 0 && toClient.length === 0) return;
      if (toRouter.length > 0) r.conn.receiveData(toRouter);
      if (toClient.length > 0) c.conn.receiveData(toClient);
    }
  };
  c.conn.initiate();
  pump();
  return { c, r, pump };
}

describe('maximum length exponent', () => {
  it('maps exponents 0..15 to 2**9 .. 2**24 octets and back', () => {
    for (let e = 0; e <= 15; e++) {
      expect(lengthOfExponent(e)).toBe(2 ** (e + 9));
      expect(exponentForLength(2 ** (e + 9))).toBe(e);
      if (e < 15) expect(exponentForLength(2 ** (e + 10) - 1)).toBe(e);
    }
  });

  it('rounds a receive limit down to an announceable one, clamped to 512 B .. 16 MiB', () => {
    expect(exponentForLength(1)).toBe(0);
    expect(exponentForLength(0)).toBe(0);
    expect(exponentForLength(Number.NaN)).toBe(0);
    expect(exponentForLength(1000)).toBe(0);
    expect(exponentForLength(2 ** 30)).toBe(15);
  });
});

describe('handshake octets', () => {
  it('encodes every permissible request octet 2 as (LENGTH << 4) | SERIALIZER', () => {
    for (let ser = 1; ser <= 5; ser++) {
      for (let l = 0; l < 16; l++) {
        const hs = encodeHandshakeRequest(ser, l);
        expect([...hs]).toEqual([0x7f, (l << 4) | ser, 0, 0]);
        const parsed = parseHandshakeRequest(hs);
        expect(parsed).toEqual({
          serializer: ser,
          lengthExponent: l,
          maxLength: 2 ** (l + 9),
          reservedBitsUsed: false,
        });
      }
    }
  });

  it('encodes error replies with the code in the upper nibble', () => {
    for (let code = 1; code <= 4; code++) {
      expect([...encodeHandshakeError(code)]).toEqual([0x7f, code << 4, 0, 0]);
    }
    expect(() => encodeHandshakeError(0)).toThrow(RangeError);
    expect(() => encodeHandshakeRequest(0, 15)).toThrow(RangeError);
    expect(() => encodeHandshakeRequest(1, 16)).toThrow(RangeError);
  });

  it('reads replies: success, each error code, illegal code 0, another serializer', () => {
    expect(parseHandshakeReply(bytes(0x7f, 0xf2, 0, 0), 2)).toEqual({
      serializer: 2,
      lengthExponent: 15,
      maxLength: 2 ** 24,
    });
    for (let code = 1; code <= 4; code++) {
      const err = (() => {
        try {
          parseHandshakeReply(bytes(0x7f, code << 4, 0, 0), 1);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(RawSocketRefusedError);
      expect((err as RawSocketRefusedError).code).toBe(code);
    }
    expect(() => parseHandshakeReply(bytes(0x7f, 0x00, 0, 0), 1)).toThrow(/illegal error code 0/);
    expect(() => parseHandshakeReply(bytes(0x7f, 0xf3, 0, 0), 1)).toThrow(
      /serializer cbor, but json was requested/,
    );
    expect(() => parseHandshakeReply(bytes(0x7f, 0xf1, 0, 1), 1)).toThrow(/reserved octets/);
    expect(() => parseHandshakeReply(bytes(0x48, 0x54, 0x54, 0x50), 1)).toThrow(/first octet 0x48/);
  });
});

describe('router handshake', () => {
  it('accepts a supported serializer and announces its own limit', () => {
    const { rec, conn } = router({ maxMessageLength: 1 << 20 });
    conn.receiveData(bytes(0x7f, 0x52, 0, 0)); // msgpack, client accepts 2**14
    expect([...rec.take()]).toEqual([0x7f, (11 << 4) | 2, 0, 0]);
    expect(conn.state).toBe('open');
    expect(rec.opened).toEqual({
      serializer: 2,
      maxReceiveLength: 1 << 20,
      maxSendLength: 1 << 14,
    });
  });

  it('waits for all four octets when they arrive one at a time', () => {
    const { rec, conn } = router();
    for (const b of [0x7f, 0xf1, 0]) conn.receiveData(bytes(b));
    expect(rec.written).toHaveLength(0);
    conn.receiveData(bytes(0));
    expect(conn.state).toBe('open');
  });

  it('processes frames that arrive in the same chunk as the request', () => {
    const { rec, conn } = router();
    const frame = encodeFrame(FrameType.Message, text('[1,"realm1",{}]'));
    conn.receiveData(new Uint8Array([0x7f, 0xf1, 0, 0, ...frame]));
    expect(rec.messages.map((m) => new TextDecoder().decode(m))).toEqual(['[1,"realm1",{}]']);
  });

  const refusals: [string, number[], RawSocketOptions, number][] = [
    ['an unknown serializer (6)', [0x7f, 0xf6, 0, 0], {}, 1],
    ['a serializer this router does not speak', [0x7f, 0xf5, 0, 0], { serializers: [1, 2] }, 1],
    ['non-zero reserved octet 3', [0x7f, 0xf1, 0x01, 0], {}, 3],
    ['non-zero reserved octet 4', [0x7f, 0xf1, 0, 0x80], {}, 3],
    ['a client limit below minPeerMaxLength', [0x7f, 0x01, 0, 0], { minPeerMaxLength: 4096 }, 2],
  ];
  for (const [what, request, options, code] of refusals) {
    it(`answers error ${code} to ${what} and closes`, () => {
      const { rec, conn } = router(options);
      conn.receiveData(Uint8Array.from(request));
      expect([...rec.take()]).toEqual([0x7f, code << 4, 0, 0]);
      expect(conn.state).toBe('closed');
      expect(rec.closedInfo?.error).toBeInstanceOf(RawSocketRefusedError);
      expect((rec.closedInfo?.error as RawSocketRefusedError).code).toBe(code);
      // Nothing after a refusal is processed.
      conn.receiveData(encodeFrame(FrameType.Message, text('[]')));
      expect(rec.messages).toHaveLength(0);
      expect(rec.closedCount).toBe(1);
    });
  }

  it('lets the transport refuse with error 4 (maximum connection count reached)', () => {
    const { rec, conn } = router();
    rec.refuseWith = 4;
    conn.receiveData(bytes(0x7f, 0xf1, 0, 0));
    expect([...rec.take()]).toEqual([0x7f, 0x40, 0, 0]);
    expect((rec.closedInfo?.error as RawSocketRefusedError).message).toMatch(/connection count/);
  });

  it('fails without a reply when the peer is not a RawSocket client (HTTP)', () => {
    const { rec, conn } = router();
    conn.receiveData(text('GET / HTTP/1.1\r\n'));
    expect(rec.written).toHaveLength(0);
    expect(rec.closedInfo?.error).toBeInstanceOf(RawSocketHandshakeError);
    expect(rec.closedInfo?.error?.message).toMatch(/first octet 0x47/);
  });

  it('fails without a reply on the illegal serializer value 0', () => {
    const { rec, conn } = router();
    conn.receiveData(bytes(0x7f, 0xf0, 0, 0));
    expect(rec.written).toHaveLength(0);
    expect(rec.closedInfo?.error).toBeInstanceOf(RawSocketHandshakeError);
    expect(rec.closedInfo?.error?.message).toMatch(/illegal serializer value 0/);
  });

  it('reports a stream that ends during the handshake as a lost connection', () => {
    const { rec, conn } = router();
    conn.receiveData(bytes(0x7f, 0xf1));
    conn.receiveData(null);
    expect(rec.closedInfo?.error).toBeInstanceOf(RawSocketConnectionLostError);
  });
});

describe('client handshake', () => {
  it('requests its serializer and receive limit, then opens on the reply', () => {
    const { rec, conn } = client({ serializer: 3, maxMessageLength: 65536 });
    conn.initiate();
    expect([...rec.take()]).toEqual([0x7f, (7 << 4) | 3, 0, 0]);
    expect(() => conn.send(text('x'))).toThrow(RawSocketStateError);
    conn.receiveData(bytes(0x7f, (2 << 4) | 3, 0, 0));
    expect(rec.opened).toEqual({ serializer: 3, maxReceiveLength: 65536, maxSendLength: 2048 });
  });

  it('fails with RawSocketRefusedError carrying the code of an error reply', () => {
    const { rec, conn } = client();
    conn.initiate();
    conn.receiveData(bytes(0x7f, 0x10, 0, 0));
    const err = rec.closedInfo?.error as RawSocketRefusedError;
    expect(err).toBeInstanceOf(RawSocketRefusedError);
    expect(err.code).toBe(1);
    expect(err.message).toMatch(/serializer unsupported/);
  });

  it('fails on a reply that is not RawSocket (an HTTP server answering)', () => {
    const { rec, conn } = client();
    conn.initiate();
    conn.receiveData(text('HTTP/1.1 400 Bad Request\r\n\r\n'));
    expect(rec.closedInfo?.error).toBeInstanceOf(RawSocketHandshakeError);
    expect(rec.closedInfo?.error).not.toBeInstanceOf(RawSocketRefusedError);
  });

  it('refuses data before initiate()', () => {
    const { rec, conn } = client();
    conn.receiveData(bytes(0x7f, 0xf1, 0, 0));
    expect(rec.closedInfo?.error).toBeInstanceOf(RawSocketHandshakeError);
  });
});

describe('frame prefixes', () => {
  it('encodes lengths in 24 bits and 2**24 with the 25th (X) bit', () => {
    expect([...encodeFrameHeader(FrameType.Message, 0)]).toEqual([0, 0, 0, 0]);
    expect([...encodeFrameHeader(FrameType.Ping, 0x112233)]).toEqual([1, 0x11, 0x22, 0x33]);
    expect([...encodeFrameHeader(FrameType.Pong, 2 ** 24 - 1)]).toEqual([2, 0xff, 0xff, 0xff]);
    expect([...encodeFrameHeader(FrameType.Message, 2 ** 24)]).toEqual([0x08, 0, 0, 0]);
    expect(() => encodeFrameHeader(FrameType.Message, 2 ** 24 + 1)).toThrow(RangeError);
  });

  it('reads a 2**24-octet frame marked with the X bit', () => {
    const reader = new FrameReader(2 ** 24);
    reader.push(bytes(0x08, 0, 0, 0));
    expect(reader.next()).toBeNull();
    reader.push(new Uint8Array(2 ** 24));
    const frame = reader.next();
    expect(frame?.payload.length).toBe(2 ** 24);
  });

  const bad: [string, number[], typeof RawSocketProtocolError][] = [
    ['reserved bit 7', [0x80, 0, 0, 1], RawSocketProtocolError],
    ['reserved bit 4', [0x10, 0, 0, 1], RawSocketProtocolError],
    ['reserved type 3', [0x03, 0, 0, 1], RawSocketProtocolError],
    ['reserved type 7', [0x07, 0, 0, 1], RawSocketProtocolError],
    ['the X bit with length bits set', [0x08, 0, 0, 1], RawSocketProtocolError],
  ];
  for (const [what, header, type] of bad) {
    it(`fails the connection on ${what}`, () => {
      const { c, r } = openPair();
      r.conn.receiveData(Uint8Array.from(header));
      expect(r.rec.closedInfo?.error).toBeInstanceOf(type);
      expect(r.conn.state).toBe('closed');
      expect(c.conn.state).toBe('open');
    });
  }

  it('fails on an over-length frame as soon as its prefix arrives', () => {
    const { r } = openPair({}, { maxMessageLength: 4096 });
    r.conn.receiveData(encodeFrameHeader(FrameType.Message, 4097));
    const err = r.rec.closedInfo?.error as RawSocketMessageTooBigError;
    expect(err).toBeInstanceOf(RawSocketMessageTooBigError);
    expect([err.length, err.limit]).toEqual([4097, 4096]);
  });

  it('enforces the announced limit, not the unrounded option', () => {
    const { c, r } = openPair({}, { maxMessageLength: 5000 }); // announced: 4096
    expect(c.rec.opened?.maxSendLength).toBe(4096);
    r.conn.receiveData(encodeFrame(FrameType.Message, new Uint8Array(4096)));
    expect(r.rec.messages).toHaveLength(1);
    r.conn.receiveData(encodeFrameHeader(FrameType.Message, 4097));
    expect(r.rec.closedInfo?.error).toBeInstanceOf(RawSocketMessageTooBigError);
  });
});

describe('messages, PING and PONG', () => {
  it('carries messages both ways and refuses (without closing) one above the peer limit', () => {
    const { c, r, pump } = openPair({ maxMessageLength: 1024 }, { maxMessageLength: 2048 });
    c.conn.send(text('hello router'));
    r.conn.send(new Uint8Array(1024));
    pump();
    expect(new TextDecoder().decode(r.rec.messages[0])).toBe('hello router');
    expect(c.rec.messages[0]?.length).toBe(1024);
    expect(() => r.conn.send(new Uint8Array(1025))).toThrow(RawSocketMessageTooBigError);
    expect(() => c.conn.send(new Uint8Array(2049))).toThrow(RawSocketMessageTooBigError);
    expect(r.conn.state).toBe('open');
    c.conn.send(new Uint8Array(2048));
    pump();
    expect(r.rec.messages[1]?.length).toBe(2048);
  });

  it('answers each PING with exactly one PONG echoing the payload', () => {
    const { c, r, pump } = openPair();
    c.conn.ping(text('p1'));
    c.conn.ping(new Uint8Array(0));
    pump();
    expect(r.rec.pings.map((p) => [...p])).toEqual([[...text('p1')], []]);
    expect(c.rec.pongs.map((p) => [...p])).toEqual([[...text('p1')], []]);
  });

  it('leaves PONGs to the application with autoPong: false', () => {
    const { c, r, pump } = openPair({}, { autoPong: false });
    c.conn.ping(text('x'));
    pump();
    expect(r.rec.pings).toHaveLength(1);
    expect(c.rec.pongs).toHaveLength(0);
    r.conn.pong(text('x'));
    pump();
    expect(c.rec.pongs).toHaveLength(1);
  });

  it('sends a large message as prefix + payload writes', () => {
    const { c, r, pump } = openPair();
    const big = new Uint8Array(200_000).fill(7);
    c.conn.send(big);
    expect(c.rec.written.map((w) => w.length)).toEqual([4, 200_000]);
    pump();
    expect(r.rec.messages[0]).toEqual(big);
  });

  it('ends cleanly when the stream ends between frames, with an error mid-frame', () => {
    const a = openPair();
    a.r.conn.receiveData(null);
    expect(a.r.rec.closedInfo).toEqual({ initiator: 'remote' });
    const b = openPair();
    b.r.conn.receiveData(encodeFrame(FrameType.Message, text('abc')).subarray(0, 5));
    b.r.conn.receiveData(null);
    expect(b.r.rec.closedInfo?.error).toBeInstanceOf(RawSocketConnectionLostError);
  });

  it('close() and fail() end the connection once; sending afterwards throws', () => {
    const { c } = openPair();
    c.conn.close();
    c.conn.fail(new RawSocketProtocolError('late'));
    expect(c.rec.closedCount).toBe(1);
    expect(c.rec.closedInfo).toEqual({ initiator: 'local' });
    expect(() => c.conn.send(text('x'))).toThrow(RawSocketStateError);
  });

  it('stops delivering when the handler closes the connection mid-chunk', () => {
    const { r } = openPair();
    r.rec.message = function (payload) {
      this.messages.push(payload);
      r.conn.close();
    };
    const one = encodeFrame(FrameType.Message, text('1'));
    r.conn.receiveData(new Uint8Array([...one, ...one, ...one]));
    expect(r.rec.messages).toHaveLength(1);
  });

  it('reassembles any sequence of frames split at arbitrary points', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: fc.constantFrom(FrameType.Message, FrameType.Ping, FrameType.Pong),
            payload: fc.uint8Array({ maxLength: 300 }),
          }),
          { maxLength: 20 },
        ),
        fc.array(fc.nat({ max: 50 }), { maxLength: 100 }),
        (frames, cuts) => {
          const wire = new Uint8Array(frames.flatMap((f) => [...encodeFrame(f.type, f.payload)]));
          const reader = new FrameReader(512);
          const out: { type: number; payload: number[] }[] = [];
          let at = 0;
          for (const cut of [...cuts, wire.length]) {
            const end = Math.min(wire.length, at + cut);
            reader.push(wire.subarray(at, end));
            at = end;
            for (let f = reader.next(); f !== null; f = reader.next()) {
              out.push({ type: f.type, payload: [...f.payload] });
            }
          }
          expect(out).toEqual(frames.map((f) => ({ type: f.type, payload: [...f.payload] })));
          expect(reader.midFrame).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
