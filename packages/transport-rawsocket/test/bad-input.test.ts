/**
 * Faults on the client side, each a typed TransportError: refused connections (TCP, Unix),
 * TLS verification failures (self-signed without CA, wrong host name), handshake replies that
 * refuse or are not RawSocket, a router that closes or never answers, an over-length frame,
 * a missing PONG, and aborts. The "routers" here are plain sockets sending chosen bytes.
 */
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { RawSocketMessageTooBigError, RawSocketRefusedError } from '@wampkit/framing/rawsocket';
import { jsonSerializer } from '@wampkit/serializers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionLostError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  connectRawSocket,
  HandshakeFailedError,
  InvalidUrlError,
  KeepaliveTimeoutError,
  parseRawSocketUrl,
  TlsError,
  TransportError,
  TransportProtocolError,
} from '../src/index.js';
import { makeTestCerts, type TestCerts } from './certs.js';

const servers: net.Server[] = [];
let certs: TestCerts;

beforeAll(() => {
  certs = makeTestCerts();
});
afterAll(async () => {
  for (const s of servers) s.close();
  certs?.cleanup();
});

/** A fake router: runs `onSocket` for each connection; resolves with its tcp:// URL. */
async function fakeRouter(
  onSocket: (socket: net.Socket) => void,
  tlsOptions?: tls.TlsOptions,
): Promise<string> {
  const server = tlsOptions ? tls.createServer(tlsOptions, onSocket) : net.createServer(onSocket);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return `${tlsOptions ? 'tls' : 'tcp'}://127.0.0.1:${port}`;
}

/** Answers the client's 4 handshake octets with `reply`, then runs `after`. */
function replying(reply: number[], after?: (socket: net.Socket) => void) {
  return (socket: net.Socket) => {
    socket.on('error', () => {});
    let got = 0;
    socket.on('data', (chunk) => {
      if (got >= 4) return;
      got += chunk.length;
      if (got >= 4) {
        socket.write(Uint8Array.from(reply));
        after?.(socket);
      }
    });
  };
}

async function failure(url: string, options: Partial<Parameters<typeof connectRawSocket>[1]> = {}) {
  const err = await connectRawSocket(url, { serializer: jsonSerializer, ...options }).then(
    (t) => {
      t.close();
      throw new Error('connected unexpectedly');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('refused connections', () => {
  it('TCP: ConnectionRefusedError with code ECONNREFUSED', async () => {
    const err = await failure(`tcp://127.0.0.1:${await freePort()}`);
    expect(err).toBeInstanceOf(ConnectionRefusedError);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toMatch(/connection refused by 127\.0\.0\.1:\d+/);
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('Unix socket: ConnectionRefusedError with code ENOENT', async () => {
    const path = join(tmpdir(), `wampkit-missing-${process.pid}.sock`);
    const err = await failure(`unix://${path}`);
    expect(err).toBeInstanceOf(ConnectionRefusedError);
    expect(err.code).toBe('ENOENT');
    expect(err.message).toContain(path);
  });
});

describe('TLS errors', () => {
  it('a self-signed certificate without a CA: TlsError DEPTH_ZERO_SELF_SIGNED_CERT', async () => {
    const url = await fakeRouter(replying([0x7f, 0xf1, 0, 0]), {
      cert: certs.selfSignedCert,
      key: certs.selfSignedKey,
    });
    const err = await failure(url);
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.message).toMatch(/not trusted.*tls\.ca/);
    // Trusting that very certificate makes it work.
    const t = await connectRawSocket(url, {
      serializer: jsonSerializer,
      tls: { ca: certs.selfSignedCert },
    });
    t.close();
  });

  it('a certificate from an unknown CA: TlsError UNABLE_TO_VERIFY_LEAF_SIGNATURE', async () => {
    const url = await fakeRouter(replying([0x7f, 0xf1, 0, 0]), {
      cert: certs.serverCert,
      key: certs.serverKey,
    });
    const err = await failure(url);
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('the wrong host name: TlsError ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const url = await fakeRouter(replying([0x7f, 0xf1, 0, 0]), {
      cert: certs.serverCert,
      key: certs.serverKey,
    });
    const err = await failure(url, { tls: { ca: certs.ca, servername: 'router.example.org' } });
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(err.message).toMatch(/does not match the host name/);
  });

  it('rejectUnauthorized: false skips verification (explicit opt-out)', async () => {
    const url = await fakeRouter(replying([0x7f, 0xf1, 0, 0]), {
      cert: certs.selfSignedCert,
      key: certs.selfSignedKey,
    });
    const t = await connectRawSocket(url, {
      serializer: jsonSerializer,
      tls: { rejectUnauthorized: false },
    });
    expect(t.isOpen).toBe(true);
    t.close();
  });

  it('a router that requires a client certificate we do not have: TlsError', async () => {
    const url = await fakeRouter(replying([0x7f, 0xf1, 0, 0]), {
      cert: certs.serverCert,
      key: certs.serverKey,
      ca: certs.ca,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const err = await failure(url, { tls: { ca: certs.ca } });
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toMatch(/CERTIFICATE_REQUIRED|ECONNRESET/);
  });
});

describe('bad handshake replies', () => {
  it.each([
    [1, 'serializer unsupported'],
    [2, 'maximum message length unacceptable'],
    [3, 'use of reserved bits'],
    [4, 'maximum connection count reached'],
  ])('error reply %i: HandshakeFailedError with refusal %i', async (code, text) => {
    const err = await failure(await fakeRouter(replying([0x7f, code << 4, 0, 0])));
    expect(err).toBeInstanceOf(HandshakeFailedError);
    expect((err as HandshakeFailedError).refusal).toBe(code);
    expect(err.message).toContain(text);
    expect(err.cause).toBeInstanceOf(RawSocketRefusedError);
  });

  it.each([
    [
      'an HTTP answer',
      [...new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n')],
      /first octet 0x48/,
    ],
    ['another serializer', [0x7f, 0xf2, 0, 0], /serializer msgpack, but json was requested/],
    ['non-zero reserved octets', [0x7f, 0xf1, 0, 7], /reserved octets/],
    ['the illegal error code 0', [0x7f, 0x00, 0, 0], /illegal error code 0/],
  ])('%s: HandshakeFailedError', async (_what, reply, message) => {
    const err = await failure(await fakeRouter(replying(reply)));
    expect(err).toBeInstanceOf(HandshakeFailedError);
    expect((err as HandshakeFailedError).refusal).toBeUndefined();
    expect(err.message).toMatch(message);
  });

  it('a router that closes during the handshake: ConnectionLostError', async () => {
    const url = await fakeRouter(replying([0x7f, 0xf1], (s) => s.end()));
    const err = await failure(url);
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect(err.message).toMatch(/during the RawSocket handshake/);
  });

  it('a router that never answers: ConnectTimeoutError', async () => {
    const url = await fakeRouter((s) => s.on('error', () => {}));
    const err = await failure(url, { connectTimeout: 200 });
    expect(err).toBeInstanceOf(ConnectTimeoutError);
  });

  it('an aborted attempt rejects with the signal reason', async () => {
    const url = await fakeRouter((s) => s.on('error', () => {}));
    const controller = new AbortController();
    const pending = connectRawSocket(url, {
      serializer: jsonSerializer,
      signal: controller.signal,
    });
    const reason = new Error('user gave up');
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
    const pre = AbortSignal.abort(new Error('already'));
    await expect(
      connectRawSocket(url, { serializer: jsonSerializer, signal: pre }),
    ).rejects.toThrow('already');
  });
});

describe('faults after the handshake', () => {
  function closeEvent(t: Awaited<ReturnType<typeof connectRawSocket>>) {
    return new Promise<{ code: number; wasClean: boolean; error?: Error }>((resolve) => {
      t.onclose = resolve;
    });
  }

  it('an over-length frame: TransportProtocolError, close code 1009', async () => {
    // We accept 512 octets; the "router" sends a 1000-octet frame.
    const url = await fakeRouter(
      replying([0x7f, 0xf1, 0, 0], (s) => s.write(Uint8Array.of(0, 0, 0x03, 0xe8))),
    );
    const t = await connectRawSocket(url, { serializer: jsonSerializer, maxMessageLength: 512 });
    const event = await closeEvent(t);
    expect(event.code).toBe(1009);
    expect(event.wasClean).toBe(false);
    expect(event.error).toBeInstanceOf(TransportProtocolError);
    expect(event.error?.cause).toBeInstanceOf(RawSocketMessageTooBigError);
  });

  it('a frame with reserved bits: TransportProtocolError, close code 1002', async () => {
    const url = await fakeRouter(
      replying([0x7f, 0xf1, 0, 0], (s) => s.write(Uint8Array.of(0x40, 0, 0, 1, 0x5b))),
    );
    const t = await connectRawSocket(url, { serializer: jsonSerializer });
    const event = await closeEvent(t);
    expect(event.code).toBe(1002);
    expect(event.error).toBeInstanceOf(TransportProtocolError);
    expect(event.error?.message).toMatch(/reserved bits/);
  });

  it('a connection cut in the middle of a frame: ConnectionLostError, 1006', async () => {
    const url = await fakeRouter(
      replying([0x7f, 0xf1, 0, 0], (s) => s.end(Uint8Array.of(0, 0, 0, 10, 0x5b))),
    );
    const t = await connectRawSocket(url, { serializer: jsonSerializer });
    const event = await closeEvent(t);
    expect(event.code).toBe(1006);
    expect(event.error).toBeInstanceOf(ConnectionLostError);
    expect(event.error?.message).toMatch(/middle of a frame/);
  });

  it('a router that ends the stream between frames: a clean close', async () => {
    const url = await fakeRouter(replying([0x7f, 0xf1, 0, 0], (s) => s.end()));
    const t = await connectRawSocket(url, { serializer: jsonSerializer });
    const event = await closeEvent(t);
    expect(event).toMatchObject({ code: 1000, wasClean: true });
  });

  it('no PONG for a PING: KeepaliveTimeoutError', async () => {
    const url = await fakeRouter(replying([0x7f, 0xf1, 0, 0]));
    const t = await connectRawSocket(url, {
      serializer: jsonSerializer,
      pingInterval: 30,
      pingTimeout: 60,
    });
    const event = await closeEvent(t);
    expect(event.code).toBe(1006);
    expect(event.error).toBeInstanceOf(KeepaliveTimeoutError);
  });
});

describe('URLs', () => {
  it('parses the Autobahn|Python forms and ours', () => {
    expect(parseRawSocketUrl('rs://example.org:8080')).toEqual({
      kind: 'tcp',
      host: 'example.org',
      port: 8080,
      tls: false,
    });
    expect(parseRawSocketUrl('rss://example.org')).toMatchObject({ port: 443, tls: true });
    expect(parseRawSocketUrl('rs://example.org')).toMatchObject({ port: 80, tls: false });
    expect(parseRawSocketUrl('tls://[::1]:9000')).toEqual({
      kind: 'tcp',
      host: '::1',
      port: 9000,
      tls: true,
    });
    expect(parseRawSocketUrl('rs://unix:/tmp/a b.sock')).toEqual({
      kind: 'unix',
      path: '/tmp/a b.sock',
      tls: false,
    });
    expect(parseRawSocketUrl('rss://unix:/run/r.sock')).toEqual({
      kind: 'unix',
      path: '/run/r.sock',
      tls: true,
    });
    expect(parseRawSocketUrl('unix:///run/router.sock')).toEqual({
      kind: 'unix',
      path: '/run/router.sock',
      tls: false,
    });
  });

  it.each([
    'ws://h:1',
    'tcp://h',
    'tls://h',
    'rs://h:1/path',
    'rs://h:1?q=1',
    'rs://h:1#f',
    'rs://user:pw@h:1',
    'unix://host/x.sock',
    'unix:///',
    'not a url',
  ])('rejects %s with InvalidUrlError', (url) => {
    expect(() => parseRawSocketUrl(url)).toThrow(InvalidUrlError);
  });
});
