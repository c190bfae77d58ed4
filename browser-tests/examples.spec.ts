/**
 * The browser examples in Chromium against our router: examples/browser-script-tag/ loads the
 * script-tag build (`rollup -c`: packages/wampkit/dist/browser/wampkit.min.js), examples/
 * browser-basic/ the small client's (wampkit-basic.min.js), examples/vite/
 * is built by Vite from its own vite.config.ts like any app that installed wampkit.
 * Needs `pnpm exec tsc -b` and `pnpm exec rollup -c` first (scripts/test.sh does both).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type StartedRouter, startRouter } from '../packages/router/dist/index.js';
import { serveStatic } from './static-server.js';

const root = join(import.meta.dirname, '..');
let router: StartedRouter;
const servers: Server[] = [];
const tempDirs: string[] = [];

test.beforeAll(async () => {
  router = await startRouter({ realms: ['realm1'], autoCreateRealms: false });
});

test.afterAll(async () => {
  for (const s of servers) s.close();
  await router?.close();
  for (const d of tempDirs) await rm(d, { recursive: true, force: true });
});

async function serve(dir: string): Promise<string> {
  const s = await serveStatic(dir);
  servers.push(s.server);
  return s.url;
}

/** Opens the page, waits for its status and returns its log; page errors fail the test. */
async function runPage(page: Page, address: string): Promise<string> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(address);
  await page.waitForSelector('body[data-status]', { timeout: 30_000 });
  const log = (await page.textContent('#log')) ?? '';
  expect(errors).toEqual([]);
  expect(await page.getAttribute('body', 'data-status'), log).toBe('done');
  return log;
}

for (const serializer of ['json', 'msgpack'] as const) {
  test(`script-tag example (${serializer})`, async ({ page }) => {
    const base = await serve(root);
    const query = `url=${encodeURIComponent(router.url)}&serializer=${serializer}`;
    const log = await runPage(page, `${base}/examples/browser-script-tag/index.html?${query}`);
    expect(log).toContain(`(${serializer})`);
    expect(log).toContain('event received: Hello from the page!');
    expect(log).toContain('com.example.add2(2, 3) = 5');
    expect(log).toContain('left the realm');
  });
}

test('script-tag example of wampkit/basic', async ({ page }) => {
  const base = await serve(root);
  const log = await runPage(
    page,
    `${base}/examples/browser-basic/index.html?url=${encodeURIComponent(router.url)}`,
  );
  expect(log).toContain('event received: Hello from the page!');
  expect(log).toContain('com.example.add2(2, 3) = 5');
  expect(log).toContain('error: wamp.error.no_such_procedure');
  expect(log).toContain('left the realm');
});

test('Vite example', async ({ page }) => {
  const { build } = await import('vite');
  const outDir = await mkdtemp(join(tmpdir(), 'wampkit-vite-example-'));
  tempDirs.push(outDir);
  await build({
    root: join(root, 'examples', 'vite'),
    base: './',
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  const base = await serve(outDir);
  const log = await runPage(
    page,
    `${base}/index.html?url=${encodeURIComponent(router.url)}&serializer=cbor`,
  );
  expect(log).toContain('(cbor)');
  expect(log).toContain('progressive results: 1, 2, 3, done');
  expect(log).toContain('event received: fresh');
  expect(log).toContain('left the realm');
});
