/**
 * WAMP authentication in Chromium (issue 7): a page connects to our router over WebSocket and
 * authenticates with ticket, WAMP-CRA (plain and PBKDF2-salted), WAMP-SCRAM (pbkdf2 and
 * argon2id13) and cryptosign, then makes an authorized call; a wrong ticket is refused with
 * wamp.error.authentication_denied. The page code is bundled here with esbuild from the
 * TypeScript sources (browser platform, `wampkit-source` condition, code splitting), so it needs
 * no prior build; libsodium must stay out of the page until a method needs it (Argon2id).
 * The router runs from sources in a child process (auth-router.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, type Page, test } from '@playwright/test';
import { build } from 'esbuild';
import { serveStatic } from './static-server.js';

const root = resolve(import.meta.dirname, '..');
const hex = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n))).toString('hex');
const SECRETS = {
  ticket: `t-${hex(8)}`,
  cra: `c-${hex(8)}`,
  craSalted: `cs-${hex(8)}`,
  scramPbkdf2: `sp-${hex(8)}`,
  scramArgon: `sa-${hex(8)}`,
  seed: hex(32),
};

let routerProcess: ChildProcess;
let routerUrl: string;
let server: Server;
let base: string;
let outdir: string;

async function startRouterProcess(): Promise<string> {
  routerProcess = spawn(
    process.execPath,
    [
      '--conditions=wampkit-source',
      '--import',
      'tsx',
      join(root, 'browser-tests/auth-router.ts'),
      JSON.stringify(SECRETS),
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: routerProcess.stdout! });
  return new Promise((res, rej) => {
    routerProcess.once('exit', (code) => rej(new Error(`router exited with ${code}`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) res(line.slice(6).trim());
    });
  });
}

test.beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'wampkit-auth-page-'));
  const [url] = await Promise.all([
    startRouterProcess(),
    build({
      absWorkingDir: root,
      entryPoints: {
        wampkit: 'packages/wampkit/src/index.ts',
        ticket: 'packages/auth/src/ticket.ts',
        wampcra: 'packages/auth/src/wampcra.ts',
        scram: 'packages/auth/src/scram.ts',
        cryptosign: 'packages/auth/src/cryptosign.ts',
      },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['wampkit-source', 'browser'],
      target: 'es2022',
      outdir,
      chunkNames: 'chunks/[name]-[hash]',
      logLevel: 'error',
    }),
  ]);
  routerUrl = url;
  writeFileSync(
    join(outdir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>auth</title>',
  );
  const s = await serveStatic(outdir);
  server = s.server;
  base = s.url;
});

test.afterAll(async () => {
  server?.close();
  routerProcess?.stdin?.end();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** Page errors and console errors fail the test that produced them. */
function watch(page: Page): { errors: string[]; requested: string[] } {
  const errors: string[] = [];
  const requested: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  return { errors, requested };
}

type Method =
  | 'ticket'
  | 'wampcra'
  | 'wampcra-salted'
  | 'scram-pbkdf2'
  | 'scram-argon2id'
  | 'cryptosign'
  | 'ticket-wrong';

/** Runs in the page: joins with one method, calls com.example.whoami, leaves. */
async function joinInPage(page: Page, method: Method) {
  await page.goto(`${base}/index.html`);
  return page.evaluate(
    async ({ method, url, s }) => {
      // biome-ignore lint/suspicious/noExplicitAny: modules of the test bundle, untyped in the page
      const load = (name: string): Promise<any> => import(`/${name}.js`);
      const wampkit = await load('wampkit');
      let auth: unknown;
      if (method === 'ticket')
        auth = (await load('ticket')).ticket({ authid: 'joe', ticket: s.ticket });
      if (method === 'ticket-wrong')
        auth = (await load('ticket')).ticket({ authid: 'joe', ticket: `${s.ticket}-wrong` });
      if (method === 'wampcra')
        auth = (await load('wampcra')).wampcra({ authid: 'peter', secret: s.cra });
      if (method === 'wampcra-salted')
        auth = (await load('wampcra')).wampcra({ authid: 'salty', secret: s.craSalted });
      if (method === 'scram-pbkdf2')
        auth = (await load('scram')).scram({ authid: 'alice', password: s.scramPbkdf2 });
      if (method === 'scram-argon2id')
        auth = (await load('scram')).scram({
          authid: 'argon',
          password: s.scramArgon,
          minArgon2Memory: 1024,
        });
      if (method === 'cryptosign') {
        const { CryptosignKey, cryptosign } = await load('cryptosign');
        auth = cryptosign({ key: await CryptosignKey.load(s.seed) });
      }
      try {
        const session = await wampkit.connect({ url, realm: 'secure', auth });
        const joined = {
          authid: session.authid,
          authrole: session.authrole,
          authmethod: session.details.authmethod,
        };
        const call = await session.call('com.example.nobody').then(
          () => 'ok',
          (e: { uri?: string }) => e.uri,
        );
        await session.leave();
        return { joined, call };
      } catch (e) {
        return { refused: (e as { reason?: string }).reason ?? String(e) };
      }
    },
    { method, url: routerUrl, s: SECRETS },
  );
}

const isSodium = (path: string) => /sodium/i.test(path);

test.describe('authentication in Chromium', () => {
  for (const [method, authid, authrole, authmethod] of [
    ['ticket', 'joe', 'user', 'ticket'],
    ['wampcra', 'peter', 'user', 'wampcra'],
    ['wampcra-salted', 'salty', 'user', 'wampcra'],
    ['scram-pbkdf2', 'alice', 'frontend', 'wamp-scram'],
    ['scram-argon2id', 'argon', 'frontend', 'wamp-scram'],
    ['cryptosign', 'device', 'device', 'cryptosign'],
  ] as const) {
    test(`${method} authenticates`, async ({ page }) => {
      const { errors, requested } = watch(page);
      const out = await joinInPage(page, method);
      expect(out).toEqual({
        joined: { authid, authrole, authmethod },
        // Authorized by role, but nobody registered it.
        call: 'wamp.error.no_such_procedure',
      });
      if (method === 'scram-argon2id') {
        expect(requested.some(isSodium)).toBe(true);
      } else if (method !== 'cryptosign') {
        // Only Argon2id needs libsodium (cryptosign uses it only where WebCrypto lacks Ed25519).
        expect(requested.filter(isSodium)).toEqual([]);
      }
      expect(errors).toEqual([]);
    });
  }

  test('a wrong ticket is refused with wamp.error.authentication_denied', async ({ page }) => {
    const { errors } = watch(page);
    expect(await joinInPage(page, 'ticket-wrong')).toEqual({
      refused: 'wamp.error.authentication_denied',
    });
    expect(errors).toEqual([]);
  });

  test('libsodium is a separate chunk of the bundle', () => {
    const chunks = readdirSync(join(outdir, 'chunks'));
    expect(chunks.some(isSodium)).toBe(true);
  });
});
