/**
 * The small client, `wampkit/basic` (5 KB min+gzip in a browser bundle): the Basic Profile with
 * the same calls as `wampkit`. It runs on any WHATWG WebSocket; Node 20 has none built in, so
 * this demo passes the `ws` package's (browsers and Node 22+ need no `WebSocket` option).
 * Starts the embedded router on a free port and exits 0.
 */
import { startRouter } from '@wampkit/router';
import { ApplicationError, type BasicConnectOptions, connect } from 'wampkit/basic';
import { WebSocket } from 'ws';

const router = await startRouter({ realms: ['realm1'] });
const options: BasicConnectOptions = {
  url: router.url,
  realm: 'realm1',
  WebSocket: WebSocket as unknown as BasicConnectOptions['WebSocket'],
};
try {
  const callee = await connect(options);
  const caller = await connect(options);
  console.log(`joined sessions ${callee.id} and ${caller.id}`);

  await callee.register('com.example.divide', (inv) => {
    const [a, b] = inv.args as [number, number];
    if (b === 0) throw new ApplicationError('com.example.division_by_zero', ['cannot divide by 0']);
    return a / b;
  });
  console.log(`divide(10, 4) = ${(await caller.call('com.example.divide', [10, 4])).args[0]}`);
  await caller.call('com.example.divide', [1, 0]).catch((e: unknown) => {
    if (e instanceof ApplicationError) console.log(`divide(1, 0) failed: ${e.uri} ${e.args[0]}`);
  });

  let deliver!: (args: unknown[]) => void;
  const received = new Promise<unknown[]>((resolve) => {
    deliver = resolve;
  });
  const sub = await callee.subscribe('com.example.news', (event) => deliver(event.args));
  await caller.publish('com.example.news', ['hello from basic'], undefined, { acknowledge: true });
  console.log(`event: ${JSON.stringify(await received)}`);
  await sub.unsubscribe();

  const info = await caller.leave();
  await callee.leave();
  console.log(`left: ${info.reason}`);
} finally {
  await router.close();
}
