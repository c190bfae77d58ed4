/**
 * wampkit in Chromium against our router (started here, on a free port): the script-tag build
 * (global `wampkit`) and the app bundled by Vite run the same scenario (register/call with
 * binary, progressive results, cancel via AbortSignal, subscribe/publish) with json, msgpack and
 * cbor; and a page reconnects after the router restarts on the same port.
 * Needs `pnpm exec tsc -b` and `pnpm exec rollup -c` first (scripts/test.sh does both).
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type StartedRouter, startRouter } from '../packages/router/dist/index.js';
import { bundleApp, nodeImportsIn, repoRoot } from '../test-fixtures/bundlers/build.js';
import { expectScenario } from './expectations.js';
import { serveStatic } from './static-server.js';

const SERIALIZERS = ['json', 'msgpack', 'cbor'] as const;

let router: StartedRouter;
const servers: Server[] = [];

test.beforeAll(async () => {
  router = await startRouter({ realms: ['realm1'], autoCreateRealms: false });
});

test.afterAll(async () => {
  for (const s of servers) s.close();
  await router?.close();
});

async function serve(root: string): Promise<string> {
  const s = await serveStatic(root);
  servers.push(s.server);
  return s.url;
}

/** Page errors and console errors fail the test that produced them. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

test.describe('script tag: wampkit.min.js', () => {
  let base: string;
  test.beforeAll(async () => {
    base = await serve(repoRoot);
  });

  test('defines the global wampkit and loads no module scripts', async ({ page }) => {
    const errors = watchErrors(page);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.goto(`${base}/browser-tests/script-tag.html`);
    const api = await page.evaluate(() => {
      const w = (globalThis as unknown as { wampkit: Record<string, unknown> }).wampkit;
      return {
        connect: typeof w.connect,
        session: typeof w.Session,
        canceled: typeof w.CanceledError,
      };
    });
    expect(api).toEqual({ connect: 'function', session: 'function', canceled: 'function' });
    expect(requested).toEqual([
      '/browser-tests/script-tag.html',
      '/packages/wampkit/dist/browser/wampkit.min.js',
    ]);
    expect(errors).toEqual([]);
  });

  test('leaves FlatBuffers out and says so with a typed error', async ({ page }) => {
    await page.goto(`${base}/browser-tests/script-tag.html`);
    const refused = await page.evaluate(async (url) => {
      const w = (globalThis as unknown as { wampkit: { connect(o: object): Promise<unknown> } })
        .wampkit;
      try {
        await w.connect({ url, realm: 'realm1', serializer: 'flatbuffers' });
        return 'connected';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    }, router.url);
    expect(refused).toMatch(/^FeatureNotSupportedError: .*no FlatBuffers serializer/);
  });

  for (const serializer of SERIALIZERS) {
    test(`call/register/publish/subscribe, progress, cancel over ${serializer}`, async ({
      page,
    }) => {
      const errors = watchErrors(page);
      await page.goto(`${base}/browser-tests/script-tag.html`);
      const out = await page.evaluate(
        async ([url, s]) => {
          const { scenario } = await import('/test-fixtures/bundlers/app/src/scenario.js');
          return scenario((globalThis as unknown as { wampkit: unknown }).wampkit, url, s);
        },
        [router.url, serializer] as const,
      );
      expectScenario(out, serializer);
      expect(errors).toEqual([]);
    });
  }

  test('reconnects after the router restarts on the same port', async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto(`${base}/browser-tests/script-tag.html`);
    const joined = await page.evaluate(async (url) => {
      const w = (globalThis as unknown as { wampkit: WampkitGlobal }).wampkit;
      const session = await w.connect({ url, realm: 'realm1' });
      (globalThis as unknown as { lost: Promise<string> }).lost = session.closed.then(
        (info) => info.reason,
        (e: Error) => e.name,
      );
      return session.isOpen;
    }, router.url);
    expect(joined).toBe(true);

    const port = router.port;
    await router.close();
    const reason = await page.evaluate(
      () => (globalThis as unknown as { lost: Promise<string> }).lost,
    );
    expect(typeof reason).toBe('string');
    router = await startRouter({ port, realms: ['realm1'], autoCreateRealms: false });

    // Without the Component API: the page retries connect() until the router is back.
    const after = await page.evaluate(async (url) => {
      const w = (globalThis as unknown as { wampkit: WampkitGlobal }).wampkit;
      for (let attempt = 1; attempt <= 50; attempt++) {
        try {
          const session = await w.connect({ url, realm: 'realm1', connectTimeout: 2000 });
          await session.register('app.after', () => 'back');
          const result = await session.call('app.after');
          await session.leave();
          return { attempt, args: result.args };
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      return { attempt: -1, args: [] };
    }, router.url);
    expect(after.attempt).toBeGreaterThan(0);
    expect(after.args).toEqual(['back']);
    // The failed attempt while the router was down logs a WebSocket error; nothing else may.
    expect(errors.filter((e) => !e.includes('WebSocket connection to'))).toEqual([]);
  });

  test('a Component rejoins after the router restarts and restores its registration', async ({
    page,
  }) => {
    const errors = watchErrors(page);
    await page.goto(`${base}/browser-tests/script-tag.html`);
    await page.evaluate(async (url) => {
      const w = (globalThis as unknown as { wampkit: WampkitGlobal }).wampkit;
      const component = w.createComponent({
        realm: 'realm1',
        transports: url,
        reconnect: { initialDelay: 100, maxDelay: 500, maxRetries: 100 },
        registrations: [{ procedure: 'app.kept', handler: () => 'kept' }],
      });
      const joins: string[] = [];
      component.on('join', () => joins.push('join'));
      (globalThis as unknown as { component: unknown; joins: string[] }).component = component;
      (globalThis as unknown as { joins: string[] }).joins = joins;
      await component.start();
    }, router.url);

    const port = router.port;
    await router.close();
    router = await startRouter({ port, realms: ['realm1'], autoCreateRealms: false });

    const after = await page.evaluate(async (url) => {
      const g = globalThis as unknown as { component: WampkitComponent; joins: string[] };
      // Wait for the second join (bounded: the test fails on timeout otherwise).
      while (g.joins.length < 2)
        await g.component.joined().then(() => new Promise((r) => setTimeout(r, 50)));
      const w = (globalThis as unknown as { wampkit: WampkitGlobal }).wampkit;
      const other = await w.connect({ url, realm: 'realm1' });
      const result = await other.call('app.kept');
      await other.leave();
      await g.component.stop();
      return { joins: g.joins.length, args: result.args };
    }, router.url);
    expect(after.joins).toBe(2);
    expect(after.args).toEqual(['kept']);
    expect(errors.filter((e) => !e.includes('WebSocket connection to'))).toEqual([]);
  });
});

test.describe('bundled app: Vite', () => {
  let base: string;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const app = await bundleApp('vite', join(repoRoot, 'dist', 'bundlers', 'vite'));
    expect(await nodeImportsIn(app)).toEqual([]);
    base = await serve(app.outDir);
  });

  for (const serializer of SERIALIZERS) {
    test(`call/register/publish/subscribe, progress, cancel over ${serializer}`, async ({
      page,
    }) => {
      const errors = watchErrors(page);
      await page.goto(`${base}/index.html`);
      const out = await page.evaluate(
        async ([url, s]) => {
          const app = (globalThis as unknown as { wampkitApp: WampkitApp }).wampkitApp;
          return app.run(url, s);
        },
        [router.url, serializer] as const,
      );
      expectScenario(out, serializer);
      expect(errors).toEqual([]);
    });
  }
});

interface WampkitSession {
  isOpen: boolean;
  closed: Promise<{ reason: string }>;
  register(procedure: string, handler: () => unknown): Promise<unknown>;
  call(procedure: string): Promise<{ args: unknown[] }>;
  leave(): Promise<unknown>;
}
interface WampkitComponent {
  on(event: 'join', listener: () => void): void;
  start(): Promise<WampkitSession>;
  joined(): Promise<WampkitSession>;
  stop(): Promise<void>;
}
interface WampkitGlobal {
  connect(options: {
    url: string;
    realm: string;
    connectTimeout?: number;
  }): Promise<WampkitSession>;
  createComponent(options: {
    realm: string;
    transports: string;
    reconnect: { initialDelay: number; maxDelay: number; maxRetries: number };
    registrations: { procedure: string; handler: () => unknown }[];
  }): WampkitComponent;
}
interface WampkitApp {
  run(url: string, serializer: string): Promise<Record<string, unknown>>;
}
