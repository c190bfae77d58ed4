/**
 * The router the browser authentication tests (auth.spec.ts) talk to, run from TypeScript
 * sources in a child process (`node --conditions=wampkit-source --import tsx`): realm `secure`
 * with ticket, WAMP-CRA (plain and salted), WAMP-SCRAM (pbkdf2, argon2id13) and cryptosign
 * principals built from the secrets given as JSON in argv[2]. Prints `READY <url>` when listening
 * and stops on stdin end.
 */
import { CryptosignKey } from '../packages/auth/src/cryptosign.js';
import { deriveScramCredential } from '../packages/auth/src/scram.js';
import { deriveKey } from '../packages/auth/src/wampcra.js';
import { startRouter } from '../packages/router/src/index.js';

const s = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
const key = await CryptosignKey.load(s.seed!);
const router = await startRouter({
  realms: ['secure'],
  autoCreateRealms: false,
  auth: {
    secure: {
      ticket: { principals: { joe: { ticket: s.ticket!, role: 'user' } } },
      wampcra: {
        principals: {
          peter: { secret: s.cra!, role: 'user' },
          salty: {
            secret: await deriveKey(s.craSalted!, 'browser-salt', 1000, 32),
            salt: 'browser-salt',
            iterations: 1000,
            keylen: 32,
            role: 'user',
          },
        },
      },
      scram: {
        principals: {
          alice: {
            credential: await deriveScramCredential({
              password: s.scramPbkdf2!,
              kdf: 'pbkdf2',
              iterations: 4096,
            }),
            role: 'frontend',
          },
          argon: {
            credential: await deriveScramCredential({
              password: s.scramArgon!,
              kdf: 'argon2id13',
              iterations: 2,
              memory: 1024,
            }),
            role: 'frontend',
          },
        },
      },
      cryptosign: {
        principals: { device: { authorizedKeys: [key.publicKeyHex], role: 'device' } },
      },
      roles: {
        user: [{ uri: 'com.example.', match: 'prefix', allow: { call: true } }],
        frontend: [{ uri: 'com.example.', match: 'prefix', allow: { call: true } }],
        device: [{ uri: 'com.example.', match: 'prefix', allow: { call: true } }],
      },
    },
  },
});
process.stdout.write(`READY ${router.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void router.close().then(() => process.exit(0)));
