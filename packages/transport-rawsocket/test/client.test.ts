/**
 * The RawSocket client transport against @wampkit/router's RawSocket listener: every serializer
 * over TCP, the Unix socket URL forms, TLS with CA verification and client certificates, both
 * maximum-length directions, and PING/PONG keepalive with a router that answers.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { jsonSerializer, type Serializer } from '@wampkit/serializers';
import { cborSerializer } from '@wampkit/serializers/cbor';
import { flatbuffersSerializer } from '@wampkit/serializers/flatbuffers';
import { msgpackSerializer } from '@wampkit/serializers/msgpack';
import { ubjsonSerializer } from '@wampkit/serializers/ubjson';
import { ApplicationError, joinSession, Result, type Session } from '@wampkit/session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRawSocket,
  MessageTooBigError,
  type RawSocketTransportOptions,
} from '../src/index.js';
import { makeTestCerts, type TestCerts } from './certs.js';

const SERIALIZERS: [string, Serializer][] = [
  ['json', jsonSerializer],
  ['msgpack', msgpackSerializer],
  ['cbor', cborSerializer],
  ['ubjson', ubjsonSerializer],
  ['flatbuffers', flatbuffersSerializer],
];

let router: StartedRouter;
let certs: TestCerts;
let tlsUrl: string;
let tlsClientCertUrl: string;
let unixPath: string;
const seenTransports: Record<string, unknown>[] = [];

beforeAll(async () => {
  certs = makeTestCerts();
  unixPath = join(tmpdir(), `wampkit-rs-${process.pid}-${Date.now()}.sock`);
  router = await startRouter({ realms: ['realm1'], rawsocket: true, maxMessageBytes: 64 * 1024 });
  const r = router.router;
  await r.listenRawSocket({ path: unixPath });
  tlsUrl = (await r.listenRawSocket({ tls: { cert: certs.serverCert, key: certs.serverKey } })).url;
  tlsClientCertUrl = (
    await r.listenRawSocket({
      tls: {
        cert: certs.serverCert,
        key: certs.serverKey,
        ca: certs.ca,
        requestCert: true,
        rejectUnauthorized: true,
      },
    })
  ).url;
  await joinAndRegisterEcho();
});

afterAll(async () => {
  await router?.close();
  rmSync(unixPath, { force: true });
  certs?.cleanup();
});

/** A callee on the router (over RawSocket JSON) that echoes, and reports its caller's transport. */
let callee: Session;
async function joinAndRegisterEcho() {
  callee = await joinSession(
    await connectRawSocket(router.rawsocket?.url ?? '', { serializer: jsonSerializer }),
    { realm: 'realm1' },
  );
  await callee.register('test.echo', (inv) => new Result(inv.args));
  await callee.register('test.blob', (inv) => 'x'.repeat(inv.args[0] as number));
  await callee.register(
    'test.whoami',
    async (inv) => {
      const info = await callee.call('wamp.session.get', [inv.caller]);
      seenTransports.push(info.args[0] as Record<string, unknown>);
      return 'ok';
    },
    { discloseCaller: true },
  );
}

async function open(
  url: string,
  options: Omit<RawSocketTransportOptions, 'serializer'> & { serializer?: Serializer } = {},
) {
  const transport = await connectRawSocket(url, { serializer: jsonSerializer, ...options });
  const session = await joinSession(transport, { realm: 'realm1' });
  return { transport, session };
}

describe.each(SERIALIZERS)('over TCP with %s', (name, serializer) => {
  it('joins, calls, publishes and receives events', async () => {
    const { transport, session } = await open(router.rawsocket?.url ?? '', { serializer });
    expect(transport.serializer.id).toBe(name);
    const bytes = new Uint8Array([0, 1, 255]);
    const r = await session.call('test.echo', ['hi', 42, bytes]);
    expect(r.args[0]).toBe('hi');
    expect(r.args[1]).toBe(42);
    expect(new Uint8Array(r.args[2] as Uint8Array)).toEqual(bytes);
    const got = new Promise<unknown[]>((resolve) => {
      void session.subscribe(`test.topic.${name}`, (ev) => resolve(ev.args));
    });
    await new Promise((r) => setTimeout(r, 0));
    const sub2 = await session.subscribe(`test.topic2.${name}`);
    await session.publish(`test.topic2.${name}`, [1], {}, { acknowledge: true, excludeMe: false });
    const first = await sub2[Symbol.asyncIterator]().next();
    expect(first.value.args).toEqual([1]);
    await session.publish(
      `test.topic.${name}`,
      ['ev'],
      {},
      { acknowledge: true, excludeMe: false },
    );
    expect(await got).toEqual(['ev']);
    const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) => {
      const prev = transport.onclose;
      transport.onclose = (e) => {
        prev?.(e);
        resolve(e);
      };
    });
    await session.leave();
    expect(await closed).toMatchObject({ code: 1000, wasClean: true });
  });
});

describe('URL forms', () => {
  it.each([
    ['tcp://', () => `tcp://127.0.0.1:${router.rawsocket?.port}`],
    ['rs://', () => `rs://127.0.0.1:${router.rawsocket?.port}`],
    ['unix:///path', () => `unix://${unixPath}`],
    ['rs://unix:/path', () => `rs://unix:${unixPath}`],
  ])('%s connects', async (_label, url) => {
    const { session } = await open(url());
    expect((await session.call('test.echo', [url()])).args).toEqual([url()]);
    await session.leave();
  });
});

describe('TLS', () => {
  it('verifies the router against the given CA (rss:// with servername localhost)', async () => {
    const port = new URL(tlsUrl.replace('rss:', 'http:')).port;
    const { transport, session } = await open(`rss://localhost:${port}`, {
      tls: { ca: certs.ca },
    });
    expect(transport.endpoint).toEqual({
      kind: 'tcp',
      host: 'localhost',
      port: Number(port),
      tls: true,
    });
    expect((await session.call('test.echo', ['secure'])).args).toEqual(['secure']);
    await session.call('test.whoami');
    expect(seenTransports.at(-1)?.transport).toMatchObject({ type: 'rawsocket', tls: true });
    await session.leave();
  });

  it('checks the IP address SAN when the URL has an IP (tls://127.0.0.1)', async () => {
    const { session } = await open(tlsUrl.replace('rss:', 'tls:'), { tls: { ca: certs.ca } });
    await session.leave();
  });

  it('presents a client certificate to a router that requires one', async () => {
    const { session } = await open(tlsClientCertUrl, {
      tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
    });
    expect((await session.call('test.echo', ['mtls'])).args).toEqual(['mtls']);
    await session.leave();
  });
});

describe('maximum message length', () => {
  it('negotiates both limits (router 64 KiB; ours rounded down to a power of two)', async () => {
    const { transport, session } = await open(router.rawsocket?.url ?? '', {
      maxMessageLength: 3000,
    });
    expect(transport.maxSendLength).toBe(64 * 1024);
    expect(transport.maxReceiveLength).toBe(2048);
    // The router does not send a RESULT above our limit: the caller gets an ERROR instead.
    expect((await session.call('test.blob', [1000])).args[0]).toHaveLength(1000);
    const err = await session.call('test.blob', [4000]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationError);
    expect((err as ApplicationError).uri).toBe('wamp.error.invalid_argument');
    expect((await session.call('test.echo', ['still here'])).args).toEqual(['still here']);
    await session.leave();
  });

  it('the session refuses a request above the router limit (MessageTooBigError), and goes on', async () => {
    const { transport, session } = await open(router.rawsocket?.url ?? '');
    expect(transport.maxMessageLength).toBe(64 * 1024);
    const err = await session.call('test.echo', ['y'.repeat(70_000)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessageTooBigError);
    expect((err as MessageTooBigError).limit).toBe(64 * 1024);
    expect((await session.call('test.echo', ['still here'])).args).toEqual(['still here']);
    await session.leave();
  });

  it('the transport fails with MessageTooBigError (1009) rather than send above the router limit', async () => {
    const { transport, session } = await open(router.rawsocket?.url ?? '');
    const closed = new Promise<{ code: number; error?: Error }>((resolve) => {
      const prev = transport.onclose;
      transport.onclose = (e) => {
        prev?.(e);
        resolve(e);
      };
    });
    // Below the session's own check: a raw send of an over-long message.
    transport.send(new Uint8Array(70_000));
    const event = await closed;
    expect((await session.closed).reason).toBe('wamp.close.transport_lost');
    expect(event.code).toBe(1009);
    expect(event.error).toBeInstanceOf(MessageTooBigError);
    expect((event.error as MessageTooBigError).limit).toBe(64 * 1024);
  });
});

describe('keepalive', () => {
  it('sends PINGs that the router answers, and stays open', async () => {
    const { transport, session } = await open(router.rawsocket?.url ?? '', {
      pingInterval: 20,
      pingTimeout: 5000,
    });
    while (transport.pongsReceived < 3) await new Promise((r) => setTimeout(r, 20));
    expect(transport.isOpen).toBe(true);
    expect((await session.call('test.echo', ['alive'])).args).toEqual(['alive']);
    await session.leave();
  });
});
