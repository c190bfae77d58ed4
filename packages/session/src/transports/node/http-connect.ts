/// <reference types="node" />
/**
 * HTTP CONNECT tunnels (RFC 9110 §9.3.6) for the Node WebSocket transport: a TCP connection to
 * the proxy, `CONNECT host:port`, and on a 2xx answer the socket is a byte pipe to the router, on
 * which the WebSocket handshake (and TLS for wss://) then runs.
 */
import net from 'node:net';
import { ProxyError } from '../../transport-errors.js';
import type { ProxyOptions } from '../options.js';

/** The proxy's answer head may not be longer than this (a bounded buffer, principle 7). */
const MAX_RESPONSE_HEAD = 16 * 1024;

/** Opens a tunnel through `proxy` to host:port; resolves with the connected socket. */
export function openTunnel(
  proxy: string | ProxyOptions,
  host: string,
  port: number,
  signal?: AbortSignal,
): Promise<net.Socket> {
  const options = typeof proxy === 'string' ? { url: proxy } : proxy;
  let url: URL;
  try {
    url = new URL(options.url);
  } catch (e) {
    return Promise.reject(new ProxyError(`invalid proxy URL ${options.url}`, { cause: e }));
  }
  if (url.protocol !== 'http:') {
    return Promise.reject(
      new ProxyError(`proxy URL ${url.href}: only http:// proxies are supported`),
    );
  }
  const proxyHost = url.hostname.replace(/^\[|\]$/g, '');
  const proxyPort = Number(url.port || 80);
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const headers: Record<string, string> = { Host: authority, ...options.headers };
  if (url.username !== '') {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers['Proxy-Authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const request = `CONNECT ${authority} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const socket = net.connect({ host: proxyHost, port: proxyPort });
    let head = Buffer.alloc(0);
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(socket);
    };
    const onAbort = () => finish(signal?.reason as Error);
    const onError = (err: NodeJS.ErrnoException) =>
      finish(
        new ProxyError(`cannot reach the proxy ${url.host}: ${err.message}`, {
          cause: err,
          ...(err.code === undefined ? {} : { code: err.code }),
        }),
      );
    const onClose = () =>
      finish(new ProxyError(`the proxy ${url.host} closed the connection before answering`));
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_RESPONSE_HEAD) {
          finish(new ProxyError(`the proxy's answer head exceeds ${MAX_RESPONSE_HEAD} bytes`));
        }
        return;
      }
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
      const status = match ? Number(match[1]) : undefined;
      if (status === undefined || status < 200 || status > 299) {
        finish(
          new ProxyError(
            `the proxy ${url.host} refused CONNECT ${authority}: ${JSON.stringify(statusLine)}`,
            status === undefined ? {} : { status },
          ),
        );
        return;
      }
      // The client speaks first in both TLS and the WebSocket handshake: nothing may follow.
      if (head.length > end + 4) {
        finish(new ProxyError(`the proxy ${url.host} sent data before the tunnel was used`));
        return;
      }
      finish();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.once('connect', () => {
      socket.setNoDelay(true);
      socket.write(request);
    });
  });
}
