/**
 * WebSocket echo demo on the framing engine: starts an echo server, connects a client with
 * permessage-deflate and the WAMP JSON subprotocol, exchanges text, binary and a fragmented
 * message, pings, closes cleanly, and exits 0.
 */
import { connect, WebSocketServer } from '@wampkit/framing/node';

const server = new WebSocketServer({ protocols: ['wamp.2.json'], deflate: true });
server.on('connection', (ws, request) => {
  console.log(`server: client connected on ${request.path}, subprotocol ${ws.protocol}`);
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
const port = await server.listen(0);

const ws = await connect(`ws://127.0.0.1:${port}/echo`, {
  protocols: ['wamp.2.json'],
  deflate: true,
});
console.log(`client: open, subprotocol=${ws.protocol}, extensions=${ws.extensions}`);
const replies: Array<string | Uint8Array> = [];
const next = (): Promise<string | Uint8Array> =>
  new Promise((resolve) => ws.once('message', (data) => resolve(data)));

for (const msg of [
  'hello, wampkit',
  new Uint8Array([0, 1, 2, 253, 254, 255]),
  'x'.repeat(100_000),
]) {
  const reply = next();
  ws.send(msg);
  replies.push(await reply);
}
const fragmented = next();
ws.sendFragment('frag', false);
ws.sendFragment('mented', true);
replies.push(await fragmented);
const pong = new Promise<Uint8Array>((resolve) => ws.once('pong', resolve));
ws.ping('are you there?');
console.log(`client: pong "${new TextDecoder().decode(await pong)}"`);
for (const r of replies) {
  console.log(
    `client: echo ${typeof r === 'string' ? `text(${r.length}) "${r.slice(0, 20)}"` : `binary [${[...r].join(',')}]`}`,
  );
}
ws.close(1000, 'done');
const info = await ws.closed();
console.log(`client: closed code=${info.code} clean=${info.wasClean}`);
await server.close();
const ok = replies.length === 4 && replies[3] === 'fragmented' && info.wasClean;
process.exit(ok ? 0 : 1);
