/**
 * Component with reconnect: `createComponent()` describes what a client provides (here one
 * registration) and keeps it on the router across connection losses, with exponential backoff.
 * The demo starts the embedded router, starts the component, restarts the router on the same
 * port, and shows the component rejoining with its registration restored. Exits 0.
 */
import { startRouter } from '@wampkit/router';
import { type ConnectionStateEvent, connect, createComponent, type Session } from 'wampkit';

let router = await startRouter({ realms: ['realm1'] });
const { port, url } = router;

const component = createComponent({
  transports: url,
  realm: 'realm1',
  // Made again on every (re)join, before onJoin runs.
  registrations: [{ procedure: 'com.example.hello', handler: (inv) => `hello, ${inv.args[0]}` }],
  reconnect: { initialDelay: 100, maxDelay: 2000 },
  onJoin: (session) => console.log(`component: joined as session ${session.id}`),
  onLeave: (_session, info) => console.log(`component: left (${info.reason})`),
});

// Watch the connection state as an async iterator (ends when the component stops).
const watching = (async () => {
  for await (const change of component.states()) console.log(describe(change));
})();

try {
  const firstSession = await component.start();
  console.log(`call 1: ${await callHello('first router')}`);

  console.log('-- restarting the router on the same port --');
  await router.close();
  router = await startRouter({ realms: ['realm1'], port });

  // Waits through 'waiting' and 'connecting' until the component has rejoined.
  await waitForRejoin(firstSession);
  console.log(`call 2: ${await callHello('second router')}`);
} finally {
  await component.stop();
  await watching;
  await router.close();
}

function describe(change: ConnectionStateEvent): string {
  const delay = change.delay !== undefined ? ` (next attempt in ${change.delay} ms)` : '';
  return `state: ${change.previous} -> ${change.state}${delay}`;
}

/** Calls the component's procedure from a separate session. */
async function callHello(name: string): Promise<unknown> {
  const caller = await connect({ url, realm: 'realm1' });
  try {
    return (await caller.call('com.example.hello', [name])).args[0];
  } finally {
    await caller.leave();
  }
}

/** Resolves once the component joined with a session other than `before`. */
async function waitForRejoin(before: Session): Promise<void> {
  for await (const change of component.states()) {
    if (change.state === 'joined' && change.session !== before) return;
  }
  throw new Error('the component stopped before it rejoined');
}
