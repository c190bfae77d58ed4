/**
 * Interop over real sockets with `ws` (the Node reference implementation), in both directions:
 * our client ↔ ws server and ws client ↔ our server, with permessage-deflate off and on (our
 * node:zlib codec and our fflate codec). See peers/echo-scenarios.ts for the cases.
 */
import { describe } from 'vitest';
import { fflateCodec } from '../src/index.js';
import { type DeflateMode, wsClientSession, wsServerSession } from './peers/echo-peers.js';
import { echoSuite, peerCloseSuite } from './peers/echo-scenarios.js';

const MODES: DeflateMode[] = ['off', 'zlib', 'fflate'];
const FRAGMENT = 16 * 1024;

describe.each(MODES)('our client ↔ ws server, permessage-deflate %s', (deflate) => {
  const start = () => wsServerSession(deflate, fflateCodec, FRAGMENT);
  echoSuite({ deflate, fragmentEcho: FRAGMENT, large: true, start });
  peerCloseSuite(start);
});

describe.each(MODES)('ws client ↔ our server, permessage-deflate %s', (deflate) => {
  const start = () => wsClientSession(deflate, fflateCodec, FRAGMENT);
  echoSuite({ deflate, fragmentEcho: FRAGMENT, large: true, start });
  peerCloseSuite(start);
});
