/**
 * FlatBuffers bytes -> WAMP message model, through the flatc-generated table classes.
 * args/kwargs travel as CBOR bytes inside the tables (as Autobahn|Python does); PassThru
 * payloads as raw bytes. Every access is bounds-checked (the FlatBuffers JS runtime has no
 * verifier): strings are taken as byte views and UTF-8 decoded strictly, vector lengths are
 * checked against the buffer before any loop.
 */
import { ByteBuffer, Encoding } from 'flatbuffers';
import { decodeCborValue } from '../cbor.js';
import { ProtocolViolationError } from '../errors.js';
import type { DecodeLimits } from '../limits.js';
import { messageTypeName } from '../message-types.js';
import type { AppPayload, Dict, WampMessage } from '../messages.js';
import { validateMessage } from '../wire.js';
import {
  AUTH_METHOD,
  CANCEL_MODE,
  INVOKE,
  MATCH,
  PPT_CIPHER,
  PPT_SCHEME,
  PPT_SERIALIZER,
  ROLE_FEATURES,
  wampCodeOfFbType,
} from './enums.js';
import type { Map as FbMap } from './generated/wamp/map.js';
import { Abort } from './generated/wamp/proto/abort.js';
import { Authenticate } from './generated/wamp/proto/authenticate.js';
import { Call } from './generated/wamp/proto/call.js';
import { Cancel } from './generated/wamp/proto/cancel.js';
import { Challenge } from './generated/wamp/proto/challenge.js';
import { Error as ErrorTable } from './generated/wamp/proto/error.js';
import { Event } from './generated/wamp/proto/event.js';
import { EventReceived } from './generated/wamp/proto/event-received.js';
import { Goodbye } from './generated/wamp/proto/goodbye.js';
import { Hello } from './generated/wamp/proto/hello.js';
import { Interrupt } from './generated/wamp/proto/interrupt.js';
import { Invocation } from './generated/wamp/proto/invocation.js';
import { Message } from './generated/wamp/proto/message.js';
import type { Principal } from './generated/wamp/proto/principal.js';
import { Publish } from './generated/wamp/proto/publish.js';
import { Published } from './generated/wamp/proto/published.js';
import { Register } from './generated/wamp/proto/register.js';
import { Registered } from './generated/wamp/proto/registered.js';
import { Result } from './generated/wamp/proto/result.js';
import { Subscribe } from './generated/wamp/proto/subscribe.js';
import { Subscribed } from './generated/wamp/proto/subscribed.js';
import { Unregister } from './generated/wamp/proto/unregister.js';
import { Unregistered } from './generated/wamp/proto/unregistered.js';
import { Unsubscribe } from './generated/wamp/proto/unsubscribe.js';
import { Unsubscribed } from './generated/wamp/proto/unsubscribed.js';
import { Welcome } from './generated/wamp/proto/welcome.js';
import { Yield } from './generated/wamp/proto/yield.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface Table {
  bb: ByteBuffer | null;
  bb_pos: number;
}

type StringGetter = (encoding: Encoding) => string | Uint8Array | null;

class Ctx {
  constructor(
    readonly bytes: Uint8Array,
    readonly limits: DecodeLimits,
    readonly type: string,
  ) {}

  fail(field: string, message: string): never {
    throw new ProtocolViolationError(message, { messageType: this.type, field });
  }

  /** A string field read as a byte view (bounded by the buffer), then strict UTF-8 decoded. */
  str(get: StringGetter, field: string): string | undefined {
    const view = get(Encoding.UTF8_BYTES);
    if (view === null) return undefined;
    if (typeof view === 'string') return view;
    try {
      return utf8.decode(view);
    } catch (e) {
      throw new ProtocolViolationError('string is not valid UTF-8', {
        messageType: this.type,
        field,
        cause: e,
      });
    }
  }

  requiredStr(get: StringGetter, field: string): string {
    const s = this.str(get, field);
    if (s === undefined) this.fail(field, 'required string missing');
    return s;
  }

  id(v: bigint, field: string): number {
    if (v > 2n ** 53n) this.fail(field, `ID ${v} outside [0, 2^53]`);
    return Number(v);
  }

  /** Checks that `count` elements of `size` bytes can fit in the buffer before looping. */
  count(count: number, size: number, field: string): number {
    if (!(count >= 0) || count * size > this.bytes.length)
      this.fail(field, 'vector length out of range');
    return count;
  }
}

/** Sets a decoded field unless it holds the schema default (absent, false, 0, empty string). */
function setIf(d: Dict, key: string, v: unknown): void {
  if (v !== undefined && v !== null && v !== false && v !== 0 && v !== '') d[key] = v;
}

function principals(
  ctx: Ctx,
  n: number,
  get: (i: number) => Principal | null,
  field: string,
): Dict[] {
  const out: Dict[] = [];
  for (let i = 0; i < ctx.count(n, 4, field); i++) {
    const p = get(i);
    if (p === null) ctx.fail(field, 'missing principal');
    const d: Dict = { session: ctx.id(p.session(), `${field}.session`) };
    const authid = ctx.str((e) => p.authid(e), `${field}.authid`);
    const authrole = ctx.str((e) => p.authrole(e), `${field}.authrole`);
    if (authid !== undefined) d.authid = authid;
    if (authrole !== undefined) d.authrole = authrole;
    out.push(d);
  }
  return out;
}

interface Routed {
  forwardForLength(): number;
  forwardFor(i: number): Principal | null;
}
interface PassThru {
  pptScheme(): number;
  pptSerializer(): number;
  pptCipher(): number;
  pptKeyid(e: Encoding): string | Uint8Array | null;
}
interface Carrier {
  argsArray(): Uint8Array | null;
  kwargsArray(): Uint8Array | null;
  payloadArray(): Uint8Array | null;
}

function routed(ctx: Ctx, t: Routed, d: Dict, key: string): void {
  const n = t.forwardForLength();
  if (n > 0) d.forward_for = principals(ctx, n, (i) => t.forwardFor(i), `${key}.forward_for`);
}

function enumName(
  ctx: Ctx,
  v: number,
  map: { toName: (v: number) => string | undefined },
  field: string,
): string | undefined {
  if (v === 0) return undefined;
  const name = map.toName(v);
  if (name === undefined) ctx.fail(field, `unknown enum value ${v}`);
  return name;
}

function passthru(ctx: Ctx, t: PassThru, d: Dict, key: string): void {
  setIf(d, 'enc_algo', enumName(ctx, t.pptScheme(), PPT_SCHEME, `${key}.enc_algo`));
  setIf(
    d,
    'enc_serializer',
    enumName(ctx, t.pptSerializer(), PPT_SERIALIZER, `${key}.enc_serializer`),
  );
  setIf(d, 'ppt_cipher', enumName(ctx, t.pptCipher(), PPT_CIPHER, `${key}.ppt_cipher`));
  setIf(
    d,
    'enc_key',
    ctx.str((e) => t.pptKeyid(e), `${key}.enc_key`),
  );
}

function appPayload(ctx: Ctx, t: Carrier): AppPayload {
  const out: AppPayload = {};
  const payload = t.payloadArray();
  if (payload !== null) out.payload = payload.slice();
  const args = t.argsArray();
  if (args !== null) out.args = decodeCborValue(args, ctx.limits.maxDepth) as unknown[];
  const kwargs = t.kwargsArray();
  if (kwargs !== null) out.kwargs = decodeCborValue(kwargs, ctx.limits.maxDepth) as Dict;
  return out;
}

function withPayload<T extends object>(base: T, p: AppPayload): T {
  return Object.assign(base, p);
}

/** A single-entry `wamp.Map` table as a dict (the schema's shape for extra/authextra). */
function mapTable(ctx: Ctx, m: FbMap | null, field: string): Dict {
  if (m === null) return {};
  const key = ctx.requiredStr((e) => m.key(e), `${field}.key`);
  const value = ctx.str((e) => m.value(e), `${field}.value`);
  return { [key]: value ?? null };
}

function features(t: Table | null, names: readonly string[]): Dict | undefined {
  if (t === null || t.bb === null) return undefined;
  const f: Dict = {};
  names.forEach((name, i) => {
    const o = t.bb!.__offset(t.bb_pos, 4 + 2 * i);
    if (o !== 0 && t.bb!.readInt8(t.bb_pos + o) !== 0) f[name] = true;
  });
  return Object.keys(f).length > 0 ? { features: f } : {};
}

function roles(entries: [string, Table | null][]): Dict {
  const out: Dict = {};
  for (const [name, t] of entries) {
    const r = features(t, ROLE_FEATURES[name]!);
    if (r !== undefined) out[name] = r;
  }
  return out;
}

function decodeTable(ctx: Ctx, code: number, msg: Message): WampMessage {
  const type = ctx.type;
  switch (type) {
    case 'HELLO': {
      const t = msg.msg(new Hello()) as Hello;
      const details: Dict = {};
      const r = t.roles();
      // Autobahn|Python's FlatBuffers HELLO carries no roles table (the schema says required):
      // accept it as empty roles, for the session layer to judge.
      details.roles =
        r === null
          ? {}
          : roles([
              ['publisher', r.publisher()],
              ['subscriber', r.subscriber()],
              ['caller', r.caller()],
              ['callee', r.callee()],
            ]);
      const n = t.authmethodsLength();
      if (n > 0) {
        const methods: string[] = [];
        for (let i = 0; i < ctx.count(n, 1, 'details.authmethods'); i++) {
          const m = AUTH_METHOD.toName(t.authmethods(i) ?? -1);
          if (m === undefined) ctx.fail('details.authmethods', 'unknown auth method');
          methods.push(m);
        }
        details.authmethods = methods;
      }
      setIf(
        details,
        'authid',
        ctx.str((e) => t.authid(e), 'details.authid'),
      );
      setIf(
        details,
        'authrole',
        ctx.str((e) => t.authrole(e), 'details.authrole'),
      );
      if (t.authextra() !== null)
        details.authextra = mapTable(ctx, t.authextra(), 'details.authextra');
      setIf(details, 'resumable', t.resumable());
      setIf(details, 'resume-session', ctx.id(t.resumeSession(), 'details.resume-session'));
      setIf(
        details,
        'resume-token',
        ctx.str((e) => t.resumeToken(e), 'details.resume-token'),
      );
      return { type, realm: ctx.str((e) => t.realm(e), 'realm') ?? '', details };
    }
    case 'WELCOME': {
      const t = msg.msg(new Welcome()) as Welcome;
      const details: Dict = {};
      const r = t.roles();
      details.roles =
        r === null
          ? {}
          : roles([
              ['broker', r.broker()],
              ['dealer', r.dealer()],
            ]);
      setIf(
        details,
        'realm',
        ctx.str((e) => t.realm(e), 'details.realm'),
      );
      setIf(
        details,
        'authid',
        ctx.str((e) => t.authid(e), 'details.authid'),
      );
      setIf(
        details,
        'authrole',
        ctx.str((e) => t.authrole(e), 'details.authrole'),
      );
      if (t.authmethod() !== 0)
        details.authmethod =
          AUTH_METHOD.toName(t.authmethod()) ??
          ctx.fail('details.authmethod', 'unknown auth method');
      setIf(
        details,
        'authprovider',
        ctx.str((e) => t.authprovider(e), 'details.authprovider'),
      );
      if (t.authextra() !== null)
        details.authextra = mapTable(ctx, t.authextra(), 'details.authextra');
      setIf(details, 'resumed', t.resumed());
      setIf(details, 'resumable', t.resumable());
      setIf(
        details,
        'resume-token',
        ctx.str((e) => t.resumeToken(e), 'details.resume-token'),
      );
      return { type, session: ctx.id(t.session(), 'session'), details };
    }
    case 'ABORT':
    case 'GOODBYE': {
      const t =
        type === 'ABORT' ? (msg.msg(new Abort()) as Abort) : (msg.msg(new Goodbye()) as Goodbye);
      const details: Dict = {};
      setIf(
        details,
        'message',
        ctx.str((e) => t.message(e), 'details.message'),
      );
      if (t instanceof Goodbye) setIf(details, 'resumable', t.resumable());
      return { type, details, reason: ctx.requiredStr((e) => t.reason(e), 'reason') };
    }
    case 'CHALLENGE': {
      const t = msg.msg(new Challenge()) as Challenge;
      const authMethod =
        AUTH_METHOD.toName(t.method()) ?? ctx.fail('authMethod', 'unknown auth method');
      return { type, authMethod, extra: mapTable(ctx, t.extra(), 'extra') };
    }
    case 'AUTHENTICATE': {
      const t = msg.msg(new Authenticate()) as Authenticate;
      return {
        type,
        signature: ctx.requiredStr((e) => t.signature(e), 'signature'),
        extra: mapTable(ctx, t.extra(), 'extra'),
      };
    }
    case 'ERROR': {
      const t = msg.msg(new ErrorTable()) as ErrorTable;
      const details: Dict = {};
      routed(ctx, t, details, 'details');
      passthru(ctx, t, details, 'details');
      return withPayload(
        {
          type,
          requestType: wampCodeOfFbType(t.requestType()),
          request: ctx.id(t.request(), 'request'),
          details,
          error: ctx.requiredStr((e) => t.error(e), 'error'),
        },
        appPayload(ctx, t),
      );
    }
    case 'PUBLISH': {
      const t = msg.msg(new Publish()) as Publish;
      const options: Dict = {};
      setIf(options, 'acknowledge', t.acknowledge());
      if (!t.excludeMe()) options.exclude_me = false;
      const ids = (n: number, get: (i: number) => bigint | null, field: string): number[] => {
        const out: number[] = [];
        for (let i = 0; i < ctx.count(n, 8, field); i++) out.push(ctx.id(get(i) ?? 0n, field));
        return out;
      };
      const strs = (
        n: number,
        get: (i: number, e: Encoding) => string | Uint8Array | null,
        field: string,
      ) => {
        const out: string[] = [];
        for (let i = 0; i < ctx.count(n, 4, field); i++)
          out.push(ctx.requiredStr((e) => get(i, e), field));
        return out;
      };
      if (t.excludeLength() > 0)
        options.exclude = ids(t.excludeLength(), (i) => t.exclude(i), 'options.exclude');
      if (t.excludeAuthidLength() > 0)
        options.exclude_authid = strs(
          t.excludeAuthidLength(),
          (i, e) => t.excludeAuthid(i, e),
          'options.exclude_authid',
        );
      if (t.excludeAuthroleLength() > 0)
        options.exclude_authrole = strs(
          t.excludeAuthroleLength(),
          (i, e) => t.excludeAuthrole(i, e),
          'options.exclude_authrole',
        );
      if (t.eligibleLength() > 0)
        options.eligible = ids(t.eligibleLength(), (i) => t.eligible(i), 'options.eligible');
      if (t.eligibleAuthidLength() > 0)
        options.eligible_authid = strs(
          t.eligibleAuthidLength(),
          (i, e) => t.eligibleAuthid(i, e),
          'options.eligible_authid',
        );
      if (t.eligibleAuthroleLength() > 0)
        options.eligible_authrole = strs(
          t.eligibleAuthroleLength(),
          (i, e) => t.eligibleAuthrole(i, e),
          'options.eligible_authrole',
        );
      setIf(options, 'retain', t.retain());
      setIf(
        options,
        'transaction_hash',
        ctx.str((e) => t.transactionHash(e), 'options.transaction_hash'),
      );
      routed(ctx, t, options, 'options');
      passthru(ctx, t, options, 'options');
      return withPayload(
        {
          type,
          request: ctx.id(t.request(), 'request'),
          options,
          topic: ctx.requiredStr((e) => t.topic(e), 'topic'),
        },
        appPayload(ctx, t),
      );
    }
    case 'PUBLISHED': {
      const t = msg.msg(new Published()) as Published;
      return {
        type,
        request: ctx.id(t.request(), 'request'),
        publication: ctx.id(t.publication(), 'publication'),
      };
    }
    case 'SUBSCRIBE': {
      const t = msg.msg(new Subscribe()) as Subscribe;
      const options: Dict = {};
      setIf(options, 'match', enumName(ctx, t.match(), MATCH, 'options.match'));
      setIf(options, 'get_retained', t.getRetained());
      return {
        type,
        request: ctx.id(t.request(), 'request'),
        options,
        topic: ctx.requiredStr((e) => t.topic(e), 'topic'),
      };
    }
    case 'SUBSCRIBED':
    case 'UNSUBSCRIBE': {
      const t =
        type === 'SUBSCRIBED'
          ? (msg.msg(new Subscribed()) as Subscribed)
          : (msg.msg(new Unsubscribe()) as Unsubscribe);
      return {
        type,
        request: ctx.id(t.request(), 'request'),
        subscription: ctx.id(t.subscription(), 'subscription'),
      };
    }
    case 'UNSUBSCRIBED': {
      const t = msg.msg(new Unsubscribed()) as Unsubscribed;
      const details: Dict = {};
      setIf(details, 'subscription', ctx.id(t.subscription(), 'details.subscription'));
      setIf(
        details,
        'reason',
        ctx.str((e) => t.reason(e), 'details.reason'),
      );
      const request = ctx.id(t.request(), 'request');
      return Object.keys(details).length > 0 ? { type, request, details } : { type, request };
    }
    case 'EVENT': {
      const t = msg.msg(new Event()) as Event;
      const details: Dict = {};
      setIf(details, 'publisher', ctx.id(t.publisher(), 'details.publisher'));
      setIf(
        details,
        'publisher_authid',
        ctx.str((e) => t.publisherAuthid(e), 'details.publisher_authid'),
      );
      setIf(
        details,
        'publisher_authrole',
        ctx.str((e) => t.publisherAuthrole(e), 'details.publisher_authrole'),
      );
      setIf(
        details,
        'topic',
        ctx.str((e) => t.topic(e), 'details.topic'),
      );
      setIf(details, 'retained', t.retained());
      setIf(
        details,
        'transaction_hash',
        ctx.str((e) => t.transactionHash(e), 'details.transaction_hash'),
      );
      setIf(details, 'x_acknowledged_delivery', t.acknowledge());
      routed(ctx, t, details, 'details');
      passthru(ctx, t, details, 'details');
      return withPayload(
        {
          type,
          subscription: ctx.id(t.subscription(), 'subscription'),
          publication: ctx.id(t.publication(), 'publication'),
          details,
        },
        appPayload(ctx, t),
      );
    }
    case 'EVENT_RECEIVED': {
      const t = msg.msg(new EventReceived()) as EventReceived;
      return { type, publication: ctx.id(t.publication(), 'publication') };
    }
    case 'CALL':
    case 'INVOCATION': {
      const t =
        type === 'CALL' ? (msg.msg(new Call()) as Call) : (msg.msg(new Invocation()) as Invocation);
      const d: Dict = {};
      const key = type === 'CALL' ? 'options' : 'details';
      if (t instanceof Invocation)
        setIf(
          d,
          'procedure',
          ctx.str((e) => t.procedure(e), 'details.procedure'),
        );
      setIf(d, 'timeout', t.timeout());
      setIf(d, 'receive_progress', t.receiveProgress());
      setIf(
        d,
        'transaction_hash',
        ctx.str((e) => t.transactionHash(e), `${key}.transaction_hash`),
      );
      setIf(d, 'caller', ctx.id(t.caller(), `${key}.caller`));
      setIf(
        d,
        'caller_authid',
        ctx.str((e) => t.callerAuthid(e), `${key}.caller_authid`),
      );
      setIf(
        d,
        'caller_authrole',
        ctx.str((e) => t.callerAuthrole(e), `${key}.caller_authrole`),
      );
      routed(ctx, t, d, key);
      passthru(ctx, t, d, key);
      const request = ctx.id(t.request(), 'request');
      if (t instanceof Call) {
        return withPayload(
          {
            type: 'CALL' as const,
            request,
            options: d,
            procedure: ctx.requiredStr((e) => t.procedure(e), 'procedure'),
          },
          appPayload(ctx, t),
        );
      }
      return withPayload(
        {
          type: 'INVOCATION' as const,
          request,
          registration: ctx.id(t.registration(), 'registration'),
          details: d,
        },
        appPayload(ctx, t),
      );
    }
    case 'CANCEL': {
      const t = msg.msg(new Cancel()) as Cancel;
      const options: Dict = {};
      setIf(options, 'mode', enumName(ctx, t.mode(), CANCEL_MODE, 'options.mode'));
      routed(ctx, t, options, 'options');
      return { type, request: ctx.id(t.request(), 'request'), options };
    }
    case 'INTERRUPT': {
      const t = msg.msg(new Interrupt()) as Interrupt;
      const options: Dict = {};
      const mode = CANCEL_MODE.toName(t.mode()) ?? ctx.fail('options.mode', 'unknown cancel mode');
      if (mode !== 'kill') options.mode = mode;
      setIf(
        options,
        'reason',
        ctx.str((e) => t.reason(e), 'options.reason'),
      );
      routed(ctx, t, options, 'options');
      return { type, request: ctx.id(t.request(), 'request'), options };
    }
    case 'RESULT':
    case 'YIELD': {
      const t =
        type === 'RESULT' ? (msg.msg(new Result()) as Result) : (msg.msg(new Yield()) as Yield);
      const d: Dict = {};
      const key = type === 'RESULT' ? 'details' : 'options';
      setIf(d, 'progress', t.progress());
      setIf(d, 'callee', ctx.id(t.callee(), `${key}.callee`));
      setIf(
        d,
        'callee_authid',
        ctx.str((e) => t.calleeAuthid(e), `${key}.callee_authid`),
      );
      setIf(
        d,
        'callee_authrole',
        ctx.str((e) => t.calleeAuthrole(e), `${key}.callee_authrole`),
      );
      routed(ctx, t, d, key);
      passthru(ctx, t, d, key);
      const request = ctx.id(t.request(), 'request');
      return t instanceof Result
        ? withPayload({ type: 'RESULT' as const, request, details: d }, appPayload(ctx, t))
        : withPayload({ type: 'YIELD' as const, request, options: d }, appPayload(ctx, t));
    }
    case 'REGISTER': {
      const t = msg.msg(new Register()) as Register;
      const options: Dict = {};
      setIf(options, 'match', enumName(ctx, t.match(), MATCH, 'options.match'));
      setIf(options, 'invoke', enumName(ctx, t.invoke(), INVOKE, 'options.invoke'));
      setIf(options, 'concurrency', t.concurrency());
      setIf(options, 'force_reregister', t.forceReregister());
      return {
        type,
        request: ctx.id(t.request(), 'request'),
        options,
        procedure: ctx.requiredStr((e) => t.procedure(e), 'procedure'),
      };
    }
    case 'REGISTERED':
    case 'UNREGISTER': {
      const t =
        type === 'REGISTERED'
          ? (msg.msg(new Registered()) as Registered)
          : (msg.msg(new Unregister()) as Unregister);
      return {
        type,
        request: ctx.id(t.request(), 'request'),
        registration: ctx.id(t.registration(), 'registration'),
      };
    }
    case 'UNREGISTERED': {
      const t = msg.msg(new Unregistered()) as Unregistered;
      const details: Dict = {};
      setIf(details, 'registration', ctx.id(t.registration(), 'details.registration'));
      setIf(
        details,
        'reason',
        ctx.str((e) => t.reason(e), 'details.reason'),
      );
      const request = ctx.id(t.request(), 'request');
      return Object.keys(details).length > 0 ? { type, request, details } : { type, request };
    }
    default:
      throw new ProtocolViolationError(`unsupported FlatBuffers message type ${code}`);
  }
}

export function decodeFlatbuffersMessage(input: Uint8Array, limits: DecodeLimits): WampMessage {
  // A plain Uint8Array view (not a Node Buffer), so the binary values sliced from it are too.
  const bytes =
    input.constructor === Uint8Array
      ? input
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 8) throw new ProtocolViolationError('FlatBuffers message too short');
  let msg: WampMessage;
  try {
    const root = Message.getRootAsMessage(new ByteBuffer(bytes));
    const fbType = root.msgType() as number;
    const code = wampCodeOfFbType(fbType);
    const type = messageTypeName(code);
    if (type === undefined || fbType === 337) {
      throw new ProtocolViolationError(`unknown FlatBuffers message type ${fbType}`);
    }
    const ctx = new Ctx(bytes, limits, type);
    if (root.bb!.__offset(root.bb_pos, 6) === 0) ctx.fail('msg', 'message table missing');
    msg = decodeTable(ctx, code, root);
  } catch (e) {
    if (e instanceof ProtocolViolationError) throw e;
    throw new ProtocolViolationError(`invalid FlatBuffers message: ${(e as Error).message}`, {
      cause: e,
    });
  }
  validateMessage(msg);
  return msg;
}
