/**
 * Interop over real sockets with Autobahn|Python (Debian python3-autobahn, asyncio), in both
 * directions: our client ↔ Autobahn server and Autobahn client ↔ our server, with
 * permessage-deflate off and on (our node:zlib codec and our fflate codec). The peer runs
 * peers/autobahn_echo.py and echoes messages above 64 KiB fragmented. Cases: peers/echo-scenarios.ts.
 */
import { describe } from 'vitest';
import { fflateCodec } from '../src/index.js';
import {
  autobahnClientSession,
  autobahnServerSession,
  type DeflateMode,
} from './peers/echo-peers.js';
import { echoSuite, peerCloseSuite } from './peers/echo-scenarios.js';

const MODES: DeflateMode[] = ['off', 'zlib', 'fflate'];
const FRAGMENT = 64 * 1024;

describe.each(MODES)('our client ↔ Autobahn|Python server, permessage-deflate %s', (deflate) => {
  const start = () => autobahnServerSession(deflate, fflateCodec, FRAGMENT);
  // Autobahn's server keeps its inflater (it does not echo client_no_context_takeover), so our
  // fflate codec sends stored blocks there (see fflateCodec).
  const weCompress = deflate !== 'fflate';
  echoSuite({ deflate, fragmentEcho: FRAGMENT, large: true, weCompress, start });
  peerCloseSuite(start);
});

describe.each(MODES)('Autobahn|Python client ↔ our server, permessage-deflate %s', (deflate) => {
  const start = () => autobahnClientSession(deflate, fflateCodec, FRAGMENT);
  echoSuite({ deflate, fragmentEcho: FRAGMENT, large: true, start });
  peerCloseSuite(start);
});
