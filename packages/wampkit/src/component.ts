/**
 * `createComponent`: the reconnecting Component of @wampkit/session with transports given as
 * URLs (or URL + options): each becomes a TransportEntry that opens through `openTransport`
 * (`#open-transport`: WebSocket everywhere, RawSocket in Node), with the serializer loaded on
 * first use. The Component's `keepalive` also drives transport-level PINGs where the transport
 * has them (Node WebSocket); elsewhere the Component runs its WAMP probe.
 */
import type { Serializer, SerializerId } from '@wampkit/serializers';
import {
  Component,
  type ComponentOptions,
  type SessionProbeOptions,
  type TransportEntry,
} from '@wampkit/session';
import { openTransport, type TransportOptions } from '#open-transport';
import { type AuthOption, sessionAuthOptions } from './auth.js';
import { loadSerializer } from './serializers.js';

/** A URL, a URL with transport options, or a ready TransportEntry. */
export type ComponentTransport =
  | string
  | (Omit<TransportOptions, 'serializer' | 'signal'> & {
      url: string;
      /** Default: the component's `serializer`. */
      serializer?: SerializerId | Serializer;
      /** For events (default: the URL). */
      name?: string;
    })
  | TransportEntry;

/** Options of createComponent(): the Component's, with transports given as URLs. */
export interface WampkitComponentOptions extends Omit<ComponentOptions, 'transports'> {
  /** Tried in order on every connection attempt. */
  transports: ComponentTransport | readonly ComponentTransport[];
  /** Serializer of URL entries that do not name one. Default 'json'. */
  serializer?: SerializerId | Serializer;
  /**
   * Authenticate every join, as `connect({ auth })` does: `ticket(...)`, `wampcra(...)`,
   * `scram(...)`, `cryptosign(...)` from `wampkit/auth/<method>`, or several to offer.
   */
  auth?: AuthOption;
}

const DEFAULT_KEEPALIVE: SessionProbeOptions = { interval: 10_000, timeout: 5_000 };

/** Creates a Component (not started: call `start()`). */
export function createComponent(options: WampkitComponentOptions): Component {
  const keepalive =
    options.keepalive === false ? undefined : (options.keepalive ?? DEFAULT_KEEPALIVE);
  const list = (
    Array.isArray(options.transports) ? options.transports : [options.transports]
  ) as ComponentTransport[];
  const transports = list.map((t): TransportEntry => {
    if (typeof t !== 'string' && 'connect' in t) return t;
    const spec = typeof t === 'string' ? { url: t } : t;
    const { url, name, serializer, ...transportOptions } = spec;
    return {
      name: name ?? url,
      async connect(signal) {
        const opts: TransportOptions = {
          ...transportOptions,
          serializer: await loadSerializer(serializer ?? options.serializer),
          signal,
        };
        if (!opts.keepalive && keepalive) {
          opts.keepalive = {
            interval: keepalive.interval,
            timeout: keepalive.timeout ?? keepalive.interval,
          };
        }
        return openTransport(url, opts);
      },
    };
  });
  const { transports: _t, serializer: _s, auth, ...rest } = options;
  if (auth) {
    const own = rest.sessionFor;
    rest.sessionFor = (transport) => ({
      ...own?.(transport),
      ...sessionAuthOptions(auth, transport),
    });
  }
  return new Component({ ...rest, transports });
}
