/**
 * Authentication from the script-tag build (issue 8): a plain page (script-tag-auth.html, no
 * modules) loads wampkit.min.js and authenticates against our router with ticket, WAMP-CRA
 * (plain and salted), WAMP-SCRAM (pbkdf2) and cryptosign (WebCrypto Ed25519) using only the
 * global `wampkit.auth`, fetching nothing but the page and wampkit.min.js. libsodium is not in
 * wampkit.min.js: Argon2id and the Ed25519 fallback fail with a CryptoUnavailableError that
 * says how to supply it, and work once the page passes libsodium-wrappers-sumo (served here the
 * way a CDN would serve it, as one ESM file) to `wampkit.auth.useLibsodium`.
 * Needs `pnpm exec tsc -b` and `pnpm exec rollup -c` first; the router runs from sources.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { build } from 'esbuild';
import { type AuthRouterProcess, randomSecrets, startAuthRouter } from './auth-router-process.js';
import { serveStatic } from './static-server.js';

const root = resolve(import.meta.dirname, '..');
const PAGE = '/browser-tests/script-tag-auth.html';
const SCRIPT = '/packages/wampkit/dist/browser/wampkit.min.js';
const LIBSODIUM_URL = '/cdn/libsodium-wrappers-sumo.mjs';
const SECRETS = randomSecrets();

let router: AuthRouterProcess;
let server: Server;
let base: string;
let libsodiumEsm: string;

test.beforeAll(async () => {
  const [r, s, bundle] = await Promise.all([
    startAuthRouter(SECRETS),
    serveStatic(root),
    // libsodium-wrappers-sumo as one browser ESM file, like a CDN's `+esm` build.
    build({
      stdin: {
        contents: "export { default } from 'libsodium-wrappers-sumo';",
        resolveDir: join(root, 'packages/auth'),
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      minify: true,
      logLevel: 'error',
    }),
  ]);
  router = r;
  server = s.server;
  base = s.url;
  libsodiumEsm = bundle.outputFiles[0]!.text;
});

test.afterAll(async () => {
  server?.close();
  await router?.stop();
});

type Method =
  | 'ticket'
  | 'ticket-wrong'
  | 'wampcra'
  | 'wampcra-salted'
  | 'scram-pbkdf2'
  | 'scram-argon2id'
  | 'cryptosign'
  | 'cryptosign-libsodium';

interface Outcome {
  joined?: { authid: string; authrole: string; authmethod: string };
  call?: string;
  failed?: {
    name: string;
    reason?: string;
    causeName?: string;
    isCryptoUnavailable: boolean;
    message: string;
  };
}

/** What script-tag-auth.html defines besides the `wampkit` global. */
interface PageGlobals {
  joinAndCall(url: string, method: Method, s: typeof SECRETS): Promise<Outcome>;
  wampkit: {
    auth: Record<string, unknown> & { useLibsodium(lib: unknown): void };
  };
}

/** Opens the page; page errors and console errors are collected, and every requested path. */
async function open(page: Page): Promise<{ errors: string[]; requested: string[] }> {
  const errors: string[] = [];
  const requested: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.route(`**${LIBSODIUM_URL}`, (route) =>
    route.fulfill({ body: libsodiumEsm, contentType: 'text/javascript; charset=utf-8' }),
  );
  await page.goto(`${base}${PAGE}`);
  return { errors, requested };
}

const join_ = (page: Page, method: Method) =>
  page.evaluate(([url, m, s]) => (globalThis as unknown as PageGlobals).joinAndCall(url, m, s), [
    router.url,
    method,
    SECRETS,
  ] as const);

const supplyLibsodium = (page: Page) =>
  page.evaluate(async (url) => {
    (globalThis as unknown as PageGlobals).wampkit.auth.useLibsodium(await import(url));
  }, LIBSODIUM_URL);

test.describe('script tag: authentication with wampkit.auth', () => {
  test('wampkit.auth holds the client helpers and no router-side code', async ({ page }) => {
    const { errors, requested } = await open(page);
    const names = await page.evaluate(() =>
      Object.keys((globalThis as unknown as PageGlobals).wampkit.auth).sort(),
    );
    for (const name of [
      'ticket',
      'wampcra',
      'scram',
      'cryptosign',
      'CryptosignKey',
      'anonymous',
      'useLibsodium',
      'ChallengeError',
      'CryptoUnavailableError',
    ]) {
      expect(names).toContain(name);
    }
    expect(names.filter((n) => /Verifier|negotiate|Router/.test(n))).toEqual([]);
    const script = readFileSync(join(root, SCRIPT), 'utf8');
    // internal/server.ts (one-shot challenges of every verifier) and libsodium's wrappers.
    expect(script).not.toContain('challenge already answered');
    expect(script).not.toContain('sodium_version_string');
    expect(requested).toEqual([PAGE, SCRIPT]);
    expect(errors).toEqual([]);
  });

  for (const [method, authid, authrole, authmethod] of [
    ['ticket', 'joe', 'user', 'ticket'],
    ['wampcra', 'peter', 'user', 'wampcra'],
    ['wampcra-salted', 'salty', 'user', 'wampcra'],
    ['scram-pbkdf2', 'alice', 'frontend', 'wamp-scram'],
    ['cryptosign', 'device', 'device', 'cryptosign'],
  ] as const) {
    test(`${method} authenticates with nothing but wampkit.min.js`, async ({ page }) => {
      const { errors, requested } = await open(page);
      expect(await join_(page, method)).toEqual({
        joined: { authid, authrole, authmethod },
        // Authorized by role, but nobody registered it.
        call: 'wamp.error.no_such_procedure',
      });
      expect(requested).toEqual([PAGE, SCRIPT]);
      expect(errors).toEqual([]);
    });
  }

  test('a wrong ticket is refused with wamp.error.authentication_denied', async ({ page }) => {
    const { errors } = await open(page);
    const out = await join_(page, 'ticket-wrong');
    expect(out.failed?.reason).toBe('wamp.error.authentication_denied');
    expect(errors).toEqual([]);
  });

  for (const method of ['scram-argon2id', 'cryptosign-libsodium'] as const) {
    test(`${method} without libsodium: a CryptoUnavailableError that says how to supply it`, async ({
      page,
    }) => {
      const { errors, requested } = await open(page);
      const out = await join_(page, method);
      expect(out.joined).toBeUndefined();
      expect(out.failed?.isCryptoUnavailable).toBe(true);
      expect(out.failed?.message).toContain('wampkit.auth.useLibsodium');
      expect(requested).toEqual([PAGE, SCRIPT]);
      expect(errors).toEqual([]);
    });
  }

  for (const [method, authid, authrole, authmethod] of [
    ['scram-argon2id', 'argon', 'frontend', 'wamp-scram'],
    ['cryptosign-libsodium', 'device', 'device', 'cryptosign'],
  ] as const) {
    test(`${method} with libsodium supplied through wampkit.auth.useLibsodium`, async ({
      page,
    }) => {
      const { errors, requested } = await open(page);
      await supplyLibsodium(page);
      expect(await join_(page, method)).toEqual({
        joined: { authid, authrole, authmethod },
        call: 'wamp.error.no_such_procedure',
      });
      expect(requested).toEqual([PAGE, SCRIPT, LIBSODIUM_URL]);
      expect(errors).toEqual([]);
    });
  }
});
