/**
 * The router's RawSocket listeners (TCP, Unix socket, TLS) with real peers: Autobahn|Python
 * (asyncio WampRawSocketClientFactory) over json, msgpack, cbor and ubjson, and Autobahn|JS's
 * Node RawSocket transport (JSON, with its autoping) serving the procedures Python calls.
 */
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autobahn from 'autobahn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts, type TestCerts } from '../../transport-rawsocket/test/certs.js';
import { type RawSocketListener, type StartedRouter, startRouter } from '../src/index.js';
import { runPython } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: Autobahn|JS ships no types.
type Session = any;

const PY_SERIALIZERS = ['json', 'msgpack', 'cbor', 'ubjson'];

let r: StartedRouter;
let certs: TestCerts;
let unixPath: string;
let tlsPort: number;
let keepalive: RawSocketListener;
let js: Session;
let jsConnection: Session;
const jsEvents: unknown[] = [];
const logs: string[] = [];

beforeAll(async () => {
  certs = makeTestCerts();
  await writeFile(join(certs.dir, 'ca.pem'), certs.ca);
  unixPath = join(tmpdir(), `wampkit-router-rs-${process.pid}.sock`);
  r = await startRouter({ rawsocket: true, log: (level, m) => logs.push(`${level}: ${m}`) });
  await r.router.listenRawSocket({ path: unixPath });
  // Autobahn|JS answers PINGs: it sits on a listener that PINGs every 30 ms.
  keepalive = await r.router.listenRawSocket({ pingInterval: 30, pingTimeout: 2000 });
  const keepalivePort = keepalive.port;
  tlsPort = (
    await r.router.listenRawSocket({ tls: { cert: certs.serverCert, key: certs.serverKey } })
  ).port;
  jsConnection = new autobahn.Connection({
    realm: 'realm1',
    transports: [
      {
        type: 'rawsocket',
        host: '127.0.0.1',
        port: keepalivePort,
      },
    ],
    max_retries: 0,
  });
  js = await new Promise((resolve, reject) => {
    jsConnection.onopen = resolve;
    jsConnection.onclose = (reason: string) => reject(new Error(`Autobahn|JS closed: ${reason}`));
    jsConnection.open();
  });
  await js.register('ts.echo', (args: unknown[]) => new autobahn.Result(args));
  await js.register('ts.fail', (args: unknown[]) => {
    throw new autobahn.Error('com.example.ts_error', args);
  });
  await js.subscribe('ts.events', (args: unknown[]) => jsEvents.push(args[0]));
});

afterAll(async () => {
  jsConnection?.close();
  await r?.close();
  rmSync(unixPath, { force: true });
  certs?.cleanup();
});

type Report = Record<string, Record<string, true | string>>;

function expectAllPassed(report: Report, serializers: string[]) {
  expect(Object.keys(report).sort()).toEqual([...serializers].sort());
  for (const [ser, checks] of Object.entries(report)) {
    for (const [name, result] of Object.entries(checks)) {
      expect(result, `${ser} ${name}`).toBe(true);
    }
    expect(Object.keys(checks).length, ser).toBe(5);
  }
}

describe('Autobahn|Python over RawSocket', () => {
  it('TCP with json, msgpack, cbor and ubjson', async () => {
    const report = (await runPython('autobahn_rawsocket_peer.py', [
      `tcp:127.0.0.1:${r.rawsocket?.port}`,
      ...PY_SERIALIZERS,
    ])) as Report;
    expectAllPassed(report, PY_SERIALIZERS);
    for (const ser of PY_SERIALIZERS) expect(jsEvents).toContain(ser);
  });

  it('Unix domain socket (msgpack)', async () => {
    const report = (await runPython('autobahn_rawsocket_peer.py', [
      `unix:${unixPath}`,
      'msgpack',
    ])) as Report;
    expectAllPassed(report, ['msgpack']);
  });

  it('TLS verified against the test CA (cbor)', async () => {
    const report = (await runPython('autobahn_rawsocket_peer.py', [
      `tls:localhost:${tlsPort}:${join(certs.dir, 'ca.pem')}`,
      'cbor',
    ])) as Report;
    expectAllPassed(report, ['cbor']);
  });

  it("Autobahn|JS answered the router's keepalive PINGs and stayed connected", async () => {
    while (keepalive.pongs < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(jsConnection.isOpen).toBe(true);
    expect(await js.call('ts.echo', ['still'])).toBe('still');
  });
});

describe('WebSocket over TLS (wss) on the same router', () => {
  it('serves Autobahn|JS over wss:// verified against the test CA', async () => {
    const wss = await r.router.listen({
      host: '127.0.0.1',
      tls: { cert: certs.serverCert, key: certs.serverKey },
    });
    expect(wss.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
    const connection = new autobahn.Connection({
      url: `wss://localhost:${wss.port}/`,
      realm: 'realm1',
      max_retries: 0,
      // Autobahn|JS passes TLS options to ws only when ca, cert and key are all given.
      tlsConfiguration: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
    });
    const session: Session = await new Promise((resolve, reject) => {
      connection.onopen = resolve;
      connection.onclose = (reason: string) => reject(new Error(`wss closed: ${reason}`));
      connection.open();
    });
    // The call crosses transports: wss caller, RawSocket callee (Autobahn|JS above).
    expect(await session.call('ts.echo', ['over wss'])).toBe('over wss');
    connection.onclose = () => true;
    connection.close();
  });
});
