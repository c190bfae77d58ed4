/**
 * wampkit/basic against a router that misbehaves: a scripted WebSocket server (the `ws` package)
 * answers HELLO with WELCOME and then sends one malformed or unexpected message. The client
 * must answer with ABORT `wamp.error.protocol_violation`, reject what was pending with
 * SessionClosedError, resolve `closed` with the ProtocolViolationError, and never throw or hang.
 * Also the JSON codec's own rules, which are those of @wampkit/serializers' JSON serializer.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket as ServerSocket, WebSocket, WebSocketServer } from 'ws';
import {
  type BasicConnectOptions,
  checkIncoming,
  connect,
  json,
  ProtocolViolationError,
  SerializationError,
  SessionClosedError,
} from '../src/basic/index.js';

const WS = WebSocket as unknown as BasicConnectOptions['WebSocket'];

/** What the scripted router does once a client connected: answer HELLO, then `script`. */
type Script = (socket: ServerSocket, received: unknown[][]) => void;
let script: Script = () => {};
let server: WebSocketServer;
let url: string;
/** Messages the scripted router received, per connection (newest last). */
const connections: unknown[][][] = [];

beforeAll(async () => {
  server = new WebSocketServer({
    port: 0,
    handleProtocols: (p) => (p.has('wamp.2.json') ? 'wamp.2.json' : false),
  });
  await new Promise((r) => server.once('listening', r));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  server.on('connection', (socket) => {
    const received: unknown[][] = [];
    connections.push(received);
    const run = script;
    socket.on('message', (data) => {
      received.push(JSON.parse(String(data)) as unknown[]);
      run(socket, received);
    });
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const WELCOME = JSON.stringify([2, 1234, { roles: { dealer: {}, broker: {} }, authrole: 'user' }]);

/** After WELCOME and the client's first CALL (request 1), the router sends `raw`. */
function afterCall(raw: string | Buffer): Script {
  return (socket, received) => {
    const last = received[received.length - 1];
    if (last?.[0] === 1) socket.send(WELCOME);
    else if (last?.[0] === 48) socket.send(raw);
  };
}

async function expectViolation(raw: string | Buffer, pattern: RegExp): Promise<void> {
  script = afterCall(raw);
  const session = await connect({ url, realm: 'r', WebSocket: WS, onError: () => {} });
  const received = connections[connections.length - 1] as unknown[][];
  const call = session.call('com.x', [1]);
  await expect(call).rejects.toBeInstanceOf(SessionClosedError);
  const info = await session.closed;
  expect(info.reason).toBe('wamp.error.protocol_violation');
  expect(info.error).toBeInstanceOf(ProtocolViolationError);
  expect(info.error?.message).toMatch(pattern);
  expect(session.isOpen).toBe(false);
  // The ABORT reached the router before the connection closed.
  await expect
    .poll(() => received.find((m) => m[0] === 3))
    .toEqual([3, { message: info.error?.message }, 'wamp.error.protocol_violation']);
}

describe('wampkit/basic answers a malformed message with ABORT protocol_violation', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['invalid JSON', '[50, 1, {', /invalid JSON/],
    ['a dict instead of a list', '{"a": 1}', /non-empty list/],
    ['an empty list', '[]', /non-empty list/],
    ['a string type code', '["x"]', /unexpected message type "x"/],
    ['an unknown type code', '[999, 1]', /unexpected message type 999/],
    ['a message for routers (CALL)', '[48, 1, {}, "com.x"]', /unexpected message type 48/],
    ['RESULT too short', '[50, 1]', /with 1 elements/],
    ['RESULT too long', '[50, 1, {}, [], {}, 5]', /with 5 elements/],
    ['a negative ID', '[50, -1, {}]', /element 1 must be an ID/],
    ['a fractional ID', '[50, 1.5, {}]', /element 1 must be an ID/],
    // Beyond 2^53 no JSON literal is exact: refused as such before the ID check sees it.
    ['an ID over 2^53', '[50, 9007199254740994, {}]', /9007199254740994 is beyond 2\^53/],
    ['an inexact integer literal', '[50, 1, {}, [12345678901234567890]]', /beyond 2\^53/],
    ['details not a dict', '[50, 1, []]', /element 2 must be a dict/],
    ['args not a list', '[50, 1, {}, {}]', /element 3 must be a list/],
    ['kwargs not a dict', '[50, 1, {}, [], []]', /element 4 must be a dict/],
    ['RESULT of an unknown request', '[50, 7, {}]', /request 7/],
    ['a progressive RESULT nobody asked for', '[50, 1, {"progress": true}]', /progressive/],
    ['a reply of the wrong kind', '[17, 1, 5]', /request 1/],
    ['ERROR with an invalid URI', '[8, 48, 1, {}, "not a uri"]', /element 4 must be a URI/],
    ['EVENT of an unknown subscription', '[36, 99, 1, {}]', /subscription 99/],
    ['INVOCATION of an unknown registration', '[68, 5, 99, {}]', /registration 99/],
    ['a second WELCOME', WELCOME, /message type 2 in an established session/],
    ['CHALLENGE after WELCOME', '[4, "ticket", {}]', /message type 4 in an established session/],
    ['invalid base64 binary', '[50, 1, {}, ["\\u0000!!!"]]', /base64/],
    [
      'invalid UTF-8 in a binary frame',
      Buffer.from([0x5b, 0x35, 0x30, 0xff, 0x5d]),
      /invalid JSON/,
    ],
  ];
  it.each(cases)('%s', async (_name, raw, pattern) => {
    await expectViolation(raw, pattern);
  });
});

describe('wampkit/basic while joining', () => {
  it('fails the join with the ProtocolViolationError for a message before WELCOME', async () => {
    script = (socket, received) => {
      if (received[received.length - 1]?.[0] === 1) socket.send('[50, 1, {}]');
    };
    const joined = connect({ url, realm: 'r', WebSocket: WS });
    await expect(joined).rejects.toBeInstanceOf(ProtocolViolationError);
    const received = connections[connections.length - 1] as unknown[][];
    await expect
      .poll(() => received.find((m) => m[0] === 3)?.[2])
      .toBe('wamp.error.protocol_violation');
  });

  it('refuses a CHALLENGE for a method it did not offer', async () => {
    script = (socket, received) => {
      if (received[received.length - 1]?.[0] === 1) socket.send('[4, "wampcra", {}]');
    };
    const joined = connect({
      url,
      realm: 'r',
      WebSocket: WS,
      authmethods: ['ticket'],
      onChallenge: () => ({ signature: 'never sent' }),
    });
    await expect(joined).rejects.toThrow(/wampcra.*not offered/);
  });

  it('answers a failing onChallenge with ABORT cannot_authenticate', async () => {
    script = (socket, received) => {
      if (received[received.length - 1]?.[0] === 1) socket.send('[4, "ticket", {}]');
    };
    const joined = connect({
      url,
      realm: 'r',
      WebSocket: WS,
      authmethods: ['ticket'],
      onChallenge: () => {
        throw new Error('no ticket at hand');
      },
    });
    await expect(joined).rejects.toBeInstanceOf(SessionClosedError);
    const received = connections[connections.length - 1] as unknown[][];
    await expect
      .poll(() => received.find((m) => m[0] === 3))
      .toEqual([3, { message: 'no ticket at hand' }, 'wamp.error.cannot_authenticate']);
  });

  it('times out a router that never answers HELLO', async () => {
    script = () => {};
    await expect(connect({ url, realm: 'r', WebSocket: WS, connectTimeout: 200 })).rejects.toThrow(
      /not joined within 200 ms/,
    );
  });

  it('closes the transport when the router never answers GOODBYE', async () => {
    script = (socket, received) => {
      if (received[received.length - 1]?.[0] === 1) socket.send(WELCOME);
    };
    const session = await connect({ url, realm: 'r', WebSocket: WS });
    const info = await session.leave();
    expect(info.initiator).toBe('transport');
    expect(info.clean).toBe(false);
  }, 15_000);
});

describe('wampkit/basic message check', () => {
  it('refuses IDs outside [0, 2^53] however they were decoded', () => {
    expect(checkIncoming([50, 2 ** 53, {}])).toEqual([50, 2 ** 53, {}]);
    expect(() => checkIncoming([50, 2 ** 53 + 2, {}])).toThrow(/element 1 must be an ID/);
    expect(() => checkIncoming([17, 1, Number.NaN])).toThrow(/element 2 must be an ID/);
    expect(() => checkIncoming([33, 1, '5'])).toThrow(/element 2 must be an ID/);
  });
});

describe('wampkit/basic JSON codec', () => {
  it('refuses what JSON cannot carry faithfully', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      [undefined],
      '\0looks binary',
      10n,
      () => 1,
      Symbol('s'),
      cyclic,
    ]) {
      expect(() => json.encode([50, 1, {}, [bad]])).toThrow(SerializationError);
    }
  });

  it('drops undefined dict values and carries binary as NUL + base64', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const text = json.encode([50, 1, { a: undefined, b: 2 }, [all, new Uint8Array(0)]]);
    expect(text).toBe(`[50,1,{"b":2},["\\u0000${Buffer.from(all).toString('base64')}","\\u0000"]]`);
    expect(json.decode(text)).toEqual([50, 1, { b: 2 }, [all, new Uint8Array(0)]]);
    const big = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);
    expect(json.decode(json.encode([big]) as string)).toEqual([big]);
  });

  it('accepts integers up to 2^53 and floats, refuses inexact integer literals', () => {
    expect(json.decode('[9007199254740992, -9007199254740992, 1e300, 123456789012345.5]')).toEqual([
      2 ** 53,
      -(2 ** 53),
      1e300,
      123456789012345.5,
    ]);
    expect(json.decode('["12345678901234567890"]')).toEqual(['12345678901234567890']);
    expect(() => json.decode('[9007199254740993]')).toThrow(ProtocolViolationError);
    expect(() => json.decode(new Uint8Array([0x5b, 0xc3, 0x28, 0x5d]))).toThrow(
      ProtocolViolationError,
    );
  });
});
