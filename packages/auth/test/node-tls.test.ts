/**
 * The Node helpers over real TLS connections on 127.0.0.1: channel-binding data agrees between
 * both ends (and with Python's ssl `get_channel_binding`, which Autobahn|Python uses), and
 * TLS client-certificate authentication admits the certificate's principal.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsClientCertificate } from '../src/index.js';
import { toHex } from '../src/internal/bytes.js';
import {
  allChannelBindings,
  channelBindingData,
  peerCertificateInfo,
  TlsClientCertVerifier,
} from '../src/node/index.js';
import { exchange, rejection } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wampkit-tls-'));
const file = (name: string) => join(dir, name);
const pem = (name: string) => readFileSync(file(name));

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

beforeAll(() => {
  // A CA, a server certificate for 127.0.0.1 and a client certificate (CN=device-7).
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=wampkit test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
  );
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, cn] of [
    ['server', '127.0.0.1'],
    ['client', 'device-7'],
    ['rogue', 'device-7'],
  ] as const) {
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
    );
    if (name === 'rogue') {
      openssl(
        'x509',
        '-req',
        '-in',
        file('rogue.csr'),
        '-signkey',
        file('rogue.key'),
        '-days',
        '2',
        '-out',
        file('rogue.crt'),
      );
    } else {
      openssl(
        'x509',
        '-req',
        '-in',
        file(`${name}.csr`),
        '-CA',
        file('ca.crt'),
        '-CAkey',
        file('ca.key'),
        '-CAcreateserial',
        '-days',
        '2',
        ...(name === 'server' ? ['-extfile', file('server.ext')] : []),
        '-out',
        file(`${name}.crt`),
      );
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Pair {
  server: tls.TLSSocket;
  client: tls.TLSSocket;
  close(): void;
}

async function connectPair(
  version: tls.SecureVersion,
  clientCert?: 'client' | 'rogue',
): Promise<Pair> {
  let accepted!: (s: tls.TLSSocket) => void;
  const serverSide = new Promise<tls.TLSSocket>((r) => {
    accepted = r;
  });
  const server = tls.createServer(
    {
      key: pem('server.key'),
      cert: pem('server.crt'),
      ca: pem('ca.crt'),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: version,
      maxVersion: version,
    },
    accepted,
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const client = tls.connect({
    host: '127.0.0.1',
    port,
    ca: pem('ca.crt'),
    minVersion: version,
    maxVersion: version,
    ...(clientCert ? { key: pem(`${clientCert}.key`), cert: pem(`${clientCert}.crt`) } : {}),
  });
  await new Promise<void>((r, j) => client.once('secureConnect', r).once('error', j));
  const s = await serverSide;
  return {
    server: s,
    client,
    close() {
      client.destroy();
      s.destroy();
      server.close();
    },
  };
}

describe('channelBindingData', () => {
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`both ends agree on tls-unique and tls-exporter (${version})`, async () => {
      const pair = await connectPair(version);
      try {
        const c = allChannelBindings(pair.client, 'client');
        const s = allChannelBindings(pair.server, 'server');
        // TLS 1.2 verify_data is 12 bytes; TLS 1.3 Finished is the handshake hash length.
        expect([version === 'TLSv1.2' ? 12 : 32, version === 'TLSv1.2' ? 12 : 48]).toContain(
          c['tls-unique']?.length,
        );
        expect(c['tls-exporter']?.length).toBe(32);
        expect(toHex(c['tls-unique']!)).toBe(toHex(s['tls-unique']!));
        expect(toHex(c['tls-exporter']!)).toBe(toHex(s['tls-exporter']!));
        expect(toHex(c['tls-unique']!)).not.toBe(toHex(c['tls-exporter']!));
      } finally {
        pair.close();
      }
    });
  }

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`tls-unique matches Python ssl get_channel_binding (Autobahn|Python's source) over ${version}`, async () => {
      let accepted!: (s: tls.TLSSocket) => void;
      const serverSide = new Promise<tls.TLSSocket>((r) => {
        accepted = r;
      });
      const server = tls.createServer(
        {
          key: pem('server.key'),
          cert: pem('server.crt'),
          minVersion: version,
          maxVersion: version,
        },
        accepted,
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const script = [
        'import socket, ssl, sys',
        `ctx = ssl.create_default_context(cafile=${JSON.stringify(file('ca.crt'))})`,
        `s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", ${port})), server_hostname="127.0.0.1")`,
        "print(s.get_channel_binding('tls-unique').hex(), flush=True)",
        's.recv(1)',
      ].join('\n');
      const child = spawn('/usr/bin/python3', ['-c', script]);
      try {
        const socket = await serverSide;
        const line = await new Promise<string>((r, j) => {
          let out = '';
          child.stdout.on('data', (d) => {
            out += d;
            if (out.includes('\n')) r(out.trim());
          });
          child.on('exit', (code) => j(new Error(`python exited ${code}`)));
        });
        expect(line).toBe(toHex(channelBindingData(socket, 'tls-unique', 'server')!));
        socket.end('x');
      } finally {
        child.kill();
        server.close();
      }
    });
  }
});

describe('TLS client-certificate authentication', () => {
  it('admits the principal of a CA-signed client certificate', async () => {
    const pair = await connectPair('TLSv1.3', 'client');
    try {
      const info = peerCertificateInfo(pair.server)!;
      expect(info).toMatchObject({
        authorized: true,
        subjectCN: 'device-7',
        issuerCN: 'wampkit test CA',
      });
      const v = new TlsClientCertVerifier({
        principals: { [info.fingerprint256.toUpperCase()]: { role: 'device' } },
      });
      const { result } = await exchange(tlsClientCertificate(), v, {
        transport: { peerCertificate: info },
      });
      expect(result).toEqual({
        authid: 'device-7',
        authrole: 'device',
        authmethod: 'tls',
        authprovider: 'static',
      });
      const wrongAuthid = await rejection(
        exchange(tlsClientCertificate({ authid: 'root' }), v, {
          transport: { peerCertificate: info },
        }),
      );
      expect(wrongAuthid.uri).toBe('wamp.error.no_such_principal');
    } finally {
      pair.close();
    }
  });

  it('denies a self-signed certificate with the same CN, and a connection without one', async () => {
    const pair = await connectPair('TLSv1.3', 'rogue');
    try {
      const info = peerCertificateInfo(pair.server)!;
      expect(info.authorized).toBe(false);
      const v = new TlsClientCertVerifier({ lookup: () => ({ role: 'device' }) });
      const rogue = await rejection(
        exchange(tlsClientCertificate(), v, { transport: { peerCertificate: info } }),
      );
      expect(rogue.uri).toBe('wamp.error.authentication_denied');
      const none = await rejection(exchange(tlsClientCertificate(), v, { transport: {} }));
      expect(none.uri).toBe('wamp.error.authentication_denied');
    } finally {
      pair.close();
    }
  });

  it('reports an unknown certificate as no_such_principal', async () => {
    const pair = await connectPair('TLSv1.2', 'client');
    try {
      const info = peerCertificateInfo(pair.server)!;
      const v = new TlsClientCertVerifier({
        principals: { ['00'.repeat(32)]: { role: 'device' } },
      });
      expect(
        (
          await rejection(
            exchange(tlsClientCertificate(), v, { transport: { peerCertificate: info } }),
          )
        ).uri,
      ).toBe('wamp.error.no_such_principal');
    } finally {
      pair.close();
    }
  });
});
