/**
 * The framing engine in Chromium: the bundle loads without Node built-ins, the WASM SIMD128
 * accelerator is selected and agrees with the pure-TS reference, and a client and a server
 * engine talk to each other in the page (handshake, text, binary, fragments, ping, close).
 */
import type { Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { serveStatic } from './static-server.js';

let server: Server;
let base: string;

test.beforeAll(async () => {
  const s = await serveStatic(process.cwd());
  server = s.server;
  base = s.url;
});

test.afterAll(() => {
  server.close();
});

test('WASM accelerator loads in the page and agrees with the JS reference', async ({ page }) => {
  await page.goto(`${base}/browser-tests/blank.html`);
  const result = await page.evaluate(async () => {
    const fw = await import('/dist/browser/framing.min.js');
    const wasm = fw.selectAccelerator();
    const js = fw.jsAccelerator;
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const pool = [
      0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x90,
    ];
    let utf8Disagree = 0;
    let maskDisagree = 0;
    for (let i = 0; i < 3000; i++) {
      const len = rnd() % 300;
      const bytes = new Uint8Array(len);
      for (let j = 0; j < len; j++)
        bytes[j] = rnd() % 4 === 0 ? pool[rnd() % pool.length] : 0x61 + (rnd() % 26);
      if (wasm.isUtf8(bytes, 0, len) !== js.isUtf8(bytes, 0, len)) utf8Disagree++;
      const key = new Uint8Array([rnd() & 255, rnd() & 255, rnd() & 255, rnd() & 255]);
      const a = new Uint8Array(len);
      const b = new Uint8Array(len);
      const off = rnd() & 3;
      wasm.mask(bytes, 0, key, off, a, 0, len);
      js.mask(bytes, 0, key, off, b, 0, len);
      if (a.some((v: number, k: number) => v !== b[k])) maskDisagree++;
    }
    return { name: wasm.name, paths: wasm.paths, utf8Disagree, maskDisagree };
  });
  expect(result.paths?.mask).toBe('wasm');
  expect(result.utf8Disagree).toBe(0);
  expect(result.maskDisagree).toBe(0);
});

test('client and server engines talk to each other inside the page', async ({ page }) => {
  await page.goto(`${base}/browser-tests/blank.html`);
  const log = await page.evaluate(async () => {
    const fw = await import('/dist/browser/framing.min.js');
    const events: string[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: engines are wired to each other below
    let client: any;
    // biome-ignore lint/suspicious/noExplicitAny: see above
    let server: any;
    server = new fw.WebSocketConnection(
      'server',
      {
        write: (b: Uint8Array) => client.receiveData(b.slice()),
        message: (d: string | Uint8Array, binary: boolean) => server.send(d, { binary }),
        closed: (i: { code: number; wasClean: boolean }) =>
          events.push(`server closed ${i.code} ${i.wasClean}`),
      },
      { protocols: ['wamp.2.cbor', 'wamp.2.json'], deflate: true },
    );
    client = new fw.WebSocketConnection(
      'client',
      {
        write: (b: Uint8Array) => server.receiveData(b.slice()),
        open: (i: { protocol: string; extensions: string }) =>
          events.push(`open ${i.protocol} ${i.extensions.split(';')[0]}`),
        message: (d: string | Uint8Array) =>
          events.push(
            typeof d === 'string'
              ? `text ${d.length} ${d.slice(0, 5)}`
              : `binary ${Array.from(d).join(',')}`,
          ),
        pong: (p: Uint8Array) => events.push(`pong ${p.length}`),
        closed: (i: { code: number; wasClean: boolean }) =>
          events.push(`client closed ${i.code} ${i.wasClean}`),
      },
      { deflate: true },
    );
    client.initiate({ host: 'example.test', path: '/ws', protocols: ['wamp.2.json'] });
    client.send('héllo wörld');
    client.send(new Uint8Array([1, 2, 3]));
    client.send('z'.repeat(5000));
    client.sendFragment('frag', false);
    client.ping('p');
    client.sendFragment('ment', true);
    client.close(1000, 'bye');
    return events;
  });
  expect(log).toEqual([
    'open wamp.2.json permessage-deflate',
    'text 11 héllo',
    'binary 1,2,3',
    'text 5000 zzzzz',
    'pong 1',
    'text 8 fragm',
    // The server's Close answer reaches the client synchronously, before the server finishes.
    'client closed 1000 true',
    'server closed 1000 true',
  ]);
});
