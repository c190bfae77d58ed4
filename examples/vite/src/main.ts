/**
 * A Vite app using wampkit: RPC with progressive results and PubSub against a router whose URL
 * comes from the page's query string (default: the `wampkit router` default).
 */
import { type ConnectOptions, connect } from 'wampkit';

const params = new URLSearchParams(location.search);
const url = params.get('url') ?? 'ws://127.0.0.1:8080/ws';
const serializer = (params.get('serializer') ?? 'json') as ConnectOptions['serializer'];
const logElement = document.getElementById('log') as HTMLElement;
const log = (line: string) => {
  logElement.textContent += `${line}\n`;
};

async function main(): Promise<void> {
  const session = await connect({ url, realm: 'realm1', serializer });
  log(`joined realm1 as session ${session.id} (${serializer})`);

  await session.register('com.example.count', async function* (inv) {
    for (let i = 1; i <= (inv.args[0] as number); i++) yield i;
    return 'done';
  });
  const seen: unknown[] = [];
  for await (const result of session.callProgressive('com.example.count', [3])) {
    seen.push(result.args[0]);
  }
  log(`progressive results: ${seen.join(', ')}`);

  const sub = await session.subscribe('com.example.news');
  await session.publish('com.example.news', ['fresh'], {}, { acknowledge: true, excludeMe: false });
  for await (const event of sub) {
    log(`event received: ${event.args[0]}`);
    break;
  }

  await session.leave();
  log('left the realm');
}

main().then(
  () => {
    document.body.dataset.status = 'done';
  },
  (error: unknown) => {
    log(`error: ${(error as Error).message}`);
    document.body.dataset.status = 'error';
  },
);
