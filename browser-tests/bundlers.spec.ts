/**
 * Bundler smoke tests: the tiny app in test-fixtures/bundlers/app imports `wampkit` by name and
 * is bundled by esbuild, rollup and webpack (Vite: wampkit.spec.ts) with no special
 * configuration; each bundle runs in Chromium and joins our router (json), and none of them
 * carries a Node built-in. The same for the app on the small client (`wampkit/basic`, all four
 * bundlers, Vite included). Needs `pnpm exec tsc -b` first.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { type StartedRouter, startRouter } from '../packages/router/dist/index.js';
import { BUNDLERS, bundleApp, nodeImportsIn, repoRoot } from '../test-fixtures/bundlers/build.js';
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

for (const bundler of ['esbuild', 'rollup', 'webpack'] as const) {
  test(`${bundler}: the bundled app runs in the page`, async ({ page }) => {
    test.setTimeout(120_000);
    const app = await bundleApp(bundler, join(repoRoot, 'dist', 'bundlers', bundler));
    expect(app.jsFiles.length).toBeGreaterThan(0);
    expect(await nodeImportsIn(app)).toEqual([]);
    const s = await serveStatic(app.outDir);
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
    expectScenario(out, 'json');
    expect(errors).toEqual([]);
  });
}

for (const bundler of BUNDLERS) {
  test(`${bundler}: the app on wampkit/basic runs in the page`, async ({ page }) => {
    test.setTimeout(120_000);
    const app = await bundleApp(
      bundler,
      join(repoRoot, 'dist', 'bundlers', `${bundler}-basic`),
      'basic',
    );
    expect(app.jsFiles.length).toBeGreaterThan(0);
    expect(await nodeImportsIn(app)).toEqual([]);
    const s = await serveStatic(app.outDir);
    servers.push(s.server);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${s.url}/index.html`);
    const out = await page.evaluate((url) => {
      const app = (
        globalThis as unknown as {
          wampkitApp: { run(u: string): Promise<Record<string, unknown>> };
        }
      ).wampkitApp;
      return app.run(url);
    }, router.url);
    expect(out).toEqual({ sum: 5, error: 'com.app.basic.no', news: ['hello'] });
    expect(errors).toEqual([]);
  });
}
