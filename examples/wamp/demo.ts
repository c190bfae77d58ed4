/**
 * README command 1: the four WAMP actions of the Autobahn example against the embedded router.
 * Starts @wampkit/router on a free port, connects a wampkit session, subscribes to
 * `com.myapp.hello`, publishes to it, registers `com.myapp.add2`, calls it, prints what
 * happened, and exits 0 (1 if anything went wrong).
 */
import { startRouter } from '@wampkit/router';
import { connect, type Event } from 'wampkit';

async function main(): Promise<void> {
  const router = await startRouter({ realms: ['realm1'] });
  console.log(`router listening on ${router.url}`);
  try {
    const session = await connect({ url: router.url, realm: 'realm1' });
    console.log(`joined realm1 as session ${session.id}`);

    // 1. subscribe to a topic
    let resolveEvent!: (e: Event) => void;
    const received = new Promise<Event>((resolve) => {
      resolveEvent = resolve;
    });
    const sub = await session.subscribe('com.myapp.hello', (event) => resolveEvent(event));
    console.log(`subscribed to com.myapp.hello (subscription ${sub.id})`);

    // 2. publish an event (excludeMe: false, so our own subscription receives it)
    const pub = await session.publish('com.myapp.hello', ['Hello, world!'], undefined, {
      acknowledge: true,
      excludeMe: false,
    });
    console.log(`published to com.myapp.hello (publication ${pub?.publication})`);
    const event = await received;
    console.log(`event received on com.myapp.hello: ${JSON.stringify(event.args[0])}`);

    // 3. register a procedure for remote calling
    const reg = await session.register('com.myapp.add2', (inv) => {
      const [a, b] = inv.args as [number, number];
      return a + b;
    });
    console.log(`registered com.myapp.add2 (registration ${reg.id})`);

    // 4. call a remote procedure
    const result = await session.call<[number]>('com.myapp.add2', [2, 3]);
    console.log(`called com.myapp.add2(2, 3) = ${result.args[0]}`);
    if (result.args[0] !== 5) throw new Error(`expected 5, got ${result.args[0]}`);

    await sub.unsubscribe();
    await reg.unregister();
    const info = await session.leave();
    console.log(`left the realm (${info.reason}, clean: ${info.clean})`);
  } finally {
    await router.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('demo failed:', err);
    process.exit(1);
  },
);
