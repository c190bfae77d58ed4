/**
 * The opening handshake (RFC 6455 §4), both roles, on the sans-IO engine: key/accept, the
 * request and response checks with their HTTP statuses, subprotocol negotiation for the WAMP
 * subprotocols, extra headers, size limits, and frames that arrive with the handshake.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptKey,
  HandshakeError,
  type HandshakeRequest,
  InvalidStateError,
  WebSocketConnection,
} from '../src/index.js';
import { clientRequest, decodeFrames, frame, parseResponse, Recorder } from './peers/sansio.js';

const WAMP_PROTOCOLS = [
  'wamp.2.json',
  'wamp.2.msgpack',
  'wamp.2.cbor',
  'wamp.2.ubjson',
  'wamp.2.flatbuffers',
];

function server(opts: ConstructorParameters<typeof WebSocketConnection>[2] = {}) {
  const rec = new Recorder();
  const conn = new WebSocketConnection('server', rec, opts);
  return { rec, conn };
}

function client(opts: ConstructorParameters<typeof WebSocketConnection>[2] = {}) {
  const rec = new Recorder();
  const conn = new WebSocketConnection('client', rec, opts);
  return { rec, conn };
}

/** Sends `request` to a fresh server and returns its HTTP answer and the close info. */
function answer(request: Uint8Array, opts = {}) {
  const { rec, conn } = server(opts);
  conn.receiveData(request);
  return { res: parseResponse(rec.takeText()), rec, conn };
}

/** The key the client sent, read back from its request. */
function keyOf(requestText: string): string {
  return /Sec-WebSocket-Key: (\S+)/.exec(requestText)![1]!;
}

function response(
  key: string,
  extra: string[] = [],
  status = '101 Switching Protocols',
): Uint8Array {
  const lines = [
    `HTTP/1.1 ${status}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptKey(key)}`,
    ...extra,
  ];
  return new Uint8Array(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'));
}

describe('Sec-WebSocket-Key / Sec-WebSocket-Accept', () => {
  it('computes the RFC 6455 §1.3 example', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('the server answers the §1.3 example request with the §1.3 accept value', () => {
    const { res, rec, conn } = answer(clientRequest());
    expect(res.status).toBe(101);
    expect(res.headers.get('sec-websocket-accept')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(res.headers.get('upgrade')?.toLowerCase()).toBe('websocket');
    expect(res.headers.get('connection')?.toLowerCase()).toBe('upgrade');
    expect(res.headers.has('sec-websocket-protocol')).toBe(false);
    expect(res.headers.has('sec-websocket-extensions')).toBe(false);
    expect(conn.state).toBe('open');
    expect(rec.opened?.path).toBe('/chat');
  });

  it('the client sends a fresh 16-byte base64 key each time, version 13, and GET', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { rec, conn } = client();
      conn.initiate({ host: 'h.example:8080', path: '/p?q=1', origin: 'https://o.example' });
      const text = rec.takeText();
      expect(text.startsWith('GET /p?q=1 HTTP/1.1\r\n')).toBe(true);
      expect(text).toContain('\r\nHost: h.example:8080\r\n');
      expect(text).toContain('\r\nSec-WebSocket-Version: 13\r\n');
      expect(text).toContain('\r\nOrigin: https://o.example\r\n');
      expect(text).toMatch(/\r\nUpgrade: websocket\r\n/i);
      expect(text).toMatch(/\r\nConnection: Upgrade\r\n/i);
      const key = keyOf(text);
      expect(Buffer.from(key, 'base64')).toHaveLength(16);
      keys.add(key);
    }
    expect(keys.size).toBe(20);
  });

  it('the client accepts only the accept value of its own key', () => {
    const { rec, conn } = client();
    conn.initiate({ host: 'h' });
    keyOf(rec.takeText());
    conn.receiveData(response('dGhlIHNhbXBsZSBub25jZQ=='));
    expect(conn.state).toBe('closed');
    expect(rec.closedInfo?.error).toBeInstanceOf(HandshakeError);
    expect((rec.closedInfo?.error as HandshakeError).status).toBe(502);
    expect(rec.opened).toBeNull();
  });

  it('the client opens on a correct response split into single bytes', () => {
    const { rec, conn } = client();
    conn.initiate({ host: 'h' });
    const res = response(keyOf(rec.takeText()));
    for (const b of res) conn.receiveData(new Uint8Array([b]));
    expect(conn.state).toBe('open');
    expect(rec.opened?.protocol).toBe('');
  });
});

describe('subprotocol negotiation (WAMP subprotocols)', () => {
  it.each(WAMP_PROTOCOLS)('negotiates %s end to end when both speak it', (proto) => {
    const c = client();
    const s = server({ protocols: [proto] });
    c.conn.initiate({ host: 'h', protocols: WAMP_PROTOCOLS });
    s.conn.receiveData(c.rec.take());
    c.conn.receiveData(s.rec.take());
    expect(s.rec.opened?.protocol).toBe(proto);
    expect(c.rec.opened?.protocol).toBe(proto);
    expect(c.conn.state).toBe('open');
  });

  it("the server picks by its own preference among the client's offers", () => {
    const { res } = answer(
      clientRequest({ 'Sec-WebSocket-Protocol': 'wamp.2.json, wamp.2.cbor,wamp.2.msgpack' }),
      { protocols: ['wamp.2.msgpack', 'wamp.2.json'] },
    );
    expect(res.headers.get('sec-websocket-protocol')).toBe('wamp.2.msgpack');
  });

  it('repeated Sec-WebSocket-Protocol header lines are combined', () => {
    const { rec, conn } = server();
    let seen: HandshakeRequest | null = null;
    rec.request = (req) => {
      seen = req;
      conn.accept({ protocol: 'wamp.2.cbor' });
    };
    const text =
      'GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
      'Sec-WebSocket-Protocol: wamp.2.json\r\nSec-WebSocket-Protocol: wamp.2.cbor\r\n\r\n';
    conn.receiveData(new Uint8Array(Buffer.from(text, 'latin1')));
    expect(seen!.protocols).toEqual(['wamp.2.json', 'wamp.2.cbor']);
    expect(parseResponse(rec.takeText()).headers.get('sec-websocket-protocol')).toBe('wamp.2.cbor');
  });

  it('no common subprotocol: the server answers without one and the client opens with ""', () => {
    const c = client();
    const s = server({ protocols: ['wamp.2.flatbuffers'] });
    c.conn.initiate({ host: 'h', protocols: ['wamp.2.json'] });
    s.conn.receiveData(c.rec.take());
    const raw = s.rec.take();
    expect(
      parseResponse(Buffer.from(raw).toString('latin1')).headers.has('sec-websocket-protocol'),
    ).toBe(false);
    c.conn.receiveData(raw);
    expect(c.rec.opened?.protocol).toBe('');
    expect(s.rec.opened?.protocol).toBe('');
  });

  it('accept() refuses a subprotocol the client did not offer', () => {
    const { rec, conn } = server();
    rec.request = () => {
      expect(() => conn.accept({ protocol: 'wamp.2.cbor' })).toThrow(InvalidStateError);
      conn.accept({ protocol: 'wamp.2.json' });
    };
    conn.receiveData(clientRequest({ 'Sec-WebSocket-Protocol': 'wamp.2.json' }));
    expect(conn.state).toBe('open');
    expect(rec.opened?.protocol).toBe('wamp.2.json');
  });

  it('the client fails when the server selects a subprotocol that was not offered', () => {
    const { rec, conn } = client();
    conn.initiate({ host: 'h', protocols: ['wamp.2.json'] });
    conn.receiveData(response(keyOf(rec.takeText()), ['Sec-WebSocket-Protocol: wamp.2.msgpack']));
    expect(conn.state).toBe('closed');
    const err = rec.closedInfo?.error as HandshakeError;
    expect(err).toBeInstanceOf(HandshakeError);
    expect(err.status).toBe(502);
  });

  it('the client fails when the server selects a subprotocol although none was offered', () => {
    const { rec, conn } = client();
    conn.initiate({ host: 'h' });
    conn.receiveData(response(keyOf(rec.takeText()), ['Sec-WebSocket-Protocol: wamp.2.json']));
    expect(rec.closedInfo?.error).toBeInstanceOf(HandshakeError);
  });

  it('the client refuses invalid or duplicate subprotocol names before sending anything', () => {
    for (const bad of [['wamp 2'], ['a,b'], [''], ['wamp.2.json', 'wamp.2.json']]) {
      const { rec, conn } = client();
      expect(() => conn.initiate({ host: 'h', protocols: bad })).toThrow(SyntaxError);
      expect(rec.out).toHaveLength(0);
    }
  });
});

describe('extra headers', () => {
  it('travel in both directions and are visible to the other side', () => {
    const c = client();
    const s = server();
    s.rec.request = (req) => {
      expect(req.headers.get('x-wamp-token')).toBe('abc');
      expect(req.headers.get('cookie')).toBe('a=1; b=2');
      s.conn.accept({ headers: { 'X-Server': 'wampkit', 'Set-Cookie': 'sid=1' } });
    };
    c.conn.initiate({
      host: 'h',
      headers: [
        ['X-Wamp-Token', 'abc'],
        ['Cookie', 'a=1; b=2'],
      ],
    });
    s.conn.receiveData(c.rec.take());
    c.conn.receiveData(s.rec.take());
    expect(c.rec.opened?.headers.get('x-server')).toBe('wampkit');
    expect(c.rec.opened?.headers.get('set-cookie')).toBe('sid=1');
    expect(s.rec.opened?.headers.get('x-wamp-token')).toBe('abc');
  });

  it('header injection (CR/LF in a value, bad names) is refused', () => {
    const { conn } = client();
    expect(() => conn.initiate({ host: 'h', headers: { 'X-A': 'v\r\nX-B: injected' } })).toThrow(
      TypeError,
    );
    const c2 = client();
    expect(() => c2.conn.initiate({ host: 'h', headers: { 'Bad Name': 'v' } })).toThrow(TypeError);
    const c3 = client();
    expect(() => c3.conn.initiate({ host: 'h', path: 'no-slash' })).toThrow(SyntaxError);
  });
});

describe('rejected and invalid client requests (server role)', () => {
  it('reject() answers the chosen HTTP status and closes', () => {
    const { rec, conn } = server();
    rec.request = () => conn.reject(403, 'Forbidden', { 'X-Reason': 'no' });
    conn.receiveData(clientRequest());
    const res = parseResponse(rec.takeText());
    expect(res.status).toBe(403);
    expect(res.headers.get('x-reason')).toBe('no');
    expect(res.headers.get('connection')).toBe('close');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.body));
    expect(conn.state).toBe('closed');
    expect((rec.closedInfo?.error as HandshakeError).status).toBe(403);
    expect(rec.opened).toBeNull();
  });

  it('reject() can come later (asynchronous decision)', async () => {
    const { rec, conn } = server();
    let pending: HandshakeRequest | null = null;
    rec.request = (req) => {
      pending = req;
    };
    conn.receiveData(clientRequest());
    expect(conn.state).toBe('connecting');
    expect(pending).not.toBeNull();
    await Promise.resolve();
    conn.reject(401, 'Unauthorized');
    expect(parseResponse(rec.takeText()).status).toBe(401);
    expect(() => conn.accept()).toThrow(InvalidStateError);
  });

  const cases: Array<[string, Uint8Array, number]> = [
    ['POST instead of GET', clientRequest({}, 'POST /chat HTTP/1.1'), 405],
    ['HTTP/1.0', clientRequest({}, 'GET /chat HTTP/1.0'), 400],
    ['no Host', clientRequest({ Host: null }), 400],
    ['no Upgrade', clientRequest({ Upgrade: null }), 400],
    ['Upgrade: h2c', clientRequest({ Upgrade: 'h2c' }), 400],
    ['no Connection', clientRequest({ Connection: null }), 400],
    ['Connection: keep-alive', clientRequest({ Connection: 'keep-alive' }), 400],
    ['no Sec-WebSocket-Key', clientRequest({ 'Sec-WebSocket-Key': null }), 400],
    ['a key of 15 bytes', clientRequest({ 'Sec-WebSocket-Key': 'AAAAAAAAAAAAAAAAAAAA' }), 400],
    [
      'a key that is not base64',
      clientRequest({ 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!==' }),
      400,
    ],
    ['no Sec-WebSocket-Version', clientRequest({ 'Sec-WebSocket-Version': null }), 426],
    ['Sec-WebSocket-Version: 8', clientRequest({ 'Sec-WebSocket-Version': '8' }), 426],
    ['a malformed request line', clientRequest({}, 'GET'), 400],
    ['a header line without colon', clientRequest({ 'X-Broken\r\nnocolon': 'x' }), 400],
    [
      'malformed Sec-WebSocket-Extensions',
      clientRequest({ 'Sec-WebSocket-Extensions': 'a; "' }),
      400,
    ],
  ];
  it.each(cases)('%s → HTTP %i', (_name, request, status) => {
    const { res, rec, conn } = answer(request);
    expect(res.status).toBe(status);
    expect(conn.state).toBe('closed');
    const err = rec.closedInfo?.error;
    expect(err).toBeInstanceOf(HandshakeError);
    expect((err as HandshakeError).status).toBe(status);
    expect(rec.opened).toBeNull();
    if (status === 426) expect(res.headers.get('sec-websocket-version')).toBe('13');
  });

  it('a repeated Sec-WebSocket-Key → 400', () => {
    const text =
      'GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\n\r\n';
    const { res } = answer(new Uint8Array(Buffer.from(text, 'latin1')));
    expect(res.status).toBe(400);
  });

  it('accepts tokens case-insensitively and in lists (Connection: keep-alive, Upgrade)', () => {
    const { res } = answer(
      clientRequest({ Connection: 'keep-alive, Upgrade', Upgrade: 'WebSocket' }),
    );
    expect(res.status).toBe(101);
  });

  it('an oversized handshake → 431, before the blank line arrives', () => {
    const { rec, conn } = server({ maxHandshakeSize: 1024 });
    const head = Buffer.from(
      `GET / HTTP/1.1\r\nHost: h\r\nX-Padding: ${'a'.repeat(600)}`,
      'latin1',
    );
    conn.receiveData(new Uint8Array(head));
    expect(conn.state).toBe('connecting');
    conn.receiveData(new Uint8Array(Buffer.from('b'.repeat(600), 'latin1')));
    expect(conn.state).toBe('closed');
    expect(parseResponse(rec.takeText()).status).toBe(431);
    expect((rec.closedInfo?.error as HandshakeError).status).toBe(431);
  });

  it('the default handshake limit is 16 KiB', () => {
    const ok = answer(clientRequest({ 'X-Pad': 'a'.repeat(15 * 1024) }));
    expect(ok.res.status).toBe(101);
    const big = answer(clientRequest({ 'X-Pad': 'a'.repeat(17 * 1024) }));
    expect(big.res.status).toBe(431);
  });

  it('close() while the request waits for a decision answers 503', () => {
    const { rec, conn } = server();
    rec.request = () => {};
    conn.receiveData(clientRequest());
    conn.close();
    expect(parseResponse(rec.takeText()).status).toBe(503);
    expect(conn.state).toBe('closed');
  });

  it('a transport loss during the handshake reports 1006', () => {
    const { rec, conn } = server();
    conn.receiveData(new Uint8Array(Buffer.from('GET / HTTP/1.1\r\n')));
    conn.receiveData(null);
    expect(rec.closedInfo?.code).toBe(1006);
    expect(rec.closedInfo?.wasClean).toBe(false);
    expect(rec.out).toHaveLength(0);
  });
});

describe('invalid server responses (client role)', () => {
  const cases: Array<[string, (key: string) => Uint8Array, number]> = [
    ['HTTP 403', (k) => response(k, [], '403 Forbidden'), 403],
    ['HTTP 200', (k) => response(k, [], '200 OK'), 200],
    [
      'no Upgrade header',
      (k) =>
        new Uint8Array(
          Buffer.from(
            `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(k)}\r\n\r\n`,
          ),
        ),
      502,
    ],
    [
      'no Connection header',
      (k) =>
        new Uint8Array(
          Buffer.from(
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ${acceptKey(k)}\r\n\r\n`,
          ),
        ),
      502,
    ],
    ['a wrong accept value', () => response('AAAAAAAAAAAAAAAAAAAAAA=='), 502],
    ['a malformed status line', () => new Uint8Array(Buffer.from('HTTP/1.1 abc\r\n\r\n')), 502],
    [
      'an extension that was not offered',
      (k) => response(k, ['Sec-WebSocket-Extensions: x-foo']),
      502,
    ],
  ];
  it.each(cases)('%s → HandshakeError with status %i', (_name, make, status) => {
    const { rec, conn } = client();
    conn.initiate({ host: 'h' });
    conn.receiveData(make(keyOf(rec.takeText())));
    expect(conn.state).toBe('closed');
    const err = rec.closedInfo?.error as HandshakeError;
    expect(err).toBeInstanceOf(HandshakeError);
    expect(err.status).toBe(status);
    expect(rec.closedInfo?.wasClean).toBe(false);
    expect(rec.opened).toBeNull();
    // A client never answers an HTTP response with bytes of its own.
    expect(rec.out).toHaveLength(0);
  });

  it('an oversized response fails the client', () => {
    const { rec, conn } = client({ maxHandshakeSize: 512 });
    conn.initiate({ host: 'h' });
    rec.take();
    conn.receiveData(new Uint8Array(Buffer.from(`HTTP/1.1 101 OK\r\nX: ${'a'.repeat(600)}`)));
    expect(conn.state).toBe('closed');
    expect((rec.closedInfo?.error as HandshakeError).status).toBe(431);
  });

  it('API misuse is an InvalidStateError', () => {
    const { conn } = client();
    expect(() => conn.send('x')).toThrow(InvalidStateError);
    conn.initiate({ host: 'h' });
    expect(() => conn.initiate({ host: 'h' })).toThrow(InvalidStateError);
    expect(() => conn.accept()).toThrow(InvalidStateError);
    const s = server();
    expect(() => s.conn.initiate({ host: 'h' })).toThrow(InvalidStateError);
    expect(() => s.conn.accept()).toThrow(InvalidStateError);
  });
});

describe('frames that arrive together with the handshake', () => {
  it('server: request and first frames in one read', () => {
    const { rec, conn } = server();
    const req = clientRequest();
    const f1 = frame({ opcode: 1, payload: 'hello', mask: true });
    const f2 = frame({ opcode: 2, payload: new Uint8Array([1, 2, 3]), mask: true });
    const all = new Uint8Array(req.length + f1.length + f2.length);
    all.set(req);
    all.set(f1, req.length);
    all.set(f2, req.length + f1.length);
    conn.receiveData(all);
    expect(rec.messages).toEqual([
      { data: 'hello', binary: false },
      { data: new Uint8Array([1, 2, 3]), binary: true },
    ]);
  });

  it('server: frames that arrive while accept() is pending are kept for after it', () => {
    const { rec, conn } = server();
    rec.request = () => {};
    conn.receiveData(clientRequest());
    conn.receiveData(frame({ opcode: 1, payload: 'early', mask: true }));
    expect(rec.messages).toHaveLength(0);
    conn.accept();
    expect(rec.messages).toEqual([{ data: 'early', binary: false }]);
  });

  it('client: response and first frames in one read', () => {
    const { rec, conn } = client();
    conn.initiate({ host: 'h' });
    const res = response(keyOf(rec.takeText()));
    const f = frame({ opcode: 1, payload: 'welcome' });
    const all = new Uint8Array(res.length + f.length);
    all.set(res);
    all.set(f, res.length);
    conn.receiveData(all);
    expect(rec.messages).toEqual([{ data: 'welcome', binary: false }]);
    // The client's frames are masked.
    conn.send('x');
    const [out] = decodeFrames(rec.take());
    expect(out?.masked).toBe(true);
  });
});
