/**
 * The umbrella `connect()`: every serializer by name (non-JSON ones through dynamic import),
 * joining the embedded router over the Node WebSocket transport; failures are typed; and the
 * README demo (examples/wamp/demo.ts) runs and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, loadSerializer, SessionClosedError } from '../src/index.js';

let router: StartedRouter;
beforeAll(async () => {
  router = await startRouter({ realms: ['realm1'], autoCreateRealms: false });
});
afterAll(async () => {
  await router?.close();
});

describe('connect()', () => {
  it.each([
    'json',
    'msgpack',
    'cbor',
    'ubjson',
    'flatbuffers',
  ] as const)('joins with serializer %s and round-trips a call', async (serializer) => {
    const session = await connect({ url: router.url, realm: 'realm1', serializer });
    try {
      expect(session.isOpen).toBe(true);
      expect((await loadSerializer(serializer)).id).toBe(serializer);
      await using _reg = await session.register('com.t.echo', (inv) => inv.args[0]);
      expect((await session.call('com.t.echo', [serializer])).args).toEqual([serializer]);
    } finally {
      await session.leave();
    }
  });

  it('rejects with the ABORT reason for an unknown realm', async () => {
    const err = await connect({ url: router.url, realm: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionClosedError);
    expect((err as SessionClosedError).reason).toBe('wamp.error.no_such_realm');
  });

  it('rejects when nothing listens', async () => {
    const port = router.port;
    const other = await startRouter();
    const url = other.url;
    await other.close();
    expect(url).not.toBe(`ws://127.0.0.1:${port}/`);
    await expect(connect({ url, realm: 'realm1', connectTimeout: 2000 })).rejects.toThrow();
  });

  it('runs the README demo (examples/wamp/demo.ts) to exit 0', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const r = spawnSync(
      process.execPath,
      ['--conditions=wampkit-source', '--import', 'tsx', 'examples/wamp/demo.ts'],
      { cwd: root, encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('event received on com.myapp.hello: "Hello, world!"');
    expect(r.stdout).toContain('called com.myapp.add2(2, 3) = 5');
  });
});
