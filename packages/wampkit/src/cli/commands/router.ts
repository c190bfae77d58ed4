/**
 * `wampkit router`: the development router (@wampkit/router) from a config file and flags,
 * until Ctrl-C or SIGTERM. For production, point clients at Crossbar.io, Bondy or Nexus.
 */
import { startRouter } from '@wampkit/router';
import { OUTPUT_OPTIONS, parse, parseCount } from '../args.js';
import { aborted, type CommandContext } from '../context.js';
import { ConnectionFailedError, ExitCode, UsageError } from '../errors.js';
import { Output } from '../output.js';
import {
  AUTH_FLAG_METHODS,
  offeredMethods,
  parsePrincipalFlag,
  type RouterConfig,
  readConfigFile,
  routerOptions,
} from './router-config.js';

export const ROUTER_HELP = `Usage: wampkit router [--config FILE] [options]

Starts the wampkit development router and runs until Ctrl-C. Flags override the config file.
For production use Crossbar.io, Bondy or Nexus.

      --config FILE        JSON config: host, port, path, deflate, realms, autoCreateRealms,
                           rawsocket {port|path}, tls {cert, key, ca}, auth {anonymous,
                           ticket|wampcra|scram|cryptosign: {AUTHID: {secret, role}}}
      --host HOST          listen address (default 127.0.0.1)
  -p, --port PORT          WebSocket port (default 8080; 0 picks a free port)
      --path PATH          accept WebSocket handshakes only on PATH (default: any)
      --deflate            offer permessage-deflate
      --realm REALM        a realm (repeatable; default realm1)
      --fixed-realms       refuse realms that were not configured (default: create on join)
      --rawsocket-port N   also serve WAMP over RawSocket on TCP port N (0: a free port)
      --rawsocket-path P   also serve WAMP over RawSocket on the Unix socket P
      --tls-cert FILE      PEM certificate: serve wss:// (and rss://)
      --tls-key FILE       PEM private key of --tls-cert
      --tls-ca FILE        PEM CA for client certificates
Authentication (default: anonymous only; each flag is repeatable):
      --ticket AUTHID:TICKET[:ROLE]
      --wampcra AUTHID:SECRET[:ROLE]
      --scram AUTHID:PASSWORD[:ROLE]
      --cryptosign AUTHID:PUBLIC_KEY_HEX[:ROLE]
      --anonymous          also allow anonymous sessions when other methods are configured
Output:
      --json               one JSON object per line: {"event":"listening",...}, {"event":"stopped"}
  -h, --help               this help`;

const OPTIONS = {
  ...OUTPUT_OPTIONS,
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  path: { type: 'string' },
  deflate: { type: 'boolean' },
  realm: { type: 'string', multiple: true },
  'fixed-realms': { type: 'boolean' },
  'rawsocket-port': { type: 'string' },
  'rawsocket-path': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  ticket: { type: 'string', multiple: true },
  wampcra: { type: 'string', multiple: true },
  scram: { type: 'string', multiple: true },
  cryptosign: { type: 'string', multiple: true },
  anonymous: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

/** The config file overlaid with the flags. */
function configFrom(values: Values): RouterConfig {
  const c: RouterConfig = values.config ? readConfigFile(values.config) : {};
  if (values.host !== undefined) c.host = values.host;
  const port = parseCount('port', values.port);
  if (port !== undefined) {
    if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
    c.port = port;
  }
  if (values.path !== undefined) c.path = values.path;
  if (values.deflate) c.deflate = true;
  if (values.realm) c.realms = values.realm;
  if (values['fixed-realms']) c.autoCreateRealms = false;
  const rsPort = parseCount('rawsocket-port', values['rawsocket-port']);
  if (rsPort !== undefined) c.rawsocket = { port: rsPort };
  if (values['rawsocket-path'] !== undefined) c.rawsocket = { path: values['rawsocket-path'] };
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  if (cert !== undefined && key !== undefined) {
    c.tls = { cert, key, ...(values['tls-ca'] ? { ca: values['tls-ca'] } : {}) };
  }
  for (const method of AUTH_FLAG_METHODS) {
    for (const text of values[method] ?? []) {
      const [authid, principal] = parsePrincipalFlag(method, text);
      c.auth ??= {};
      c.auth[method] = { ...c.auth[method], [authid]: principal };
    }
  }
  if (values.anonymous) {
    c.auth ??= {};
    c.auth.anonymous = true;
  }
  return c;
}

export async function routerCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.argv, OPTIONS);
  if (values.help) {
    ctx.streams.stdout.write(`${ROUTER_HELP}\n`);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const out = new Output(values.json === true, ctx.streams);
  const config = configFrom(values);
  const options = await routerOptions(config);
  options.log = (level, message) => out.warn(`router ${level}: ${message}`);
  let router: Awaited<ReturnType<typeof startRouter>>;
  try {
    router = await startRouter(options);
  } catch (e) {
    // EADDRINUSE, EACCES, a bad realm name: the router could not start.
    const code = (e as NodeJS.ErrnoException).code;
    throw code
      ? new ConnectionFailedError(`cannot listen: ${(e as Error).message}`, { cause: e })
      : e;
  }
  const realms = router.router.realmNames();
  const auth = offeredMethods(config);
  out.result(
    {
      event: 'listening',
      url: router.url,
      rawsocket: router.rawsocket?.url ?? null,
      realms,
      auth,
    },
    () =>
      [
        `${out.paint('green', 'wampkit router')} listening on ${out.paint('bold', router.url)}`,
        router.rawsocket ? `  rawsocket: ${router.rawsocket.url}` : '',
        `  realms: ${realms.join(', ')}${config.autoCreateRealms === false ? '' : ' (more are created on join)'}`,
        `  auth: ${auth.join(', ')}`,
        out.paint('dim', '  development router; Ctrl-C to stop'),
      ]
        .filter((l) => l !== '')
        .join('\n'),
  );
  await aborted(ctx.signal);
  out.status('shutting down');
  await router.close();
  out.result({ event: 'stopped' }, () => 'stopped');
  return ExitCode.ok;
}
