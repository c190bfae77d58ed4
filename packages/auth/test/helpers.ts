/** Drives one client authenticator against one router-side verifier, as a session and router would. */
import type {
  AuthenticateResponse,
  Authenticator,
  AuthResult,
  ChallengeContext,
  HelloInfo,
  HelloOutcome,
  ServerAuthenticator,
  TransportAuthInfo,
} from '../src/index.js';

export interface ExchangeOptions {
  transport?: TransportAuthInfo;
  context?: ChallengeContext;
  sessionId?: number;
  /** Rewrites HELLO before the verifier sees it. */
  hello?: (hello: HelloInfo) => HelloInfo;
  /** Rewrites AUTHENTICATE before the verifier sees it. */
  tamper?: (response: AuthenticateResponse) => AuthenticateResponse;
  /** Rewrites WELCOME.Details before the client sees them. */
  welcome?: (details: Record<string, unknown>) => Record<string, unknown>;
}

export interface Exchange {
  hello: HelloInfo;
  outcome: HelloOutcome;
  response?: AuthenticateResponse;
  result: AuthResult;
}

export function helloFor(client: Authenticator, options: ExchangeOptions = {}): HelloInfo {
  const hello: HelloInfo = {
    realm: 'realm1',
    authmethods: [client.authmethod],
    authid: client.authid,
    authrole: client.authrole,
    authextra: client.authextra ?? {},
    sessionId: options.sessionId ?? 4_503_599_627_370_495,
    transport: options.transport,
  };
  return options.hello ? options.hello(hello) : hello;
}

export async function exchange(
  client: Authenticator,
  verifier: ServerAuthenticator,
  options: ExchangeOptions = {},
): Promise<Exchange> {
  const hello = helloFor(client, options);
  const outcome = await verifier.hello(client.authmethod, hello);
  if (outcome.kind === 'welcome') return { hello, outcome, result: outcome.result };
  let response = await client.onChallenge(outcome.authmethod, outcome.extra, options.context);
  if (options.tamper) response = options.tamper(response);
  const result = await outcome.pending.authenticate(response.signature, response.extra ?? {});
  let details: Record<string, unknown> = {
    authid: result.authid,
    authrole: result.authrole,
    authmethod: result.authmethod,
    authprovider: result.authprovider,
    ...(result.authextra ? { authextra: result.authextra } : {}),
  };
  if (options.welcome) details = options.welcome(details);
  await client.onWelcome?.(details);
  return { hello, outcome, response, result };
}

/** Awaits a rejection and returns the error, failing if the promise resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { uri?: string; reason?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { uri?: string; reason?: string };
  }
  throw new Error('expected a rejection');
}

/** Every string of an error chain (messages and causes), to check no secret leaks. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    parts.push(String((e as Error).message ?? e), String((e as Error).stack ?? ''));
    e = (e as Error).cause;
  }
  return parts.join('\n');
}
