/**
 * Progressive call results with async iterators (wamp-ap.md "Progressive Call Results"): the
 * callee is an async generator whose every `yield` is a progressive RESULT and whose `return` is
 * the final one; the caller reads them with `for await` from `session.callProgressive()`.
 * Starts the embedded router on a free port and exits 0.
 */
import { startRouter } from '@wampkit/router';
import { connect } from 'wampkit';

const router = await startRouter({ realms: ['realm1'] });
try {
  const callee = await connect({ url: router.url, realm: 'realm1' });
  const caller = await connect({ url: router.url, realm: 'realm1' });

  // Callee: count down from n, one progressive result per step, then a final result.
  await callee.register('com.example.countdown', async function* (inv) {
    const n = inv.args[0] as number;
    for (let i = n; i > 0; i--) yield i;
    return 'liftoff';
  });

  // Caller: each progressive result arrives as the callee yields it; the last one is final.
  const seen: unknown[] = [];
  for await (const result of caller.callProgressive('com.example.countdown', [3])) {
    console.log(`${result.progress ? 'progress' : 'final'}: ${JSON.stringify(result.args[0])}`);
    seen.push(result.args[0]);
  }
  if (JSON.stringify(seen) !== JSON.stringify([3, 2, 1, 'liftoff'])) {
    throw new Error(`unexpected results ${JSON.stringify(seen)}`);
  }

  // Leaving the loop early cancels the call at the router (CANCEL, mode killnowait).
  for await (const result of caller.callProgressive('com.example.countdown', [1000])) {
    console.log(`stopping after the first result (${result.args[0]}): the call is canceled`);
    break;
  }

  await caller.leave();
  await callee.leave();
} finally {
  await router.close();
}
