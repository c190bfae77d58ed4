/**
 * The tiny app on the small client: imports `wampkit/basic` by its package name and runs a
 * Basic Profile round trip (register/call, subscribe/publish) against the router at `url`.
 * build.ts bundles it in place of main.js when asked for the `basic` app.
 */
import { ApplicationError, connect } from 'wampkit/basic';

async function run(url) {
  const a = await connect({ url, realm: 'realm1' });
  const b = await connect({ url, realm: 'realm1' });
  await b.register('com.app.basic.add', (inv) => inv.args[0] + inv.args[1]);
  await b.register('com.app.basic.fail', () => {
    throw new ApplicationError('com.app.basic.no', ['nope']);
  });
  const sum = (await a.call('com.app.basic.add', [2, 3])).args[0];
  const error = await a.call('com.app.basic.fail').then(
    () => 'resolved',
    (e) => (e instanceof ApplicationError ? e.uri : String(e)),
  );
  let got;
  const event = new Promise((resolve) => {
    got = resolve;
  });
  await a.subscribe('com.app.basic.news', (e) => got(e.args));
  await b.publish('com.app.basic.news', ['hello'], undefined, { acknowledge: true });
  const news = await event;
  await Promise.all([a.leave(), b.leave()]);
  return { sum, error, news };
}

globalThis.wampkitApp = { run };
