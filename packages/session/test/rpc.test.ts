/** Caller and callee roles over scripted message exchanges (no network). */
import { MessageCode } from '@wampkit/serializers';
import { describe, expect, it } from 'vitest';
import {
  ApplicationError,
  CanceledError,
  FeatureNotSupportedError,
  type Invocation,
  Result,
  SessionClosedError,
  TimeoutError,
} from '../src/index.js';
import { joined } from './harness.js';

describe('caller', () => {
  it('sends args/kwargs/options and resolves with the RESULT', async () => {
    const h = await joined();
    const p = h.session.call<[number], { unit: string }>(
      'com.add',
      [1, 2],
      { k: true },
      {
        timeout: 500,
        discloseMe: true,
        extra: { custom: 'x' },
      },
    );
    const call = h.take('CALL');
    expect(call).toMatchObject({
      procedure: 'com.add',
      args: [1, 2],
      kwargs: { k: true },
      options: { timeout: 500, disclose_me: true, custom: 'x' },
    });
    expect(call.options.receive_progress).toBeUndefined();
    h.feed({
      type: 'RESULT',
      request: call.request,
      details: {},
      args: [3],
      kwargs: { unit: 'm' },
    });
    const r = await p;
    expect(r.args[0]).toBe(3);
    expect(r.kwargs.unit).toBe('m');
    expect(r.progress).toBe(false);
  });

  it('rejects with ApplicationError keeping uri, args, kwargs and details', async () => {
    const h = await joined();
    const p = h.session.call('com.fail');
    const { request } = h.take('CALL');
    h.feed({
      type: 'ERROR',
      requestType: MessageCode.CALL,
      request,
      details: { d: 1 },
      error: 'com.myapp.error.bad',
      args: ['went wrong', 2],
      kwargs: { why: 'because' },
    });
    const err = (await p.catch((e: unknown) => e)) as ApplicationError;
    expect(err).toBeInstanceOf(ApplicationError);
    expect(err).toBeInstanceOf(Error);
    expect(err.uri).toBe('com.myapp.error.bad');
    expect(err.args).toEqual(['went wrong', 2]);
    expect(err.kwargs).toEqual({ why: 'because' });
    expect(err.details).toEqual({ d: 1 });
    expect(err.message).toBe('com.myapp.error.bad: went wrong');
  });

  it('delivers progressive results to a callback and as an async iterator', async () => {
    const h = await joined();
    const seen: unknown[] = [];
    const p = h.session.call('com.prog', [], undefined, {
      onProgress: (r) => seen.push(r.args[0]),
    });
    const c1 = h.take('CALL');
    expect(c1.options.receive_progress).toBe(true);
    h.feed({ type: 'RESULT', request: c1.request, details: { progress: true }, args: [1] });
    h.feed({ type: 'RESULT', request: c1.request, details: { progress: true }, args: [2] });
    h.feed({ type: 'RESULT', request: c1.request, details: {}, args: [3] });
    expect((await p).args).toEqual([3]);
    expect(seen).toEqual([1, 2]);

    const it2 = h.session.callProgressive('com.prog');
    const c2 = h.take('CALL');
    h.feed({ type: 'RESULT', request: c2.request, details: { progress: true }, args: ['a'] });
    h.feed({ type: 'RESULT', request: c2.request, details: {}, args: ['b'] });
    const got: [unknown, boolean][] = [];
    for await (const r of it2) got.push([r.args[0], r.progress]);
    expect(got).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('leaving a progressive iteration early cancels the call (killnowait) and ignores late results', async () => {
    const h = await joined();
    const it = h.session.callProgressive('com.prog');
    const { request } = h.take('CALL');
    h.feed({ type: 'RESULT', request, details: { progress: true }, args: [1] });
    for await (const r of it) {
      expect(r.args).toEqual([1]);
      break;
    }
    expect(h.take('CANCEL')).toMatchObject({ request, options: { mode: 'killnowait' } });
    h.feed({ type: 'RESULT', request, details: { progress: true }, args: [2] });
    h.feed({ type: 'ERROR', requestType: 48, request, details: {}, error: 'wamp.error.canceled' });
    expect(h.sent).toEqual([]);
    expect(h.session.state).toBe('established');
  });

  it('overflowing the progressive buffer cancels the call', async () => {
    const h = await joined();
    const it = h.session.callProgressive('com.prog', [], undefined, { bufferSize: 2 });
    const { request } = h.take('CALL');
    for (let i = 0; i < 3; i++) {
      h.feed({ type: 'RESULT', request, details: { progress: true }, args: [i] });
    }
    expect(h.take('CANCEL').options.mode).toBe('killnowait');
    const got: unknown[] = [];
    await expect(
      (async () => {
        for await (const r of it) got.push(r.args[0]);
      })(),
    ).rejects.toThrow(/overflow/);
    expect(got).toEqual([0, 1]);
  });

  it.each(['skip', 'killnowait'] as const)('cancel mode %s rejects at once', async (mode) => {
    const h = await joined();
    const ac = new AbortController();
    const p = h.session.call('com.slow', [], undefined, { signal: ac.signal, cancelMode: mode });
    const { request } = h.take('CALL');
    ac.abort(new Error('user'));
    const err = (await p.catch((e: unknown) => e)) as CanceledError;
    expect(err).toBeInstanceOf(CanceledError);
    expect(err.uri).toBe('wamp.error.canceled');
    expect((err.cause as Error).message).toBe('user');
    expect(h.take('CANCEL')).toMatchObject({ request, options: { mode } });
    // The router's ERROR for the canceled call is expected and ignored.
    h.feed({ type: 'ERROR', requestType: 48, request, details: {}, error: 'wamp.error.canceled' });
    expect(h.session.state).toBe('established');
  });

  it('cancel mode kill waits for the router answer (RESULT or ERROR)', async () => {
    const h = await joined();
    const ac = new AbortController();
    const p = h.session.call('com.slow', [], undefined, { signal: ac.signal, cancelMode: 'kill' });
    const { request } = h.take('CALL');
    ac.abort();
    expect(h.take('CANCEL').options.mode).toBe('kill');
    let settled = false;
    const settle = () => {
      settled = true;
    };
    p.then(settle, settle);
    await h.flush();
    expect(settled).toBe(false);
    h.feed({ type: 'ERROR', requestType: 48, request, details: {}, error: 'wamp.error.canceled' });
    await expect(p).rejects.toBeInstanceOf(CanceledError);
  });

  it('without router call_canceling, cancel rejects locally and sends nothing', async () => {
    const h = await joined({}, { roles: { dealer: {} } });
    const ac = new AbortController();
    const p = h.session.call('com.slow', [], undefined, { signal: ac.signal, cancelMode: 'kill' });
    const { request } = h.take('CALL');
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(CanceledError);
    expect(h.sent).toEqual([]);
    h.feed({ type: 'RESULT', request, details: {}, args: [1] }); // late result: ignored
    expect(h.session.state).toBe('established');
  });

  it('an already aborted signal rejects without sending', async () => {
    const h = await joined();
    await expect(
      h.session.call('com.x', [], undefined, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(CanceledError);
    expect(h.sent).toEqual([]);
  });

  it('client timeout cancels with killnowait and rejects with TimeoutError', async () => {
    const h = await joined();
    const p = h.session.call('com.slow', [], undefined, { clientTimeout: 10 });
    const { request } = h.take('CALL');
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).uri).toBe('wamp.error.timeout');
    expect(h.take('CANCEL')).toMatchObject({ request, options: { mode: 'killnowait' } });
    h.feed({ type: 'RESULT', request, details: {}, args: [1] });
    expect(h.session.state).toBe('established');
  });

  it('router timeout error maps to TimeoutError', async () => {
    const h = await joined();
    const p = h.session.call('com.slow', [], undefined, { timeout: 5 });
    const { request } = h.take('CALL');
    h.feed({ type: 'ERROR', requestType: 48, request, details: {}, error: 'wamp.error.timeout' });
    await expect(p).rejects.toBeInstanceOf(TimeoutError);
  });

  it('sends a call in chunks (progressive call invocations)', async () => {
    const h = await joined();
    const w = h.session.openCall('com.upload');
    w.send(['part1']);
    w.send(['part2']);
    const done = w.end(['last']);
    const chunks = [h.take('CALL'), h.take('CALL'), h.take('CALL')];
    expect(chunks.map((c) => c.request)).toEqual([1, 1, 1]);
    expect(chunks.map((c) => c.options.progress)).toEqual([true, true, undefined]);
    expect(chunks.map((c) => c.args)).toEqual([['part1'], ['part2'], ['last']]);
    h.feed({ type: 'RESULT', request: 1, details: {}, args: [3] });
    expect((await done).args).toEqual([3]);
    expect(() => w.send([1])).toThrow(/already ended/);
  });

  it('refuses chunked calls and passthru when the router lacks the feature', async () => {
    const h = await joined({}, { roles: { dealer: {}, broker: {} } });
    expect(() => h.session.openCall('com.upload')).toThrow(FeatureNotSupportedError);
    await expect(
      h.session.call('com.x', [], undefined, {
        payload: new Uint8Array([1]),
        ppt: { scheme: 'x' },
      }),
    ).rejects.toBeInstanceOf(FeatureNotSupportedError);
    await expect(
      h.session.publish('com.x', undefined, undefined, { payload: new Uint8Array([1]) }),
    ).rejects.toBeInstanceOf(FeatureNotSupportedError);
  });

  it('carries payload passthru fields', async () => {
    const h = await joined();
    const payload = new Uint8Array([1, 2, 3]);
    const p = h.session.call('com.ppt', ['ignored'], undefined, {
      payload,
      ppt: { scheme: 'mqtt', serializer: 'native', cipher: 'xsalsa20poly1305', keyid: 'k1' },
    });
    const call = h.take('CALL');
    expect(call.payload).toEqual(payload);
    expect(call.args).toBeUndefined();
    expect(call.options).toMatchObject({
      ppt_scheme: 'mqtt',
      ppt_serializer: 'native',
      ppt_cipher: 'xsalsa20poly1305',
      ppt_keyid: 'k1',
    });
    h.feed({ type: 'RESULT', request: call.request, details: { ppt_scheme: 'mqtt' }, payload });
    const r = await p;
    expect(r.payload).toEqual(payload);
    expect(r.details.ppt_scheme).toBe('mqtt');
  });

  it('an unserializable argument rejects that call only', async () => {
    const h = await joined();
    await expect(h.session.call('com.x', [() => 1])).rejects.toThrow();
    expect(h.session.state).toBe('established');
    expect(h.session.pendingCount).toBe(0);
  });
});

describe('callee', () => {
  async function registered(
    handler: (inv: Invocation) => unknown,
    options: Parameters<import('../src/index.js').Session['register']>[2] = {},
  ) {
    const h = await joined();
    const p = h.session.register('com.proc', handler, options);
    const reg = h.take('REGISTER');
    h.feed({ type: 'REGISTERED', request: reg.request, registration: 500 });
    return { h, reg: await p, msg: reg };
  }

  it('sends REGISTER options and YIELDs the return value', async () => {
    const { h, msg, reg } = await registered(
      async (inv) => (inv.args[0] as number) + (inv.args[1] as number),
      { match: 'prefix', invoke: 'roundrobin', concurrency: 4, discloseCaller: true },
    );
    expect(msg.options).toEqual({
      match: 'prefix',
      invoke: 'roundrobin',
      concurrency: 4,
      disclose_caller: true,
    });
    expect(reg.id).toBe(500);
    h.feed({ type: 'INVOCATION', request: 9, registration: 500, details: {}, args: [2, 3] });
    await h.flush();
    expect(h.take('YIELD')).toMatchObject({ request: 9, args: [5], options: {} });
  });

  it('Result controls args/kwargs; undefined yields nothing; invocation details are exposed', async () => {
    let seen: Invocation | undefined;
    const { h } = await registered((inv) => {
      seen = inv;
      return inv.args[0] === 'none' ? undefined : new Result([1, 2], { a: 'b' });
    });
    h.feed({
      type: 'INVOCATION',
      request: 1,
      registration: 500,
      details: {
        caller: 77,
        caller_authid: 'joe',
        caller_authrole: 'user',
        procedure: 'com.proc.x',
      },
      args: ['x'],
    });
    await h.flush();
    expect(h.take('YIELD')).toMatchObject({ args: [1, 2], kwargs: { a: 'b' } });
    expect(seen).toMatchObject({
      caller: 77,
      callerAuthid: 'joe',
      callerAuthrole: 'user',
      procedure: 'com.proc.x',
    });
    h.feed({ type: 'INVOCATION', request: 2, registration: 500, details: {}, args: ['none'] });
    await h.flush();
    const y = h.take('YIELD');
    expect(y.args).toBeUndefined();
    expect(y.kwargs).toBeUndefined();
  });

  it('maps thrown errors: ApplicationError keeps uri/args/kwargs, others become runtime_error without a stack', async () => {
    const { h } = await registered((inv) => {
      if (inv.args[0] === 'app') throw new ApplicationError('com.myapp.oops', ['bad', 1], { k: 2 });
      throw new TypeError('secret internals');
    });
    h.feed({ type: 'INVOCATION', request: 1, registration: 500, details: {}, args: ['app'] });
    h.feed({ type: 'INVOCATION', request: 2, registration: 500, details: {}, args: ['other'] });
    await h.flush();
    const e1 = h.take('ERROR');
    expect(e1).toMatchObject({
      requestType: MessageCode.INVOCATION,
      request: 1,
      error: 'com.myapp.oops',
      args: ['bad', 1],
      kwargs: { k: 2 },
    });
    const e2 = h.take('ERROR');
    expect(e2.error).toBe('wamp.error.runtime_error');
    expect(e2.args).toEqual(['secret internals']);
    expect(JSON.stringify(e2)).not.toMatch(/at .*\.ts/);
  });

  it('sends progressive results from an async generator and from progress()', async () => {
    const { h } = await registered(async function* (inv) {
      inv.progress(['via-progress']);
      yield 1;
      yield new Result([2], { two: true });
      return 'done';
    });
    h.feed({
      type: 'INVOCATION',
      request: 3,
      registration: 500,
      details: { receive_progress: true },
    });
    await h.flush();
    expect(h.take('YIELD')).toMatchObject({ args: ['via-progress'], options: { progress: true } });
    expect(h.take('YIELD')).toMatchObject({ args: [1], options: { progress: true } });
    expect(h.take('YIELD')).toMatchObject({
      args: [2],
      kwargs: { two: true },
      options: { progress: true },
    });
    const last = h.take('YIELD');
    expect(last.args).toEqual(['done']);
    expect(last.options.progress).toBeUndefined();
  });

  it('does not send progressive results to a caller that did not ask for them', async () => {
    const { h } = await registered(async function* () {
      yield 1;
      return 2;
    });
    h.feed({ type: 'INVOCATION', request: 3, registration: 500, details: {} });
    await h.flush();
    expect(h.take('YIELD').args).toEqual([2]);
    expect(h.sent).toEqual([]);
  });

  it('INTERRUPT fires the AbortSignal; kill answers wamp.error.canceled', async () => {
    let reason: unknown;
    const { h } = await registered(
      (inv) =>
        new Promise((_, reject) => {
          inv.signal.addEventListener('abort', () => {
            reason = inv.signal.reason;
            reject(new Error('aborted work'));
          });
        }),
    );
    h.feed({ type: 'INVOCATION', request: 4, registration: 500, details: {} });
    await h.flush();
    h.feed({ type: 'INTERRUPT', request: 4, options: { mode: 'kill' } });
    await h.flush();
    expect(reason).toBeInstanceOf(CanceledError);
    expect(h.take('ERROR')).toMatchObject({ request: 4, error: 'wamp.error.canceled' });
    // A late INTERRUPT for a finished invocation is ignored.
    h.feed({ type: 'INTERRUPT', request: 4, options: { mode: 'kill' } });
    expect(h.session.state).toBe('established');
  });

  it('killnowait: the signal fires and no reply is sent', async () => {
    const { h } = await registered(
      (inv) => new Promise((resolve) => inv.signal.addEventListener('abort', () => resolve(1))),
    );
    h.feed({ type: 'INVOCATION', request: 4, registration: 500, details: {} });
    await h.flush();
    h.feed({ type: 'INTERRUPT', request: 4, options: { mode: 'killnowait' } });
    await h.flush();
    expect(h.sent).toEqual([]);
  });

  it('receives a progressive call invocation in chunks', async () => {
    const { h } = await registered(async (inv) => {
      const parts: unknown[] = [];
      for await (const chunk of inv.chunks) parts.push(chunk.args[0]);
      return parts.join('+');
    });
    h.feed({
      type: 'INVOCATION',
      request: 6,
      registration: 500,
      details: { progress: true },
      args: ['a'],
    });
    await h.flush();
    h.feed({
      type: 'INVOCATION',
      request: 6,
      registration: 500,
      details: { progress: true },
      args: ['b'],
    });
    expect(h.sent).toEqual([]);
    h.feed({ type: 'INVOCATION', request: 6, registration: 500, details: {}, args: ['c'] });
    await h.flush();
    expect(h.take('YIELD').args).toEqual(['a+b+c']);
  });

  it('a second INVOCATION with a running request id (not progressive) is a violation', async () => {
    const { h } = await registered(() => new Promise(() => {}));
    h.feed({ type: 'INVOCATION', request: 6, registration: 500, details: {} });
    h.feed({ type: 'INVOCATION', request: 6, registration: 500, details: {} });
    expect(h.take('ABORT').reason).toBe('wamp.error.protocol_violation');
  });

  it('enforces the concurrency limit with a queue', async () => {
    const releases: (() => void)[] = [];
    let running = 0;
    let maxRunning = 0;
    const { h } = await registered(
      () =>
        new Promise<void>((resolve) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          releases.push(() => {
            running--;
            resolve();
          });
        }),
      { concurrency: 2, maxQueued: 1 },
    );
    for (let i = 1; i <= 4; i++) {
      h.feed({ type: 'INVOCATION', request: i, registration: 500, details: {} });
    }
    await h.flush();
    // 2 run, 1 waits, the 4th is refused.
    expect(h.take('ERROR')).toMatchObject({ request: 4, error: 'wamp.error.unavailable' });
    expect(releases.length).toBe(2);
    releases.shift()?.();
    await h.flush();
    expect(h.take('YIELD').request).toBe(1);
    expect(releases.length).toBe(2);
    for (const r of releases.splice(0)) r();
    await h.flush();
    expect(h.sent.map((m) => (m as { request: number }).request).sort()).toEqual([2, 3]);
    expect(maxRunning).toBe(2);
  });

  it('unregisters, and answers an INVOCATION that raced the UNREGISTER', async () => {
    const { h, reg } = await registered(() => 1);
    const un = reg.unregister();
    const m = h.take('UNREGISTER');
    expect(m.registration).toBe(500);
    h.feed({ type: 'UNREGISTERED', request: m.request });
    await un;
    expect(reg.active).toBe(false);
    h.feed({ type: 'INVOCATION', request: 8, registration: 500, details: {} });
    expect(h.take('ERROR')).toMatchObject({ request: 8, error: 'wamp.error.no_such_registration' });
    expect(h.session.state).toBe('established');
  });

  it('handles registration revocation', async () => {
    let revoked: unknown;
    const { h, reg } = await registered(() => 1, {
      onRevoke: (info) => {
        revoked = info;
      },
    });
    h.feed({
      type: 'UNREGISTERED',
      request: 0,
      details: { registration: 500, reason: 'wamp.close.killed' },
    });
    expect(reg.active).toBe(false);
    expect(revoked).toMatchObject({ reason: 'wamp.close.killed' });
    expect(reg.revocation?.reason).toBe('wamp.close.killed');
    await reg.unregister();
    expect(h.sent).toEqual([]);
  });

  it('session close aborts running handlers', async () => {
    let reason: unknown;
    const { h } = await registered(
      (inv) =>
        new Promise((resolve) =>
          inv.signal.addEventListener('abort', () => {
            reason = inv.signal.reason;
            resolve(1);
          }),
        ),
    );
    h.feed({ type: 'INVOCATION', request: 4, registration: 500, details: {} });
    await h.flush();
    h.session.transportClosed();
    await h.flush();
    expect(reason).toBeInstanceOf(SessionClosedError);
  });
});
