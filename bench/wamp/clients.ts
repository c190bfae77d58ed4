/**
 * The three WAMP clients behind one small interface, each used the way its documentation shows:
 *
 * - wampkit: `connect()` + Session (this repository: its dist/ build, or its TypeScript sources
 *   through tsx; see build-state.ts).
 * - Autobahn|JS 22.11.1 (npm `autobahn`): `Connection` with one serializer instance (its Node
 *   WebSocket is `ws` 7; msgpack through msgpack5, CBOR through `cbor`), default promise
 *   library (when.js, which autobahn picks when installed, as it is with a plain npm install).
 * - wampy 8.0.2: `new Wampy(url, { ws, serializer })` with `ws` 8 as its WebSocket class
 *   (msgpack through msgpackr, CBOR through cbor-x).
 *
 * Every callee echoes the call's args list; every publish asks for acknowledgement (wampy always
 * does, so the others do too: PUBLISHED is what bounds the publisher's window).
 */
/// <reference path="./autobahn.d.ts" />
import autobahn from 'autobahn';
import { Wampy } from 'wampy';
import WebSocket from 'ws';
import type * as Wampkit from '../../packages/wampkit/src/index.js';
import type { CodeFrom } from './build-state.js';

export type ClientImpl = 'wampkit' | 'autobahn' | 'wampy';
export type SerializerName = 'json' | 'msgpack' | 'cbor';

export const CLIENTS: readonly ClientImpl[] = ['wampkit', 'autobahn', 'wampy'];
export const SERIALIZERS: readonly SerializerName[] = ['json', 'msgpack', 'cbor'];

export interface BenchClient {
  /** Calls `procedure` with `args`; resolves when the RESULT arrived. */
  call(procedure: string, args: unknown[]): Promise<unknown>;
  /** Registers a callee that answers every invocation with the args it got. */
  registerEcho(procedure: string, onInvocation: () => void): Promise<void>;
  /** Publishes with acknowledgement; resolves on PUBLISHED. */
  publish(topic: string, args: unknown[]): Promise<unknown>;
  subscribe(topic: string, onEvent: () => void): Promise<void>;
}

let wampkit: Promise<typeof Wampkit> | undefined;

/** Where wampkit loads from; call once before the first openClient('wampkit', ...). */
export function loadWampkitFrom(from: CodeFrom): void {
  wampkit =
    from === 'dist'
      ? (import('../../packages/wampkit/dist/index.js') as Promise<typeof Wampkit>)
      : import('../../packages/wampkit/src/index.js');
}

export function openClient(
  impl: ClientImpl,
  url: string,
  realm: string,
  serializer: SerializerName,
): Promise<BenchClient> {
  switch (impl) {
    case 'wampkit':
      return openWampkit(url, realm, serializer);
    case 'autobahn':
      return openAutobahn(url, realm, serializer);
    case 'wampy':
      return openWampy(url, realm, serializer);
  }
}

async function openWampkit(
  url: string,
  realm: string,
  serializer: SerializerName,
): Promise<BenchClient> {
  if (!wampkit) throw new Error('loadWampkitFrom() was not called');
  const { connect, Result } = await wampkit;
  const session = await connect({ url, realm, serializer });
  return {
    call: (procedure, args) => session.call(procedure, args),
    registerEcho: async (procedure, onInvocation) => {
      await session.register(procedure, (invocation) => {
        onInvocation();
        return new Result(invocation.args);
      });
    },
    publish: (topic, args) => session.publish(topic, args, undefined, { acknowledge: true }),
    subscribe: async (topic, onEvent) => {
      await session.subscribe(topic, () => onEvent());
    },
  };
}

// ---- Autobahn|JS (CommonJS, no type declarations: the few members used are typed here)

interface AutobahnSession {
  call(procedure: string, args: unknown[]): Promise<unknown>;
  register(procedure: string, endpoint: (args: unknown[]) => unknown): Promise<unknown>;
  publish(
    topic: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
    options: { acknowledge: boolean },
  ): Promise<unknown>;
  subscribe(topic: string, handler: (args: unknown[]) => void): Promise<unknown>;
}

interface AutobahnConnection {
  onopen: (session: AutobahnSession) => void;
  onclose: (reason: string, details: unknown) => boolean;
  open(): void;
}

interface AutobahnModule {
  Connection: new (options: Record<string, unknown>) => AutobahnConnection;
  Result: new (args: unknown[]) => unknown;
  serializer: Record<'JSONSerializer' | 'MsgpackSerializer' | 'CBORSerializer', new () => unknown>;
}

const ab = autobahn as unknown as AutobahnModule;

const AUTOBAHN_SERIALIZERS = {
  json: 'JSONSerializer',
  msgpack: 'MsgpackSerializer',
  cbor: 'CBORSerializer',
} as const;

function openAutobahn(
  url: string,
  realm: string,
  serializer: SerializerName,
): Promise<BenchClient> {
  const Serializer = ab.serializer[AUTOBAHN_SERIALIZERS[serializer]];
  return new Promise((resolve, reject) => {
    const connection = new ab.Connection({
      url,
      realm,
      serializers: [new Serializer()],
      max_retries: 0,
      retry_if_unreachable: false,
    });
    let opened = false;
    connection.onopen = (session) => {
      opened = true;
      resolve({
        call: (procedure, args) => session.call(procedure, args),
        registerEcho: async (procedure, onInvocation) => {
          await session.register(procedure, (args) => {
            onInvocation();
            return new ab.Result(args);
          });
        },
        publish: (topic, args) => session.publish(topic, args, {}, { acknowledge: true }),
        subscribe: async (topic, onEvent) => {
          await session.subscribe(topic, () => onEvent());
        },
      });
    };
    connection.onclose = (reason, details) => {
      if (!opened) reject(new Error(`autobahn: ${reason} ${JSON.stringify(details)}`));
      return true; // no reconnect
    };
    connection.open();
  });
}

// ---- wampy

const WAMPY_SERIALIZERS = {
  json: async () => new (await import('wampy/JsonSerializer.js')).JsonSerializer(),
  msgpack: async () => new (await import('wampy/MsgpackSerializer.js')).MsgpackSerializer(),
  cbor: async () => new (await import('wampy/CborSerializer.js')).CborSerializer(),
} as const;

async function openWampy(
  url: string,
  realm: string,
  serializer: SerializerName,
): Promise<BenchClient> {
  const wampy = new Wampy(url, {
    realm,
    // wampy calls `new ws(url, protocols, null, headers, requestOptions)`: ws 8 takes it.
    ws: WebSocket as unknown as NonNullable<ConstructorParameters<typeof Wampy>[1]>['ws'],
    serializer: await WAMPY_SERIALIZERS[serializer](),
    autoReconnect: false,
  });
  await wampy.connect();
  return {
    call: (procedure, args) => wampy.call(procedure, args),
    registerEcho: async (procedure, onInvocation) => {
      await wampy.register(procedure, ({ argsList }) => {
        onInvocation();
        return { argsList: argsList ?? [] };
      });
    },
    publish: (topic, args) => wampy.publish(topic, args),
    subscribe: async (topic, onEvent) => {
      // Explicit options: without them wampy 8.0.2 sends {match: undefined, get_retained:
      // undefined}, which msgpackr encodes as its `undefined` extension type, and a strict
      // router rejects SUBSCRIBE as malformed (seen with our router).
      await wampy.subscribe(topic, () => onEvent(), { match: 'exact', get_retained: false });
    },
  };
}
