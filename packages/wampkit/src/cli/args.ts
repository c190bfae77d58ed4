/**
 * Command-line parsing on node:util parseArgs: the flags every client command shares
 * (connection, serializer, authentication, output), and the payload syntax of call/publish.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Flags of every command. */
export const OUTPUT_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

/** Flags of the commands that connect to a router as a client. */
export const CLIENT_OPTIONS = {
  ...OUTPUT_OPTIONS,
  url: { type: 'string', short: 'u' },
  realm: { type: 'string', short: 'r' },
  serializer: { type: 'string', short: 's' },
  'connect-timeout': { type: 'string' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  authid: { type: 'string' },
  authrole: { type: 'string' },
  authmethod: { type: 'string' },
  ticket: { type: 'string' },
  secret: { type: 'string' },
  password: { type: 'string' },
  'private-key': { type: 'string' },
} as const satisfies OptionSpec;

/** Flags that carry a call's or a publication's keyword arguments. */
export const PAYLOAD_OPTIONS = {
  kw: { type: 'string', short: 'k', multiple: true },
} as const satisfies OptionSpec;

export const CLIENT_HELP = `Connection:
  -u, --url URL            router URL: ws://, wss://, rs://, rss://, tcp://, tls://, unix:///path
                           (default $WAMPKIT_URL or ws://127.0.0.1:8080/ws)
  -r, --realm REALM        realm to join (default $WAMPKIT_REALM or realm1)
  -s, --serializer NAME    json (default), msgpack, cbor, ubjson or flatbuffers
      --connect-timeout MS connect and join within MS milliseconds (default 10000)
      --ca FILE            trust this CA certificate (PEM) for wss:// and rss://
      --insecure           do not verify the router's TLS certificate
Authentication (default anonymous; the method follows from the secret given):
      --authid ID          authentication ID
      --authrole ROLE      requested role
      --authmethod NAME    anonymous, ticket, wampcra, scram or cryptosign
      --ticket TICKET      ticket ($WAMPKIT_TICKET)
      --secret SECRET      WAMP-CRA secret ($WAMPKIT_SECRET)
      --password PASSWORD  WAMP-SCRAM password ($WAMPKIT_PASSWORD)
      --private-key KEY    cryptosign key: 64 hex digits or a key file ($WAMPKIT_PRIVATE_KEY)
Output:
      --json               one JSON object per line on stdout
  -h, --help               this help`;

type Parsed<O extends OptionSpec> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** Parses `argv` with `options`; unknown flags and missing values become UsageError. */
export function parse<O extends OptionSpec>(argv: readonly string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message, { cause: e });
  }
}

/**
 * One argument value: JSON when it parses (`42`, `true`, `null`, `"text"`, `[1,2]`, `{"a":1}`),
 * else the text itself, so `wampkit call com.echo hello` sends the string "hello".
 */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `--kw key=value` flags as a kwargs dictionary (values as in parseValue). */
export function parseKwargs(pairs: readonly string[] | undefined): Record<string, unknown> {
  const kwargs: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--kw expects key=value, got ${JSON.stringify(pair)}`);
    kwargs[pair.slice(0, eq)] = parseValue(pair.slice(eq + 1));
  }
  return kwargs;
}

/** A non-negative integer flag (milliseconds, counts, ports). */
export function parseCount(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0 || text.trim() === '') {
    throw new UsageError(`--${name} expects a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** One of `choices`, or UsageError. */
export function parseChoice<T extends string>(
  name: string,
  text: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (text === undefined) return undefined;
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new UsageError(
    `--${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(text)}`,
  );
}

/** The positional at `index`, or UsageError naming it. */
export function required(positionals: readonly string[], index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing ${what}`);
  return value;
}
