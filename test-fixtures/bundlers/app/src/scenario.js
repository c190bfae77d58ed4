/**
 * What the browser tests do with wampkit in a page (plain JavaScript: it runs unbundled next to
 * the script-tag build and bundled inside the app). Two sessions on realm1 of the test router:
 * register/call (with binary), progressive results, cancel through an AbortSignal, and
 * subscribe/publish. Returns what happened as plain data for the test to check.
 */

/** Rejects with a label when a step does not finish in time (a hang becomes a clear failure). */
function within(promise, label, ms = 10_000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const toPlain = (v) => (v instanceof Uint8Array ? { bytes: Array.from(v) } : v);

export async function scenario(wampkit, url, serializer) {
  const { connect, CanceledError } = wampkit;
  const out = { serializer };
  const callee = await within(connect({ url, realm: 'realm1', serializer }), 'connect callee');
  const caller = await within(connect({ url, realm: 'realm1', serializer }), 'connect caller');
  try {
    // RPC: register + call, with a binary argument (the JSON serializer's "\0"+base64 convention).
    await callee.register('app.add', (inv) => inv.args[0] + inv.args[1]);
    await callee.register('app.echo', (inv) => inv.args[0]);
    out.add = (await within(caller.call('app.add', [2, 3]), 'call add')).args;
    const echoed = await within(
      caller.call('app.echo', [new Uint8Array([0, 1, 127, 128, 255])]),
      'echo',
    );
    out.binary = toPlain(echoed.args[0]);

    // Progressive call results (wamp-ap.md): an async generator yields them on the callee side.
    await callee.register('app.count', async function* (inv) {
      for (let i = 1; i <= inv.args[0]; i++) yield i;
      return 'done';
    });
    out.progressive = [];
    for await (const r of caller.callProgressive('app.count', [3])) {
      out.progressive.push([r.progress, r.args[0]]);
    }

    // Call canceling through an AbortSignal: the callee sees INTERRUPT, the caller a CanceledError.
    let invoked;
    const wasInvoked = new Promise((resolve) => {
      invoked = resolve;
    });
    let interrupted;
    const wasInterrupted = new Promise((resolve) => {
      interrupted = resolve;
    });
    await callee.register('app.wait', (inv) => {
      invoked();
      return new Promise((_, reject) => {
        inv.signal.addEventListener('abort', () => {
          interrupted(inv.signal.reason?.name ?? 'aborted');
          reject(inv.signal.reason);
        });
      });
    });
    const abort = new AbortController();
    const canceled = caller
      .call('app.wait', [], undefined, { signal: abort.signal, cancelMode: 'kill' })
      .then(
        () => 'resolved',
        (e) => e,
      );
    await within(wasInvoked, 'invocation of app.wait');
    abort.abort();
    const err = await within(canceled, 'canceled call');
    out.cancel = {
      callerError: err instanceof CanceledError ? 'CanceledError' : String(err),
      calleeInterrupted: await within(wasInterrupted, 'INTERRUPT at the callee'),
    };

    // PubSub: subscribe on one session, publish (acknowledged) from the other.
    const events = [];
    let allArrived;
    const arrived = new Promise((resolve) => {
      allArrived = resolve;
    });
    await caller.subscribe('app.topic', (ev) => {
      events.push(ev.args.map(toPlain));
      if (events.length === 2) allArrived();
    });
    const pub = await callee.publish('app.topic', ['hello'], undefined, { acknowledge: true });
    out.acknowledged = typeof pub?.publication === 'number';
    await callee.publish('app.topic', [new Uint8Array([9, 8])], undefined, { acknowledge: true });
    await within(arrived, 'events');
    out.events = events;
  } finally {
    await Promise.allSettled([callee.leave(), caller.leave()]);
  }
  return out;
}
