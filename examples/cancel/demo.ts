/**
 * Canceling calls with AbortSignal (wamp-ap.md "Call Canceling"): aborting the signal passed to
 * `call()` sends CANCEL; the router INTERRUPTs the callee, whose `inv.signal` aborts, and the
 * call rejects with CanceledError. `AbortSignal.timeout()` gives a deadline the same way.
 * Starts the embedded router on a free port and exits 0.
 */
import { startRouter } from '@wampkit/router';
import { CanceledError, connect } from 'wampkit';

const router = await startRouter({ realms: ['realm1'] });
try {
  const callee = await connect({ url: router.url, realm: 'realm1' });
  const caller = await connect({ url: router.url, realm: 'realm1' });

  // A slow procedure that stops working as soon as its invocation is interrupted.
  let started!: () => void;
  let interrupted!: () => void;
  const calleeStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  const calleeSawInterrupt = new Promise<void>((resolve) => {
    interrupted = resolve;
  });
  await callee.register('com.example.slow', (inv) => {
    console.log('callee: started a slow job');
    started();
    return new Promise((_resolve, reject) => {
      inv.signal.addEventListener('abort', () => {
        console.log('callee: interrupted, stopping the job');
        interrupted();
        reject(inv.signal.reason);
      });
    });
  });

  // 1. Cancel explicitly with an AbortController (e.g. the user pressed "stop").
  const controller = new AbortController();
  const call = caller.call(
    'com.example.slow',
    [],
    {},
    { signal: controller.signal, cancelMode: 'kill' },
  );
  await calleeStarted;
  controller.abort();
  const error = await call.catch((e: unknown) => e);
  if (!(error instanceof CanceledError)) throw new Error(`expected CanceledError, got ${error}`);
  console.log(`caller: call rejected with CanceledError (${error.uri})`);
  await calleeSawInterrupt;

  // 2. A deadline: AbortSignal.timeout() cancels the call when it expires.
  const late = await caller
    .call('com.example.slow', [], {}, { signal: AbortSignal.timeout(100) })
    .catch((e: unknown) => e);
  console.log(`caller: deadline passed, call rejected with ${(late as Error).name}`);
  if (!(late instanceof CanceledError)) throw new Error(`expected CanceledError, got ${late}`);

  await caller.leave();
  await callee.leave();
} finally {
  await router.close();
}
