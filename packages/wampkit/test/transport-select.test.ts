/**
 * Transport selection by URL (`#open-transport`): in Node, ws:// goes to the WebSocket
 * transport and rs://, tcp://, unix:// to @wampkit/transport-rawsocket (loaded on demand); the
 * browser module refuses RawSocket URLs with a typed error. Also: the RawSocket router's length
 * limit reaches the session (MessageTooBigError before sending), a RawSocket keepalive option,
 * and `createComponent` over a list of URLs.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { jsonSerializer } from '@wampkit/serializers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionRefusedError,
  connect,
  createComponent,
  MessageTooBigError,
  openTransport,
  UnsupportedTransportError,
} from '../src/index.js';
import { openTransport as openTransportBrowser } from '../src/transports/open-browser.js';

let router: StartedRouter;
let small: StartedRouter;
const unixPath = join(tmpdir(), `wampkit-select-${process.pid}.sock`);

beforeAll(async () => {
  router = await startRouter({ rawsocket: true });
  await router.router.listenRawSocket({ path: unixPath });
  small = await startRouter({ maxMessageBytes: 4096, rawsocket: true });
});
afterAll(async () => {
  await router?.close();
  await small?.close();
});

describe('openTransport / connect() by URL scheme', () => {
  it.each([
    ['ws', () => router.url],
    ['rs', () => `rs://127.0.0.1:${router.rawsocket!.port}`],
    ['tcp', () => `tcp://127.0.0.1:${router.rawsocket!.port}`],
    ['unix', () => `unix://${unixPath}`],
  ])('%s:// joins and round-trips a call', async (_scheme, url) => {
    const session = await connect({ url: url(), realm: 'realm1', serializer: 'msgpack' });
    try {
      expect(typeof (await session.call('wamp.session.count')).args[0]).toBe('number');
    } finally {
      await session.leave();
    }
  });

  it('picks the RawSocket transport class for rs:// and the WebSocket one for ws://', async () => {
    const rs = await openTransport(`rs://127.0.0.1:${router.rawsocket!.port}`, {
      serializer: jsonSerializer,
    });
    const ws = await openTransport(router.url, { serializer: jsonSerializer });
    expect(rs.constructor.name).toBe('RawSocketTransport');
    expect(ws.constructor.name).toBe('NodeWebSocketTransport');
    rs.close();
    ws.close();
  });

  it('unknown schemes and bad RawSocket URLs are UnsupportedTransportError', async () => {
    await expect(
      openTransport('http://x:1/', { serializer: jsonSerializer }),
    ).rejects.toBeInstanceOf(UnsupportedTransportError);
    await expect(
      openTransport('rs://host:1/path', { serializer: jsonSerializer }),
    ).rejects.toBeInstanceOf(UnsupportedTransportError);
  });

  it('the browser module refuses RawSocket URLs with a typed error', async () => {
    const err = await openTransportBrowser(`rs://127.0.0.1:${router.rawsocket!.port}`, {
      serializer: jsonSerializer,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedTransportError);
    expect((err as Error).message).toContain('Node only');
  });

  it('refused RawSocket connection: ConnectionRefusedError (a TransportError of the session)', async () => {
    const other = await startRouter({ rawsocket: true });
    const port = other.rawsocket!.port;
    await other.close();
    await expect(
      connect({ url: `rs://127.0.0.1:${port}`, realm: 'realm1' }),
    ).rejects.toBeInstanceOf(ConnectionRefusedError);
  });

  it("a request longer than the RawSocket router's limit fails alone (MessageTooBigError)", async () => {
    const session = await connect({
      url: `rs://127.0.0.1:${small.rawsocket!.port}`,
      realm: 'realm1',
    });
    try {
      const err = await session
        .call('wamp.session.count', ['y'.repeat(5000)])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MessageTooBigError);
      expect((err as MessageTooBigError).limit).toBe(4096);
      const pub = await session
        .publish('com.t', ['y'.repeat(5000)], {}, { acknowledge: true })
        .catch((e: unknown) => e);
      expect(pub).toBeInstanceOf(MessageTooBigError);
      expect(session.isOpen).toBe(true);
      expect(typeof (await session.call('wamp.session.count')).args[0]).toBe('number');
    } finally {
      await session.leave();
    }
  });

  it('keepalive: WebSocket ping in Node, RawSocket PING only when asked', async () => {
    const ws = await openTransport(router.url, {
      serializer: jsonSerializer,
      keepalive: { interval: 1000 },
    });
    const rs = await openTransport(`rs://127.0.0.1:${router.rawsocket!.port}`, {
      serializer: jsonSerializer,
      keepalive: { interval: 1000 },
    });
    const rsPing = await openTransport(`rs://127.0.0.1:${router.rawsocket!.port}`, {
      serializer: jsonSerializer,
      keepalive: { interval: 1000, rawSocketPing: true },
    });
    expect([ws.keepalive, rs.keepalive, rsPing.keepalive]).toEqual([true, false, true]);
    for (const t of [ws, rs, rsPing]) t.close();
  });
});

describe('createComponent', () => {
  it('falls through a list of URLs (refused RawSocket first) and reconnects', async () => {
    const dead = await startRouter({ rawsocket: true });
    const deadUrl = `rs://127.0.0.1:${dead.rawsocket!.port}`;
    await dead.close();
    const c = createComponent({
      realm: 'realm1',
      transports: [
        deadUrl,
        { url: `rs://127.0.0.1:${router.rawsocket!.port}`, serializer: 'cbor' },
      ],
      registrations: [{ procedure: 'com.select.echo', handler: (inv) => inv.args[0] }],
      reconnect: { initialDelay: 20, maxDelay: 100 },
    });
    const errors: unknown[] = [];
    c.on('error', (e) => errors.push(e));
    try {
      await c.start();
      expect(errors[0]).toBeInstanceOf(ConnectionRefusedError);
      expect((await c.call('com.select.echo', [7])).args).toEqual([7]);
    } finally {
      await c.stop();
    }
    expect(c.state).toBe('stopped');
  });
});
