/**
 * Authentication, each method (wamp-ap.md "Authentication"): the embedded router's per-realm
 * `auth` config accepts anonymous, ticket, WAMP-CRA, WAMP-SCRAM and WAMP-cryptosign; a client
 * joins with each through `connect({ auth })` and prints the identity the router gave it, then
 * shows a wrong secret being refused. Starts the router on a free port and exits 0.
 *
 * In production the router side lives in Crossbar.io, Bondy or Nexus; the client side is the same.
 */
import { type Authenticator, anonymous } from '@wampkit/auth';
import { CryptosignKey, cryptosign } from '@wampkit/auth/cryptosign';
import { deriveScramCredential, scram } from '@wampkit/auth/scram';
import { ticket } from '@wampkit/auth/ticket';
import { wampcra } from '@wampkit/auth/wampcra';
import { startRouter } from '@wampkit/router';
import { connect, SessionClosedError } from 'wampkit';

// A device key for cryptosign; the router only ever sees its public half.
const deviceKey = await CryptosignKey.generate();

const router = await startRouter({
  realms: ['realm1'],
  autoCreateRealms: false,
  auth: {
    realm1: {
      anonymous: { role: 'guest' },
      ticket: { principals: { joe: { ticket: 'joe-secret-ticket', role: 'user' } } },
      wampcra: { principals: { peter: { secret: 'peter-cra-secret', role: 'user' } } },
      scram: {
        principals: {
          alice: {
            // The router stores a derived credential, never the password.
            credential: await deriveScramCredential({
              password: 'alice-password',
              kdf: 'pbkdf2',
              iterations: 4096,
            }),
            role: 'admin',
          },
        },
      },
      cryptosign: {
        principals: { device1: { authorizedKeys: [deviceKey.publicKeyHex], role: 'device' } },
      },
    },
  },
});

async function join(label: string, auth: Authenticator): Promise<void> {
  const session = await connect({ url: router.url, realm: 'realm1', auth });
  console.log(`${label}: joined as authid=${session.authid} authrole=${session.authrole}`);
  await session.leave();
}

try {
  await join('anonymous', anonymous());
  await join('ticket', ticket({ authid: 'joe', ticket: 'joe-secret-ticket' }));
  await join('wampcra', wampcra({ authid: 'peter', secret: 'peter-cra-secret' }));
  await join('scram', scram({ authid: 'alice', password: 'alice-password' }));
  await join('cryptosign', cryptosign({ key: deviceKey, authid: 'device1' }));

  // A wrong secret: the router answers ABORT and connect() rejects with SessionClosedError.
  const refused = await connect({
    url: router.url,
    realm: 'realm1',
    auth: ticket({ authid: 'joe', ticket: 'wrong' }),
  }).catch((e: unknown) => e);
  if (!(refused instanceof SessionClosedError))
    throw new Error(`expected a refusal, got ${refused}`);
  console.log(`wrong ticket: refused with ${refused.reason}`);
} finally {
  await router.close();
}
