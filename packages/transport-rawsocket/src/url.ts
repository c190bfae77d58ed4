/**
 * RawSocket URLs. The schemes follow Autobahn|Python (`autobahn.rawsocket.util.parse_url`):
 * `rs://host:port` and `rss://host:port` (TLS), default ports 80/443, and `rs://unix:/path` for
 * a Unix domain socket. `tcp://host:port`, `tls://host:port` and `unix:///path` are accepted as
 * well (explicit port required for tcp/tls).
 */

export type RawSocketEndpoint =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls: boolean }
  | { readonly kind: 'unix'; readonly path: string; readonly tls: boolean };

/** A URL that is not a RawSocket URL (scheme, host, port or path). */
export class InvalidUrlError extends TypeError {
  override name = 'InvalidUrlError';
}

const SCHEMES: Record<string, { tls: boolean; defaultPort?: number }> = {
  'rs:': { tls: false, defaultPort: 80 },
  'rss:': { tls: true, defaultPort: 443 },
  'tcp:': { tls: false },
  'tls:': { tls: true },
};

/** Parses an rs://, rss://, tcp://, tls:// or unix:// URL into the endpoint to connect to. */
export function parseRawSocketUrl(url: string | URL): RawSocketEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch (e) {
    throw new InvalidUrlError(`invalid RawSocket URL ${JSON.stringify(String(url))}`, { cause: e });
  }
  const text = JSON.stringify(u.href);
  if (u.search !== '' || u.hash !== '') {
    throw new InvalidUrlError(`RawSocket URL ${text} must not have a query or fragment`);
  }
  if (u.protocol === 'unix:') {
    if (u.host !== '' || u.pathname === '' || u.pathname === '/') {
      throw new InvalidUrlError(`unix URL ${text} must be unix:///absolute/path`);
    }
    return { kind: 'unix', path: decodeURIComponent(u.pathname), tls: false };
  }
  const scheme = SCHEMES[u.protocol];
  if (scheme === undefined) {
    throw new InvalidUrlError(
      `RawSocket URL ${text}: scheme must be rs, rss, tcp, tls or unix, not ${u.protocol.slice(0, -1)}`,
    );
  }
  if (u.hostname === 'unix' && scheme.defaultPort !== undefined) {
    // rs://unix:/tmp/file.sock (Autobahn|Python's form); rss:// runs TLS over the Unix socket.
    if (u.port !== '' || u.pathname === '' || u.pathname === '/') {
      throw new InvalidUrlError(`RawSocket URL ${text}: expected rs://unix:/absolute/path`);
    }
    return { kind: 'unix', path: decodeURIComponent(u.pathname), tls: scheme.tls };
  }
  if (u.hostname === '') throw new InvalidUrlError(`RawSocket URL ${text} has no host`);
  if (u.pathname !== '' && u.pathname !== '/') {
    throw new InvalidUrlError(`RawSocket URL ${text} must not have a path`);
  }
  if (u.username !== '' || u.password !== '') {
    throw new InvalidUrlError(`RawSocket URL ${text} must not carry credentials`);
  }
  const port = u.port === '' ? scheme.defaultPort : Number(u.port);
  if (port === undefined || port < 1) {
    throw new InvalidUrlError(`RawSocket URL ${text} needs a port`);
  }
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { kind: 'tcp', host, port, tls: scheme.tls };
}
