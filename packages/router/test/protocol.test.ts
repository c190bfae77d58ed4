/**
 * Protocol-level tests with a raw peer (our serializers on the `ws` package): strict handling of
 * malformed and unexpected input, and the corners no real peer here can drive (progressive call
 * invocations, INTERRUPT modes, Payload PassThru on every message, the FlatBuffers serializer).
 */
import { encodeCbor } from '@wampkit/serializers/cbor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type StartedRouter, startRouter } from '../src/index.js';
import { ALL_ROLES, RawPeer } from './helpers.js';

let r: StartedRouter;
let witness: RawPeer;

beforeAll(async () => {
  r = await startRouter({ realms: ['realm1'] });
  witness = await RawPeer.join(r.url, 'json');
  await witness.register('test.echo');
});
afterAll(async () => {
  await r.close();
});

/** The witness session still works: a call through it to itself round-trips. */
async function witnessWorks(): Promise<void> {
  const caller = await RawPeer.join(r.url, 'msgpack');
  const req = caller.nextRequestId();
  caller.send({ type: 'CALL', request: req, options: {}, procedure: 'test.echo', args: [req] });
  const inv = await witness.expect('INVOCATION');
  witness.send({ type: 'YIELD', request: inv.request, options: {}, args: inv.args });
  const res = await caller.expect('RESULT');
  expect(res.args).toEqual([req]);
  caller.close();
}

async function expectViolation(p: RawPeer): Promise<string> {
  const abort = await p.expect('ABORT');
  expect(abort.reason).toBe('wamp.error.protocol_violation');
  expect(typeof abort.details.message).toBe('string');
  const closed = await p.closed;
  expect(closed.code).toBe(1002);
  return abort.details.message as string;
}

describe('malformed and unexpected input gets ABORT wamp.error.protocol_violation', () => {
  const garbage: Array<[string, string, string | Uint8Array]> = [
    ['json', 'not JSON', '{"oops'],
    ['json', 'not a list', '{"a": 1}'],
    ['json', 'empty list', '[]'],
    ['json', 'unknown message type', '[999, "realm1", {}]'],
    ['json', 'HELLO with a bad realm URI', '[1, "bad realm", {"roles": {"caller": {}}}]'],
    ['json', 'HELLO without roles', '[1, "realm1", {}]'],
    ['json', 'HELLO with no known role', '[1, "realm1", {"roles": {}}]'],
    ['json', 'wrong arity', '[1, "realm1"]'],
    ['json', 'CALL before HELLO', '[48, 1, {}, "test.echo", []]'],
    ['json', 'WELCOME from a client', '[2, 1, {"roles": {"broker": {}}}]'],
    ['msgpack', 'random bytes', new Uint8Array([0xc1, 0xff, 0x00, 0x13])],
    ['msgpack', 'text frame for msgpack', '[1, "realm1", {}]'],
    ['cbor', 'truncated CBOR', encodeCbor([1, 'realm1', { roles: { caller: {} } }]).subarray(0, 5)],
    ['ubjson', 'garbage UBJSON', new Uint8Array([0x5b, 0x24, 0x69, 0xff])],
    ['flatbuffers', 'garbage FlatBuffers', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])],
  ];
  for (const [ser, what, data] of garbage) {
    it(`${ser}: ${what}`, async () => {
      const p = await RawPeer.open(r.url, ser);
      p.sendRaw(data);
      await expectViolation(p);
      await witnessWorks();
    });
  }

  const established: Array<[string, (p: RawPeer) => void]> = [
    [
      'a second HELLO',
      (p) => p.send({ type: 'HELLO', realm: 'realm1', details: { roles: ALL_ROLES } }),
    ],
    ['a RESULT from a client', (p) => p.send({ type: 'RESULT', request: 1, details: {} })],
    [
      'an EVENT from a client',
      (p) => p.send({ type: 'EVENT', subscription: 1, publication: 1, details: {} }),
    ],
    [
      'ERROR for a CALL (clients only send ERROR for INVOCATION)',
      (p) => p.send({ type: 'ERROR', requestType: 48, request: 1, details: {}, error: 'x.y' }),
    ],
    [
      'YIELD for an INVOCATION never sent',
      (p) => p.send({ type: 'YIELD', request: 77, options: {} }),
    ],
    [
      'non-sequential request ID',
      (p) => p.send({ type: 'SUBSCRIBE', request: 5, options: {}, topic: 'a.b' }),
    ],
    [
      'a PUBLISH in PassThru mode without announcing it',
      (p) =>
        p.send({
          type: 'PUBLISH',
          request: 1,
          options: { ppt_scheme: 'x_test' },
          topic: 'a.b',
          args: [],
        }),
    ],
    [
      'a progressive CALL without announcing progressive_call_invocations',
      (p) =>
        p.send({ type: 'CALL', request: 1, options: { progress: true }, procedure: 'test.echo' }),
    ],
    ['an invalid option type', (p) => p.sendRaw('[16, 1, {"acknowledge": "yes"}, "a.b"]')],
  ];
  for (const [what, act] of established) {
    it(`after WELCOME: ${what}`, async () => {
      const roles = what.includes('without announcing')
        ? { publisher: {}, subscriber: {}, caller: {}, callee: {} }
        : ALL_ROLES;
      const p = await RawPeer.join(r.url, 'json', 'realm1', roles);
      act(p);
      await expectViolation(p);
      await witnessWorks();
    });
  }

  it('a peer that leaves through a violation loses its registrations', async () => {
    const p = await RawPeer.join(r.url, 'cbor');
    await p.register('test.doomed');
    p.send({ type: 'CALL', request: 9, options: {}, procedure: 'x.y' });
    await expectViolation(p);
    const c = await RawPeer.join(r.url, 'json');
    const err = await c.call('test.doomed');
    expect(err).toMatchObject({ type: 'ERROR', error: 'wamp.error.no_such_procedure' });
    c.close();
  });

  it('refuses a WebSocket handshake without a WAMP subprotocol', async () => {
    const ws = new WebSocket(r.url, ['chat']);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(400);
  });

  it('ABORTs a HELLO for an unknown realm when realms are fixed', async () => {
    const fixed = await startRouter({ realms: ['only'], autoCreateRealms: false });
    const p = await RawPeer.open(fixed.url, 'json');
    p.send({ type: 'HELLO', realm: 'other', details: { roles: ALL_ROLES } });
    const abort = await p.expect('ABORT');
    expect(abort.reason).toBe('wamp.error.no_such_realm');
    await p.closed;
    await fixed.close();
  });
});

describe('session lifecycle', () => {
  it('WELCOME announces the roles and features, and anonymous identity', async () => {
    const p = await RawPeer.open(r.url, 'json');
    p.send({
      type: 'HELLO',
      realm: 'realm1',
      details: { roles: ALL_ROLES, authid: 'root', authrole: 'admin' },
    });
    const w = await p.expect('WELCOME');
    expect(w.details.authrole).toBe('anonymous');
    expect(w.details.authid).not.toBe('root');
    expect(w.details.authmethod).toBe('anonymous');
    const roles = w.details.roles as Record<string, { features: Record<string, boolean> }>;
    for (const f of [
      'publisher_identification',
      'pattern_based_subscription',
      'session_meta_api',
      'subscription_meta_api',
      'subscriber_blackwhite_listing',
      'publisher_exclusion',
      'subscription_revocation',
      'event_retention',
      'payload_passthru_mode',
    ]) {
      expect(roles.broker!.features[f]).toBe(true);
    }
    for (const f of [
      'caller_identification',
      'pattern_based_registration',
      'session_meta_api',
      'registration_meta_api',
      'shared_registration',
      'call_timeout',
      'call_canceling',
      'progressive_call_results',
      'progressive_call_invocations',
      'registration_revocation',
      'payload_passthru_mode',
    ]) {
      expect(roles.dealer!.features[f]).toBe(true);
    }
    p.close();
  });

  it('GOODBYE is answered, and the connection can carry a new session', async () => {
    const p = await RawPeer.join(r.url, 'json');
    p.send({ type: 'GOODBYE', details: {}, reason: 'wamp.close.close_realm' });
    expect(await p.expect('GOODBYE')).toMatchObject({ reason: 'wamp.close.goodbye_and_out' });
    p.send({ type: 'HELLO', realm: 'realm2', details: { roles: ALL_ROLES } });
    const w = await p.expect('WELCOME');
    expect(w.details.realm).toBe('realm2');
    // Request IDs start over in the new session.
    p.send({ type: 'SUBSCRIBE', request: 1, options: {}, topic: 'a.b' });
    await p.expect('SUBSCRIBED');
    p.close();
  });

  it('wamp.session.kill sends GOODBYE wamp.close.killed with the message, and the session leaves', async () => {
    const victim = await RawPeer.join(r.url, 'cbor');
    const admin = await RawPeer.join(r.url, 'json');
    const res = await admin.call('wamp.session.kill', [victim.session], {
      reason: 'com.example.bye',
      message: 'go',
    });
    expect(res.type).toBe('RESULT');
    const bye = await victim.expect('GOODBYE');
    expect(bye).toMatchObject({ reason: 'com.example.bye', details: { message: 'go' } });
    victim.send({ type: 'GOODBYE', details: {}, reason: 'wamp.close.goodbye_and_out' });
    await victim.closed;
    const self = await admin.call('wamp.session.kill', [admin.session]);
    expect(self).toMatchObject({ type: 'ERROR', error: 'wamp.error.no_such_session' });
    const get = await admin.call('wamp.session.get', [victim.session]);
    expect(get).toMatchObject({ type: 'ERROR', error: 'wamp.error.no_such_session' });
    admin.close();
  });
});

describe('RPC corners (raw caller and callee)', () => {
  it('progressive call invocations with progressive results, all chunks to one callee', async () => {
    const callee1 = await RawPeer.join(r.url, 'json');
    const callee2 = await RawPeer.join(r.url, 'cbor');
    const caller = await RawPeer.join(r.url, 'msgpack');
    const reg = await callee1.register('test.stream', { invoke: 'roundrobin' });
    expect(await callee2.register('test.stream', { invoke: 'roundrobin' })).toBe(reg);
    const req = caller.nextRequestId();
    caller.send({
      type: 'CALL',
      request: req,
      options: { progress: true, receive_progress: true, disclose_me: true },
      procedure: 'test.stream',
      args: ['chunk1'],
    });
    const inv1 = await callee1.expect('INVOCATION');
    expect(inv1.details).toMatchObject({
      progress: true,
      receive_progress: true,
      caller: caller.session,
    });
    expect(inv1.args).toEqual(['chunk1']);
    callee1.send({
      type: 'YIELD',
      request: inv1.request,
      options: { progress: true },
      args: ['ack1'],
    });
    expect(await caller.expect('RESULT')).toMatchObject({
      details: { progress: true },
      args: ['ack1'],
    });
    // Continuations carry the same request ID; options other than progress are ignored.
    caller.send({
      type: 'CALL',
      request: req,
      options: { progress: true },
      procedure: 'test.stream',
      args: ['chunk2'],
    });
    caller.send({
      type: 'CALL',
      request: req,
      options: {},
      procedure: 'test.stream',
      args: ['last'],
    });
    const inv2 = await callee1.expect('INVOCATION');
    const inv3 = await callee1.expect('INVOCATION');
    expect(inv2.request).toBe(inv1.request);
    expect(inv2.details).toMatchObject({ progress: true, caller: caller.session });
    expect(inv3.details.progress).toBeUndefined();
    expect(inv3.details.caller).toBe(caller.session);
    expect(inv3.args).toEqual(['last']);
    callee1.send({ type: 'YIELD', request: inv1.request, options: {}, args: ['done'] });
    const final = await caller.expect('RESULT');
    expect(final.details.progress).toBeUndefined();
    expect(final.args).toEqual(['done']);
    // A late continuation is discarded, and a new call uses the next ID.
    caller.send({
      type: 'CALL',
      request: req,
      options: {},
      procedure: 'test.stream',
      args: ['late'],
    });
    expect(await callee1.quiet(50)).toEqual([]);
    expect(await callee2.quiet(0)).toEqual([]);
    for (const p of [callee1, callee2, caller]) p.close();
  });

  it('progressive invocations to a callee without the feature: wamp.error.feature_not_supported', async () => {
    const callee = await RawPeer.join(r.url, 'json', 'realm1', {
      callee: { features: { call_canceling: true } },
    });
    const caller = await RawPeer.join(r.url, 'json');
    await callee.register('test.plain');
    const res = await caller.call('test.plain', ['x'], undefined, { progress: true });
    expect(res).toMatchObject({ type: 'ERROR', error: 'wamp.error.feature_not_supported' });
    callee.close();
    caller.close();
  });

  for (const mode of ['skip', 'kill', 'killnowait'] as const) {
    it(`CANCEL mode ${mode}`, async () => {
      const callee = await RawPeer.join(r.url, 'json');
      const caller = await RawPeer.join(r.url, 'json');
      await callee.register(`test.cancel.${mode}`);
      const req = caller.nextRequestId();
      caller.send({ type: 'CALL', request: req, options: {}, procedure: `test.cancel.${mode}` });
      const inv = await callee.expect('INVOCATION');
      caller.send({ type: 'CANCEL', request: req, options: { mode } });
      if (mode === 'skip') {
        expect(await caller.expect('ERROR')).toMatchObject({
          request: req,
          error: 'wamp.error.canceled',
        });
        expect(await callee.quiet(50)).toEqual([]); // no INTERRUPT
        callee.send({ type: 'YIELD', request: inv.request, options: {}, args: ['late'] });
        expect(await caller.quiet(50)).toEqual([]); // discarded
      } else if (mode === 'kill') {
        expect(await callee.expect('INTERRUPT')).toMatchObject({
          request: inv.request,
          options: { mode: 'kill' },
        });
        expect(await caller.quiet(50)).toEqual([]); // waits for the callee
        callee.send({
          type: 'ERROR',
          requestType: 68,
          request: inv.request,
          details: {},
          error: 'wamp.error.canceled',
          args: ['stopped'],
        });
        expect(await caller.expect('ERROR')).toMatchObject({
          error: 'wamp.error.canceled',
          args: ['stopped'],
        });
      } else {
        const [a, b] = await Promise.all([caller.expect('ERROR'), callee.expect('INTERRUPT')]);
        expect(a).toMatchObject({ error: 'wamp.error.canceled' });
        expect(b.options.mode).toBe('killnowait');
        callee.send({ type: 'YIELD', request: inv.request, options: {}, args: ['late'] });
        expect(await caller.quiet(50)).toEqual([]);
      }
      callee.close();
      caller.close();
    });
  }

  it('router-side timeout: ERROR wamp.error.timeout and INTERRUPT killnowait', async () => {
    const callee = await RawPeer.join(r.url, 'ubjson');
    const caller = await RawPeer.join(r.url, 'json');
    await callee.register('test.slow');
    const res = caller.call('test.slow', [], undefined, { timeout: 100 });
    const inv = await callee.expect('INVOCATION');
    expect(inv.details.timeout).toBeUndefined();
    expect(await res).toMatchObject({ type: 'ERROR', error: 'wamp.error.timeout' });
    expect(await callee.expect('INTERRUPT')).toMatchObject({
      options: { mode: 'killnowait', reason: 'wamp.error.timeout' },
    });
    callee.close();
    caller.close();
  });

  it('caller leaving: the callee gets INTERRUPT killnowait; callee leaving: the caller gets wamp.error.canceled', async () => {
    const callee = await RawPeer.join(r.url, 'json');
    const caller = await RawPeer.join(r.url, 'json');
    await callee.register('test.leave');
    caller.send({
      type: 'CALL',
      request: caller.nextRequestId(),
      options: {},
      procedure: 'test.leave',
    });
    const inv = await callee.expect('INVOCATION');
    caller.close();
    expect(await callee.expect('INTERRUPT')).toMatchObject({
      request: inv.request,
      options: { mode: 'killnowait' },
    });
    const caller2 = await RawPeer.join(r.url, 'json');
    const res = caller2.call('test.leave');
    await callee.expect('INVOCATION');
    callee.close();
    expect(await res).toMatchObject({ type: 'ERROR', error: 'wamp.error.canceled' });
    caller2.close();
  });

  it('concurrency limit: a call beyond it gets wamp.error.no_available_callee', async () => {
    const callee = await RawPeer.join(r.url, 'json');
    const caller = await RawPeer.join(r.url, 'json');
    await callee.register('test.limited', { concurrency: 1 });
    const req1 = caller.nextRequestId();
    caller.send({ type: 'CALL', request: req1, options: {}, procedure: 'test.limited', args: [1] });
    const inv = await callee.expect('INVOCATION');
    const second = await caller.call('test.limited', [2]);
    expect(second).toMatchObject({ type: 'ERROR', error: 'wamp.error.no_available_callee' });
    callee.send({ type: 'YIELD', request: inv.request, options: {}, args: [1] });
    expect(await caller.next()).toMatchObject({ type: 'RESULT', request: req1, args: [1] });
    const third = caller.call('test.limited', [3]);
    const inv3 = await callee.expect('INVOCATION');
    callee.send({ type: 'YIELD', request: inv3.request, options: {} });
    expect(await third).toMatchObject({ type: 'RESULT' });
    callee.close();
    caller.close();
  });
});

describe('Payload PassThru Mode fields pass untouched', () => {
  const ppt = {
    ppt_scheme: 'x_custom',
    ppt_serializer: 'cbor',
    ppt_cipher: 'xsalsa20poly1305',
    ppt_keyid: 'k1',
  };
  const payload = new Uint8Array([1, 2, 3, 250]);

  it('CALL→INVOCATION, YIELD→RESULT, ERROR→ERROR, PUBLISH→EVENT', async () => {
    const callee = await RawPeer.join(r.url, 'msgpack');
    const caller = await RawPeer.join(r.url, 'json');
    await callee.register('test.ppt');
    const req = caller.nextRequestId();
    caller.send({
      type: 'CALL',
      request: req,
      options: { ...ppt },
      procedure: 'test.ppt',
      payload,
    });
    const inv = await callee.expect('INVOCATION');
    expect(inv.details).toMatchObject(ppt);
    expect(inv.payload).toEqual(payload);
    callee.send({ type: 'YIELD', request: inv.request, options: { ...ppt }, payload });
    const res = await caller.expect('RESULT');
    expect(res.details).toMatchObject(ppt);
    expect(res.payload).toEqual(payload);
    caller.send({
      type: 'CALL',
      request: caller.nextRequestId(),
      options: { ...ppt },
      procedure: 'test.ppt',
      payload,
    });
    const inv2 = await callee.expect('INVOCATION');
    callee.send({
      type: 'ERROR',
      requestType: 68,
      request: inv2.request,
      details: { ...ppt },
      error: 'com.err',
      payload,
    });
    const err = await caller.expect('ERROR');
    expect(err.details).toMatchObject(ppt);
    expect(err.payload).toEqual(payload);
    const sub = await callee.subscribe('test.ppt.topic');
    caller.send({
      type: 'PUBLISH',
      request: caller.nextRequestId(),
      options: { ...ppt },
      topic: 'test.ppt.topic',
      payload,
    });
    const ev = await callee.expect('EVENT');
    expect(ev.subscription).toBe(sub);
    expect(ev.details).toMatchObject(ppt);
    expect(ev.payload).toEqual(payload);
    callee.close();
    caller.close();
  });

  it('a PassThru CALL to a callee without the feature: wamp.error.feature_not_supported', async () => {
    const callee = await RawPeer.join(r.url, 'json', 'realm1', { callee: {} });
    const caller = await RawPeer.join(r.url, 'json');
    await callee.register('test.noppt');
    caller.send({
      type: 'CALL',
      request: caller.nextRequestId(),
      options: { ...ppt },
      procedure: 'test.noppt',
      payload,
    });
    expect(await caller.expect('ERROR')).toMatchObject({
      error: 'wamp.error.feature_not_supported',
    });
    callee.close();
    caller.close();
  });
});

describe('every serializer through the router', () => {
  for (const ser of ['json', 'msgpack', 'cbor', 'ubjson', 'flatbuffers']) {
    it(`${ser}: call, publish, binary payloads, kwargs`, async () => {
      const a = await RawPeer.join(r.url, ser);
      const b = await RawPeer.join(r.url, ser === 'flatbuffers' ? 'json' : 'flatbuffers');
      await a.register(`test.${ser}.proc`);
      const sub = await a.subscribe(`test.${ser}.topic`);
      const bin = new Uint8Array([0, 255, 7]);
      const res = b.call(`test.${ser}.proc`, [1, 'two', bin], { k: [true, null, 2.5] });
      const inv = await a.expect('INVOCATION');
      expect(inv.args).toEqual([1, 'two', bin]);
      expect(inv.kwargs).toEqual({ k: [true, null, 2.5] });
      a.send({ type: 'YIELD', request: inv.request, options: {}, args: [bin], kwargs: { ok: 1 } });
      expect(await res).toMatchObject({ type: 'RESULT', args: [bin], kwargs: { ok: 1 } });
      b.send({
        type: 'PUBLISH',
        request: b.nextRequestId(),
        options: {},
        topic: `test.${ser}.topic`,
        args: [bin],
      });
      expect(await a.expect('EVENT')).toMatchObject({ subscription: sub, args: [bin] });
      expect(a.undecodable).toEqual([]);
      expect(b.undecodable).toEqual([]);
      a.close();
      b.close();
    });
  }
});
