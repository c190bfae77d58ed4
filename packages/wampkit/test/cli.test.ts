/**
 * The `wampkit` command, spawned as a process from its TypeScript source against the embedded
 * router: call, publish, subscribe, register (echo and --exec), info, router (with auth flags),
 * --json output, human output without colours off a TTY, and the documented exit codes
 * (0 ok, 1 WAMP error, 2 usage, 3 connection failure).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApplicationError,
  connect,
  type Event,
  registrationMeta,
  type Session,
  subscriptionMeta,
} from '../src/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = ['--conditions=wampkit-source', '--import', 'tsx', 'packages/wampkit/src/cli/main.ts'];
/** The child's environment: no WAMPKIT_* defaults or NO_COLOR leaking in from the caller. */
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('WAMPKIT_') && k !== 'NO_COLOR'),
);

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcess;
  /** The next stdout line. */
  line(): Promise<string>;
  /** Resolves when the process exits. */
  finished: Promise<Finished>;
}

function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: ROOT,
    env: { ...ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout += `${line}\n`;
    const w = waiters.shift();
    if (w) w(line);
    else lines.push(line);
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const line = () =>
    new Promise<string>((resolve, reject) => {
      const queued = lines.shift();
      if (queued !== undefined) resolve(queued);
      else {
        waiters.push(resolve);
        void finished.then((f) => reject(new Error(`CLI exited (${f.code}): ${f.stderr}`)));
      }
    });
  return { child, line, finished };
}

function run(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return start(args, env).finished;
}

/** Waits until `check` holds, asking the router's meta-API (no sleeps with fixed lengths). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never held');
}

let router: StartedRouter;
let session: Session;
let url: string;

beforeAll(async () => {
  router = await startRouter({ realms: ['realm1'], rawsocket: true });
  url = router.url;
  session = await connect({ url, realm: 'realm1' });
  await session.register(
    'com.cli.add2',
    (inv) => (inv.args[0] as number) + (inv.args[1] as number),
  );
  await session.register('com.cli.fail', () => {
    throw new ApplicationError('com.cli.error.bad', ['nope'], { why: 'test' });
  });
});
afterAll(async () => {
  await session?.leave();
  await router?.close();
});

describe('wampkit call', () => {
  it('prints the result as JSON with --json', async () => {
    const r = await run(['call', 'com.cli.add2', '2', '3', '--url', url, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ args: [5], kwargs: {}, progress: false }]);
  });

  it('prints human output without escape codes when stdout is not a TTY', async () => {
    const r = await run(['call', 'com.cli.add2', '40', '2', '--url', url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('42\n');
    expect(r.stdout + r.stderr).not.toContain('\x1b[');
  });

  it('works over RawSocket with a binary serializer', async () => {
    const rs = router.rawsocket?.url;
    expect(rs).toMatch(/^rs:\/\//);
    const r = await run(['call', 'com.cli.add2', '1', '1', '-u', rs!, '-s', 'msgpack', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ args: [2], kwargs: {}, progress: false });
  });

  it('exits 1 with the error URI, args and kwargs on a WAMP error', async () => {
    const human = await run(['call', 'com.cli.fail', '--url', url]);
    expect(human.code).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain('error: com.cli.error.bad ["nope"] {"why":"test"}');
    const json = await run(['call', 'com.cli.missing', '--url', url, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: 'wamp.error.no_such_procedure' });
  });

  it('exits 2 on usage errors and 3 when nothing listens', async () => {
    const missing = await run(['call', '--url', url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing PROCEDURE');
    const flag = await run(['call', 'com.x', '--no-such-flag']);
    expect(flag.code).toBe(2);
    const command = await run(['frobnicate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command');
    const other = await startRouter();
    const deadUrl = other.url;
    await other.close();
    const refused = await run(['call', 'com.x', '--url', deadUrl, '--json']);
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stderr).message).toContain(`cannot connect to ${deadUrl}`);
  });
});

describe('wampkit publish and subscribe', () => {
  it('publish sends args and kwargs and prints the publication id', async () => {
    const got = new Promise<Event>((resolve) => {
      void session.subscribe('com.cli.topic', (e) => resolve(e));
    });
    await until(async () => (await subscriptionMeta(session).lookup('com.cli.topic')) !== null);
    const r = await run([
      'publish',
      'com.cli.topic',
      'hello',
      '[1,2]',
      '--kw',
      'n=7',
      '--url',
      url,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { topic: string; publication: number };
    expect(out.topic).toBe('com.cli.topic');
    expect(out.publication).toBeGreaterThan(0);
    const event = await got;
    expect(event.args).toEqual(['hello', [1, 2]]);
    expect(event.kwargs).toEqual({ n: 7 });
  });

  it('subscribe streams one JSON line per event and exits 0 after --count', async () => {
    const sub = start(['subscribe', 'com.cli.stream', '--count', '2', '--url', url, '--json']);
    await until(async () => (await subscriptionMeta(session).lookup('com.cli.stream')) !== null);
    await session.publish('com.cli.stream', ['one'], {}, { acknowledge: true });
    await session.publish('com.cli.stream', [2], { k: true }, { acknowledge: true });
    const lines = [JSON.parse(await sub.line()), JSON.parse(await sub.line())];
    expect(lines).toMatchObject([
      { topic: 'com.cli.stream', args: ['one'], kwargs: {} },
      { topic: 'com.cli.stream', args: [2], kwargs: { k: true } },
    ]);
    const f = await sub.finished;
    expect(f.code).toBe(0);
    expect(f.stderr).toBe('');
  });

  it('subscribe ends with exit 0 on SIGINT, after a status line on stderr', async () => {
    const sub = start(['subscribe', 'com.cli.forever', '--match', 'prefix', '--url', url]);
    await until(
      async () =>
        sub.child.exitCode === null &&
        (await subscriptionMeta(session).match('com.cli.forever.x')) !== null,
    );
    sub.child.kill('SIGINT');
    const f = await sub.finished;
    expect(f.code).toBe(0);
    expect(f.stderr).toContain('subscribed to com.cli.forever');
  });
});

describe('wampkit register', () => {
  it('echoes calls and prints each invocation', async () => {
    const reg = start(['register', 'com.cli.echo', '--count', '1', '--url', url, '--json']);
    await until(async () => (await registrationMeta(session).lookup('com.cli.echo')) !== null);
    const r = await session.call('com.cli.echo', ['a', 1], { b: 2 });
    expect(r.args).toEqual(['a', 1]);
    expect(r.kwargs).toEqual({ b: 2 });
    expect(JSON.parse(await reg.line())).toMatchObject({
      procedure: 'com.cli.echo',
      args: ['a', 1],
      kwargs: { b: 2 },
    });
    expect((await reg.finished).code).toBe(0);
  });

  it('exposes a shell command: args as $1.., stdout as result, failures as errors', async () => {
    const script =
      'if [ "$1" = fail ]; then echo broken >&2; exit 4; fi; echo "{\\"sum\\": $(($1 + $2))}"';
    const reg = start(['register', 'com.cli.sh', '--exec', script, '--count', '2', '--url', url]);
    await until(async () => (await registrationMeta(session).lookup('com.cli.sh')) !== null);
    expect((await session.call('com.cli.sh', [2, 3])).args).toEqual([{ sum: 5 }]);
    const err = await session.call('com.cli.sh', ['fail']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationError);
    expect((err as ApplicationError).uri).toBe('wampkit.error.command_failed');
    expect((err as ApplicationError).kwargs).toEqual({ exitCode: 4, stderr: 'broken\n' });
    const f = await reg.finished;
    expect(f.code).toBe(0);
    expect(f.stdout).toContain('com.cli.sh(2 3) -> { sum: 5 }');
  });
});

describe('wampkit info', () => {
  it('lists this session, the sessions, registrations and subscriptions as JSON lines', async () => {
    await using _sub = await session.subscribe('com.cli.info', () => {});
    const r = await run(['info', '--url', url, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const items = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; [k: string]: unknown });
    const self = items.find((i) => i.kind === 'session');
    expect(self).toMatchObject({ realm: 'realm1', authrole: 'anonymous' });
    const sessions = items.find((i) => i.kind === 'sessions') as {
      sessions: Array<{ session: number }>;
    };
    expect(sessions.sessions.map((s) => s.session)).toEqual(
      expect.arrayContaining([session.id, self?.session]),
    );
    const add2 = items.find((i) => i.kind === 'registration' && i.uri === 'com.cli.add2');
    expect(add2).toMatchObject({ match: 'exact', callees: [session.id] });
    const info = items.find((i) => i.kind === 'subscription' && i.uri === 'com.cli.info');
    expect(info).toMatchObject({ subscribers: [session.id] });
  });
});

describe('wampkit router', () => {
  it('serves realms with ticket auth from flags, prints its URL, and stops on SIGTERM', async () => {
    const cli = start([
      'router',
      '--port',
      '0',
      '--realm',
      'app',
      '--fixed-realms',
      '--ticket',
      'joe:s3cret:user',
      '--json',
    ]);
    const listening = JSON.parse(await cli.line()) as {
      event: string;
      url: string;
      auth: string[];
    };
    expect(listening).toMatchObject({ event: 'listening', realms: ['app'], auth: ['ticket'] });
    const auth = ['--url', listening.url, '--realm', 'app', '--authid', 'joe'];
    const ok = await run(['info', 'session', ...auth, '--ticket', 's3cret', '--json']);
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout)).toMatchObject({
      kind: 'session',
      authid: 'joe',
      authrole: 'user',
    });
    const denied = await run(['info', 'session', ...auth, '--json'], { WAMPKIT_TICKET: 'wrong' });
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stderr).error).toMatch(/^wamp\.error\./);
    const anonymous = await run(['info', 'session', '--url', listening.url, '--realm', 'app']);
    expect(anonymous.code).toBe(1);
    cli.child.kill('SIGTERM');
    expect(JSON.parse(await cli.line())).toEqual({ event: 'stopped' });
    expect((await cli.finished).code).toBe(0);
  });

  it('exits 2 on a bad flag value and 3 when the port is taken', async () => {
    expect((await run(['router', '--port', 'eighty'])).code).toBe(2);
    const taken = await run(['router', '--port', String(router.port)]);
    expect(taken.code).toBe(3);
    expect(taken.stderr).toContain('cannot listen');
  });
});
