/**
 * Bundler smoke tests: the tiny app in test-fixtures/bundlers/app imports `wampkit` by name and
 * is bundled by esbuild, rollup and webpack (Vite: wampkit.spec.ts) with no special
 * configuration; each bundle runs in Chromium and joins our router (json), and none of them
 * carries a Node built-in. The same for the app on the small client (`wampkit/basic`, all four
 * bundlers, Vite included). Needs `pnpm exec tsc -b` first.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type StartedRouter, startRouter } from '../packages/router/dist/index.js';
import {
  type AppName,
  BUNDLERS,
  type BundlerName,
  bundleApp,
  nodeImportsIn,
  repoRoot,
} from '../test-fixtures/bundlers/build.js';
import { expectScenario } from './expectations.js';
import { serveStatic } from './static-server.js';

let router: StartedRouter;
const servers: Server[] = [];

test.beforeAll(async () => {
  router = await startRouter({ realms: ['realm1'], autoCreateRealms: false });
});

test.afterAll(async () => {
  for (const s of servers) s.close();
  await router?.close();
});

/**
 * Bundles `app` with `bundler`, checks the bundle has no Node built-in, loads it in the page and
 * returns what its `wampkitApp.run(routerUrl, 'json')` resolved with (page errors fail the test).
 */
async function runBundledApp(
  page: Page,
  bundler: BundlerName,
  app: AppName,
): Promise<Record<string, unknown>> {
  const dir = app === 'full' ? bundler : `${bundler}-${app}`;
  const built = await bundleApp(bundler, join(repoRoot, 'dist', 'bundlers', dir), app);
  expect(built.jsFiles.length).toBeGreaterThan(0);
  expect(await nodeImportsIn(built)).toEqual([]);
  const s = await serveStatic(built.outDir);
  servers.push(s.server);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${s.url}/index.html`);
  // Classic and module scripts have both run once `load` fired (page.goto waits for it).
  const out = await page.evaluate((url) => {
    const app = (
      globalThis as unknown as {
        wampkitApp: { run(u: string, s: string): Promise<Record<string, unknown>> };
      }
    ).wampkitApp;
    return app.run(url, 'json');
  }, router.url);
  expect(errors).toEqual([]);
  return out;
}

for (const bundler of ['esbuild', 'rollup', 'webpack'] as const) {
  test(`${bundler}: the bundled app runs in the page`, async ({ page }) => {
    test.setTimeout(120_000);
    expectScenario(await runBundledApp(page, bundler, 'full'), 'json');
  });
}

for (const bundler of BUNDLERS) {
  test(`${bundler}: the app on wampkit/basic runs in the page`, async ({ page }) => {
    test.setTimeout(120_000);
    expect(await runBundledApp(page, bundler, 'basic')).toEqual({
      sum: 5,
      error: 'com.app.basic.no',
      news: ['hello'],
    });
  });
}
