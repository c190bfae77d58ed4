/**
 * The Node WebSocket transport on real sockets, on both implementations (@wampkit/framing and
 * `ws`): TLS with verification on by default (CA, wrong host, self-signed, client
 * certificates), HTTP CONNECT proxies, typed errors for refused connections and refused
 * upgrades, WebSocket PING keepalive and the WAMP-level probe against a peer that goes silent
 * without closing, and the outgoing length limit.
 */
import net from 'node:net';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { jsonSerializer } from '@wampkit/serializers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts, type TestCerts } from '../../transport-rawsocket/test/certs.js';
import {
  ConnectionRefusedError,
  HandshakeFailedError,
  joinSession,
  KeepaliveTimeoutError,
  MessageTooBigError,
  ProxyError,
  SessionClosedError,
  startSessionProbe,
  TlsError,
  type Transport,
  TransportError,
  UnsupportedTransportError,
} from '../src/index.js';
import {
  connectWebSocket,
  type WebSocketTransportOptions,
} from '../src/transports/websocket-node.js';
import { startRelay } from './relay.js';

const IMPLEMENTATIONS = ['wampkit', 'ws'] as const;

let certs: TestCerts;
let plain: StartedRouter;
let secure: StartedRouter;
let selfSigned: StartedRouter;
let mutualTls: StartedRouter;

beforeAll(async () => {
  certs = makeTestCerts();
  plain = await startRouter({ path: '/ws' });
  secure = await startRouter({ tls: { key: certs.serverKey, cert: certs.serverCert } });
  selfSigned = await startRouter({ tls: { key: certs.selfSignedKey, cert: certs.selfSignedCert } });
  mutualTls = await startRouter({
    tls: {
      key: certs.serverKey,
      cert: certs.serverCert,
      ca: certs.ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
  });
});

afterAll(async () => {
  await Promise.all([plain, secure, selfSigned, mutualTls].map((r) => r?.close()));
  certs?.cleanup();
});

function open(url: string, options: Partial<WebSocketTransportOptions> = {}): Promise<Transport> {
  return connectWebSocket(url, { serializer: jsonSerializer, handshakeTimeout: 5000, ...options });
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const err = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

async function roundTrip(transport: Transport): Promise<void> {
  const session = await joinSession(transport, { realm: 'realm1' });
  const result = await session.call('wamp.session.count');
  expect(typeof result.args[0]).toBe('number');
  await session.leave();
}

/** A minimal HTTP CONNECT proxy (RFC 9110 §9.3.6) that records the tunnels it opened. */
async function startConnectProxy(credentials?: string) {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method, authority = ''] = (lines[0] ?? '').split(' ');
      if (method !== 'CONNECT') {
        client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        return;
      }
      const expected = `Proxy-Authorization: Basic ${Buffer.from(credentials ?? '').toString('base64')}`;
      if (credentials !== undefined && !lines.includes(expected)) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
        return;
      }
      const colon = authority.lastIndexOf(':');
      const upstream = net.connect(Number(authority.slice(colon + 1)), authority.slice(0, colon));
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.once('connect', () => {
        tunnels.push(authority);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head.subarray(end + 4));
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(IMPLEMENTATIONS)('Node WebSocket transport (%s)', (implementation) => {
  it('joins over ws:// and round-trips a call', async () => {
    const transport = await open(`${plain.url}`, { implementation });
    expect(transport.constructor.name).toBe(
      implementation === 'ws' ? 'WsPackageTransport' : 'NodeWebSocketTransport',
    );
    await roundTrip(transport);
  });

  it('refused connection: ConnectionRefusedError with code ECONNREFUSED', async () => {
    const port = await freePort();
    const err = await failure(open(`ws://127.0.0.1:${port}/ws`, { implementation }));
    expect(err).toBeInstanceOf(ConnectionRefusedError);
    expect(err.code).toBe('ECONNREFUSED');
  });

  it('refused upgrade (HTTP 404): HandshakeFailedError with the status', async () => {
    const url = plain.url.replace(/\/ws$/, '/elsewhere');
    const err = await failure(open(url, { implementation }));
    expect(err).toBeInstanceOf(HandshakeFailedError);
    expect((err as HandshakeFailedError).status).toBe(404);
  });

  it('wss:// with the CA verifies and joins', async () => {
    await roundTrip(await open(secure.url, { implementation, tls: { ca: certs.ca } }));
  });

  it('wss:// verification is on by default: unknown CA is a TlsError', async () => {
    const err = await failure(open(secure.url, { implementation }));
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('wss:// self-signed certificate without a CA: TlsError', async () => {
    const err = await failure(open(selfSigned.url, { implementation }));
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.message).toContain('tls.ca');
  });

  it('wss:// wrong host name: TlsError ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const err = await failure(
      open(secure.url, { implementation, tls: { ca: certs.ca, servername: 'wrong.example.org' } }),
    );
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('wss:// with rejectUnauthorized: false accepts a self-signed certificate', async () => {
    await roundTrip(
      await open(selfSigned.url, { implementation, tls: { rejectUnauthorized: false } }),
    );
  });

  it('client certificate: accepted with cert/key, refused (TlsError) without', async () => {
    await roundTrip(
      await open(mutualTls.url, {
        implementation,
        tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
      }),
    );
    const err = await failure(
      open(mutualTls.url, { implementation, tls: { ca: certs.ca } }).then(roundTrip),
    );
    expect(err).toBeInstanceOf(TlsError);
  });

  it('tunnels ws:// and wss:// through an HTTP CONNECT proxy (with credentials)', async () => {
    const proxy = await startConnectProxy('user:pa ss');
    try {
      const proxyUrl = proxy.url.replace('http://', 'http://user:pa%20ss@');
      await roundTrip(await open(plain.url, { implementation, proxy: proxyUrl }));
      await roundTrip(
        await open(secure.url, { implementation, proxy: proxyUrl, tls: { ca: certs.ca } }),
      );
      expect(proxy.tunnels).toEqual([`127.0.0.1:${plain.port}`, `127.0.0.1:${secure.port}`]);
      // TLS runs end to end through the tunnel: verification still applies.
      const err = await failure(open(selfSigned.url, { implementation, proxy: proxyUrl }));
      expect(err).toBeInstanceOf(TlsError);
    } finally {
      await proxy.close();
    }
  });

  it('proxy errors: ProxyError with the status (407) or when unreachable', async () => {
    const proxy = await startConnectProxy('user:secret');
    try {
      const err = await failure(open(plain.url, { implementation, proxy: proxy.url }));
      expect(err).toBeInstanceOf(ProxyError);
      expect((err as ProxyError).status).toBe(407);
    } finally {
      await proxy.close();
    }
    const gone = await failure(
      open(plain.url, { implementation, proxy: `http://127.0.0.1:${await freePort()}` }),
    );
    expect(gone).toBeInstanceOf(ProxyError);
    expect(gone.code).toBe('ECONNREFUSED');
  });

  it('keepalive: a peer that goes silent fails the transport with KeepaliveTimeoutError', async () => {
    const relay = await startRelay(plain.port);
    try {
      const transport = await open(`ws://127.0.0.1:${relay.port}/ws`, {
        implementation,
        keepalive: { interval: 100, timeout: 200 },
      });
      expect(transport.keepalive).toBe(true);
      const session = await joinSession(transport, { realm: 'realm1' });
      // PONGs keep a live connection open over many intervals.
      await new Promise((r) => setTimeout(r, 600));
      expect(session.isOpen).toBe(true);
      await session.call('wamp.session.count');
      relay.freeze();
      const err = await session.call('wamp.session.count').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionClosedError);
      expect((err as SessionClosedError).reason).toBe('wamp.close.transport_lost');
      expect((err as Error).cause).toBeInstanceOf(KeepaliveTimeoutError);
    } finally {
      await relay.close();
    }
  });

  it('WAMP-level probe detects a silent peer on a transport without ping', async () => {
    const relay = await startRelay(plain.port);
    try {
      const transport = await open(`ws://127.0.0.1:${relay.port}/ws`, { implementation });
      expect(transport.keepalive).toBe(false);
      const session = await joinSession(transport, { realm: 'realm1' });
      startSessionProbe(session, transport, { interval: 100, timeout: 200 });
      await new Promise((r) => setTimeout(r, 500));
      expect(session.isOpen).toBe(true);
      relay.freeze();
      const info = await session.closed;
      expect(info.reason).toBe('wamp.close.transport_lost');
      expect(info.error).toBeInstanceOf(KeepaliveTimeoutError);
    } finally {
      await relay.close();
    }
  });

  it('maxSendLength: a longer request rejects with MessageTooBigError; the session goes on', async () => {
    const session = await joinSession(
      await open(plain.url, { implementation, maxSendLength: 1000 }),
      {
        realm: 'realm1',
      },
    );
    const err = await session
      .call('wamp.session.count', ['x'.repeat(2000)])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessageTooBigError);
    expect((err as MessageTooBigError).limit).toBe(1000);
    // Multi-byte text is counted in UTF-8 bytes (3 per character here).
    const wide = await session
      .call('wamp.session.count', ['€'.repeat(400)])
      .catch((e: unknown) => e);
    expect(wide).toBeInstanceOf(MessageTooBigError);
    expect(session.isOpen).toBe(true);
    expect(typeof (await session.call('wamp.session.count')).args[0]).toBe('number');
    expect(session.pendingCount).toBe(0);
    await session.leave();
  });
});

it('bad URLs are UnsupportedTransportError', async () => {
  await expect(open('http://127.0.0.1:1/')).rejects.toBeInstanceOf(UnsupportedTransportError);
  await expect(open('not a url')).rejects.toBeInstanceOf(UnsupportedTransportError);
});
