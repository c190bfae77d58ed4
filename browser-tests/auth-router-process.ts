/**
 * Starts browser-tests/auth-router.ts (our router with realm `secure` and ticket, WAMP-CRA,
 * WAMP-SCRAM and cryptosign principals) in a child process from TypeScript sources, with fresh
 * random secrets; resolves with its URL once it prints `READY <url>`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '..');
const hex = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n))).toString('hex');

/** The secrets auth-router.ts builds its principals from. */
export interface AuthRouterSecrets {
  ticket: string;
  cra: string;
  craSalted: string;
  scramPbkdf2: string;
  scramArgon: string;
  /** 64 hex characters: the cryptosign principal's Ed25519 seed. */
  seed: string;
}

export function randomSecrets(): AuthRouterSecrets {
  return {
    ticket: `t-${hex(8)}`,
    cra: `c-${hex(8)}`,
    craSalted: `cs-${hex(8)}`,
    scramPbkdf2: `sp-${hex(8)}`,
    scramArgon: `sa-${hex(8)}`,
    seed: hex(32),
  };
}

export interface AuthRouterProcess {
  url: string;
  /** Ends the router (closes its stdin) and waits for the process to exit. */
  stop(): Promise<void>;
}

export async function startAuthRouter(secrets: AuthRouterSecrets): Promise<AuthRouterProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--conditions=wampkit-source',
      '--import',
      'tsx',
      join(root, 'browser-tests/auth-router.ts'),
      JSON.stringify(secrets),
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((res, rej) => {
    child.once('exit', (code) => rej(new Error(`auth router exited with ${code}`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) res(line.slice(6).trim());
    });
  });
  return {
    url,
    stop: async () => {
      child.stdin?.end();
      await exited;
    },
  };
}
