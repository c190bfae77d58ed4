/**
 * WAMP message model -> FlatBuffers bytes (schema in shared/wamp-spec/flatbuffers), through the
 * flatc-generated builders. args/kwargs are CBOR-encoded into byte vectors, as Autobahn|Python
 * does. The schema has no slot for some dictionary keys (free-form Details, extra dicts with
 * more than one string entry, unknown role features): those are dropped, or rejected with a
 * SerializationError when the serializer is strict.
 */
import { Builder } from 'flatbuffers';
import { encodeCbor } from '../cbor.js';
import { SerializationError } from '../errors.js';
import type { AppPayload, Dict, WampMessage } from '../messages.js';
import {
  AUTH_METHOD,
  CANCEL_MODE,
  FB_TYPE,
  fbTypeOfWampCode,
  INVOKE,
  MATCH_VALUES,
  PPT_CIPHER,
  PPT_SCHEME,
  PPT_SERIALIZER,
  ROLE_FEATURES,
} from './enums.js';
import { Map as FbMap } from './generated/wamp/map.js';
import { Abort } from './generated/wamp/proto/abort.js';
import { Authenticate } from './generated/wamp/proto/authenticate.js';
import { Call } from './generated/wamp/proto/call.js';
import { Cancel } from './generated/wamp/proto/cancel.js';
import { Challenge } from './generated/wamp/proto/challenge.js';
import { ClientRoles } from './generated/wamp/proto/client-roles.js';
import { Error as ErrorTable } from './generated/wamp/proto/error.js';
import { Event } from './generated/wamp/proto/event.js';
import { EventReceived } from './generated/wamp/proto/event-received.js';
import { Goodbye } from './generated/wamp/proto/goodbye.js';
import { Hello } from './generated/wamp/proto/hello.js';
import { Interrupt } from './generated/wamp/proto/interrupt.js';
import { Invocation } from './generated/wamp/proto/invocation.js';
import { Message } from './generated/wamp/proto/message.js';
import { Principal } from './generated/wamp/proto/principal.js';
import { Publish } from './generated/wamp/proto/publish.js';
import { Published } from './generated/wamp/proto/published.js';
import { Register } from './generated/wamp/proto/register.js';
import { Registered } from './generated/wamp/proto/registered.js';
import { Result } from './generated/wamp/proto/result.js';
import { RouterRoles } from './generated/wamp/proto/router-roles.js';
import { Subscribe } from './generated/wamp/proto/subscribe.js';
import { Subscribed } from './generated/wamp/proto/subscribed.js';
import { Unregister } from './generated/wamp/proto/unregister.js';
import { Unregistered } from './generated/wamp/proto/unregistered.js';
import { Unsubscribe } from './generated/wamp/proto/unsubscribe.js';
import { Unsubscribed } from './generated/wamp/proto/unsubscribed.js';
import { Welcome } from './generated/wamp/proto/welcome.js';
import { Yield } from './generated/wamp/proto/yield.js';

type Offset = number;

/** Reads dictionary keys, remembering which were used, to find those the schema cannot hold. */
class Keys {
  private readonly used = new Set<string>();
  constructor(
    readonly dict: Dict,
    readonly where: string,
  ) {}
  get(key: string): unknown {
    this.used.add(key);
    return this.dict[key];
  }
  leftover(): string[] {
    return Object.keys(this.dict).filter((k) => !this.used.has(k) && this.dict[k] !== undefined);
  }
}

class Enc {
  readonly keys: Keys[] = [];
  constructor(
    readonly b: Builder,
    readonly strict: boolean,
  ) {}
  dict(d: Dict, where: string): Keys {
    const k = new Keys(d, where);
    this.keys.push(k);
    return k;
  }
  unrepresentable(what: string): void {
    if (this.strict) throw new SerializationError(`FlatBuffers schema has no slot for ${what}`);
  }
  str(v: unknown): Offset {
    return typeof v === 'string' ? this.b.createString(v) : 0;
  }
  bytes(v: Uint8Array | undefined): Offset {
    return v === undefined ? 0 : this.b.createByteVector(v);
  }
  cbor(v: unknown): Offset {
    return v === undefined ? 0 : this.b.createByteVector(encodeCbor(v));
  }
}

const big = (v: unknown): bigint => (typeof v === 'number' ? BigInt(v) : 0n);

function enumValue(
  e: Enc,
  v: unknown,
  map: { toValue: (s: string) => number | undefined },
  what: string,
): number {
  if (v === undefined) return 0;
  const n = typeof v === 'string' ? map.toValue(v) : undefined;
  if (n === undefined) {
    e.unrepresentable(`${what} = ${JSON.stringify(v)}`);
    return 0;
  }
  return n;
}

function principals(e: Enc, k: Keys): Offset {
  const hops = k.get('forward_for');
  if (!Array.isArray(hops)) return 0;
  const offsets = (hops as Dict[]).map((hop) => {
    const authid = e.str(hop.authid);
    const authrole = e.str(hop.authrole);
    Principal.startPrincipal(e.b);
    Principal.addSession(e.b, big(hop.session));
    if (authid) Principal.addAuthid(e.b, authid);
    if (authrole) Principal.addAuthrole(e.b, authrole);
    return Principal.endPrincipal(e.b);
  });
  return Publish.createForwardForVector(e.b, offsets);
}

/** One-entry string map (the schema's `wamp.Map`). */
function mapTable(e: Enc, d: Dict | undefined, what: string): Offset {
  if (d === undefined) return 0;
  const entries = Object.entries(d);
  if (entries.length === 0) return 0;
  const [key, value] = entries[0]!;
  if (entries.length > 1 || (value !== null && typeof value !== 'string')) {
    e.unrepresentable(`${what} beyond one string entry`);
  }
  const k = e.b.createString(key);
  const v = typeof value === 'string' ? e.b.createString(value) : 0;
  FbMap.startMap(e.b);
  FbMap.addKey(e.b, k);
  if (v) FbMap.addValue(e.b, v);
  return FbMap.endMap(e.b);
}

function roleTables(e: Enc, roles: unknown, allowed: string[]): Map<string, Offset> {
  const out = new Map<string, Offset>();
  if (typeof roles !== 'object' || roles === null) return out;
  for (const [role, spec] of Object.entries(roles as Dict)) {
    const names = ROLE_FEATURES[role];
    if (names === undefined || !allowed.includes(role)) {
      e.unrepresentable(`role ${role}`);
      continue;
    }
    const features = ((spec as Dict | undefined)?.features ?? {}) as Dict;
    e.b.startObject(names.length);
    for (const [name, on] of Object.entries(features)) {
      const i = names.indexOf(name);
      if (i < 0 || typeof on !== 'boolean') e.unrepresentable(`feature ${role}.${name}`);
      else e.b.addFieldInt8(i, on ? 1 : 0, 0);
    }
    out.set(role, e.b.endObject());
  }
  return out;
}

interface Ppt {
  scheme: number;
  serializer: number;
  cipher: number;
  keyid: Offset;
}
function ppt(e: Enc, k: Keys): Ppt {
  return {
    scheme: enumValue(e, k.get('enc_algo') ?? k.get('ppt_scheme'), PPT_SCHEME, 'enc_algo'),
    serializer: enumValue(
      e,
      k.get('enc_serializer') ?? k.get('ppt_serializer'),
      PPT_SERIALIZER,
      'enc_serializer',
    ),
    cipher: enumValue(e, k.get('ppt_cipher'), PPT_CIPHER, 'ppt_cipher'),
    keyid: e.str(k.get('enc_key') ?? k.get('ppt_keyid')),
  };
}

interface Carried {
  args: Offset;
  kwargs: Offset;
  payload: Offset;
}
function carried(e: Enc, m: AppPayload): Carried {
  return { args: e.cbor(m.args), kwargs: e.cbor(m.kwargs), payload: e.bytes(m.payload) };
}

/** The add* functions every payload-carrying table has (generated per table). */
interface CarrierTable {
  addArgs(b: Builder, o: Offset): void;
  addKwargs(b: Builder, o: Offset): void;
  addPayload(b: Builder, o: Offset): void;
  addPptScheme(b: Builder, v: number): void;
  addPptSerializer(b: Builder, v: number): void;
  addPptCipher(b: Builder, v: number): void;
  addPptKeyid(b: Builder, o: Offset): void;
  addForwardFor(b: Builder, o: Offset): void;
}
function addCarried(b: Builder, t: CarrierTable, c: Carried, p: Ppt, forwardFor: Offset): void {
  if (c.args) t.addArgs(b, c.args);
  if (c.kwargs) t.addKwargs(b, c.kwargs);
  if (c.payload) t.addPayload(b, c.payload);
  if (p.scheme) t.addPptScheme(b, p.scheme);
  if (p.serializer) t.addPptSerializer(b, p.serializer);
  if (p.cipher) t.addPptCipher(b, p.cipher);
  if (p.keyid) t.addPptKeyid(b, p.keyid);
  if (forwardFor) t.addForwardFor(b, forwardFor);
}

function buildTable(e: Enc, m: WampMessage): Offset {
  const b = e.b;
  switch (m.type) {
    case 'HELLO': {
      const k = e.dict(m.details, 'HELLO.details');
      const r = roleTables(e, k.get('roles'), ['publisher', 'subscriber', 'caller', 'callee']);
      ClientRoles.startClientRoles(b);
      if (r.has('publisher')) ClientRoles.addPublisher(b, r.get('publisher')!);
      if (r.has('subscriber')) ClientRoles.addSubscriber(b, r.get('subscriber')!);
      if (r.has('caller')) ClientRoles.addCaller(b, r.get('caller')!);
      if (r.has('callee')) ClientRoles.addCallee(b, r.get('callee')!);
      const roles = ClientRoles.endClientRoles(b);
      const realm = e.str(m.realm);
      const methods = k.get('authmethods');
      const authmethods = Array.isArray(methods)
        ? Hello.createAuthmethodsVector(
            b,
            methods.map((s) => enumValue(e, s, AUTH_METHOD, 'authmethods')),
          )
        : 0;
      const authid = e.str(k.get('authid'));
      const authrole = e.str(k.get('authrole'));
      const authextra = mapTable(
        e,
        k.get('authextra') as Dict | undefined,
        'HELLO.details.authextra',
      );
      const token = e.str(k.get('resume-token'));
      Hello.startHello(b);
      Hello.addRoles(b, roles);
      if (realm) Hello.addRealm(b, realm);
      if (authmethods) Hello.addAuthmethods(b, authmethods);
      if (authid) Hello.addAuthid(b, authid);
      if (authrole) Hello.addAuthrole(b, authrole);
      if (authextra) Hello.addAuthextra(b, authextra);
      if (k.get('resumable') === true) Hello.addResumable(b, true);
      if (typeof k.get('resume-session') === 'number')
        Hello.addResumeSession(b, big(k.get('resume-session')));
      if (token) Hello.addResumeToken(b, token);
      return Hello.endHello(b);
    }
    case 'WELCOME': {
      const k = e.dict(m.details, 'WELCOME.details');
      const r = roleTables(e, k.get('roles'), ['broker', 'dealer']);
      RouterRoles.startRouterRoles(b);
      if (r.has('broker')) RouterRoles.addBroker(b, r.get('broker')!);
      if (r.has('dealer')) RouterRoles.addDealer(b, r.get('dealer')!);
      const roles = RouterRoles.endRouterRoles(b);
      // realm/authid/authrole are `required` in the schema: absent ones are written empty.
      const realm = b.createString(
        typeof k.get('realm') === 'string' ? (k.get('realm') as string) : '',
      );
      const authid = b.createString(
        typeof k.get('authid') === 'string' ? (k.get('authid') as string) : '',
      );
      const authrole = b.createString(
        typeof k.get('authrole') === 'string' ? (k.get('authrole') as string) : '',
      );
      const authprovider = e.str(k.get('authprovider'));
      const authextra = mapTable(
        e,
        k.get('authextra') as Dict | undefined,
        'WELCOME.details.authextra',
      );
      const token = e.str(k.get('resume-token'));
      const method = enumValue(e, k.get('authmethod'), AUTH_METHOD, 'authmethod');
      Welcome.startWelcome(b);
      Welcome.addSession(b, big(m.session));
      Welcome.addRoles(b, roles);
      Welcome.addRealm(b, realm);
      Welcome.addAuthid(b, authid);
      Welcome.addAuthrole(b, authrole);
      if (method) Welcome.addAuthmethod(b, method);
      if (authprovider) Welcome.addAuthprovider(b, authprovider);
      if (authextra) Welcome.addAuthextra(b, authextra);
      if (k.get('resumed') === true) Welcome.addResumed(b, true);
      if (k.get('resumable') === true) Welcome.addResumable(b, true);
      if (token) Welcome.addResumeToken(b, token);
      return Welcome.endWelcome(b);
    }
    case 'ABORT': {
      const k = e.dict(m.details, 'ABORT.details');
      const reason = b.createString(m.reason);
      const message = e.str(k.get('message'));
      Abort.startAbort(b);
      Abort.addReason(b, reason);
      if (message) Abort.addMessage(b, message);
      return Abort.endAbort(b);
    }
    case 'GOODBYE': {
      const k = e.dict(m.details, 'GOODBYE.details');
      const reason = b.createString(m.reason);
      const message = e.str(k.get('message'));
      Goodbye.startGoodbye(b);
      Goodbye.addReason(b, reason);
      if (message) Goodbye.addMessage(b, message);
      if (k.get('resumable') === true) Goodbye.addResumable(b, true);
      return Goodbye.endGoodbye(b);
    }
    case 'CHALLENGE': {
      const extra = mapTable(e, m.extra, 'CHALLENGE.extra');
      const method = enumValue(e, m.authMethod, AUTH_METHOD, 'CHALLENGE.authMethod');
      Challenge.startChallenge(b);
      if (method) Challenge.addMethod(b, method);
      if (extra) Challenge.addExtra(b, extra);
      return Challenge.endChallenge(b);
    }
    case 'AUTHENTICATE': {
      const signature = b.createString(m.signature);
      const extra = mapTable(e, m.extra, 'AUTHENTICATE.extra');
      Authenticate.startAuthenticate(b);
      Authenticate.addSignature(b, signature);
      if (extra) Authenticate.addExtra(b, extra);
      return Authenticate.endAuthenticate(b);
    }
    case 'ERROR': {
      const k = e.dict(m.details, 'ERROR.details');
      const error = b.createString(m.error);
      const c = carried(e, m);
      const p = ppt(e, k);
      const ff = principals(e, k);
      ErrorTable.startError(b);
      ErrorTable.addRequestType(b, fbTypeOfWampCode(m.requestType));
      ErrorTable.addRequest(b, big(m.request));
      ErrorTable.addError(b, error);
      addCarried(b, ErrorTable, c, p, ff);
      return ErrorTable.endError(b);
    }
    case 'PUBLISH': {
      const k = e.dict(m.options, 'PUBLISH.options');
      const topic = b.createString(m.topic);
      const c = carried(e, m);
      const p = ppt(e, k);
      const ff = principals(e, k);
      const ids = (key: string) => {
        const v = k.get(key);
        return Array.isArray(v) ? Publish.createExcludeVector(b, v.map(big)) : 0;
      };
      const strs = (key: string) => {
        const v = k.get(key);
        return Array.isArray(v)
          ? Publish.createExcludeAuthidVector(
              b,
              v.map((s) => b.createString(String(s))),
            )
          : 0;
      };
      const exclude = ids('exclude');
      const excludeAuthid = strs('exclude_authid');
      const excludeAuthrole = strs('exclude_authrole');
      const eligible = ids('eligible');
      const eligibleAuthid = strs('eligible_authid');
      const eligibleAuthrole = strs('eligible_authrole');
      const txh = e.str(k.get('transaction_hash'));
      Publish.startPublish(b);
      Publish.addRequest(b, big(m.request));
      Publish.addTopic(b, topic);
      addCarried(b, Publish, c, p, ff);
      if (k.get('acknowledge') === true) Publish.addAcknowledge(b, true);
      if (k.get('exclude_me') === false) Publish.addExcludeMe(b, false);
      if (exclude) Publish.addExclude(b, exclude);
      if (excludeAuthid) Publish.addExcludeAuthid(b, excludeAuthid);
      if (excludeAuthrole) Publish.addExcludeAuthrole(b, excludeAuthrole);
      if (eligible) Publish.addEligible(b, eligible);
      if (eligibleAuthid) Publish.addEligibleAuthid(b, eligibleAuthid);
      if (eligibleAuthrole) Publish.addEligibleAuthrole(b, eligibleAuthrole);
      if (k.get('retain') === true) Publish.addRetain(b, true);
      if (txh) Publish.addTransactionHash(b, txh);
      return Publish.endPublish(b);
    }
    case 'PUBLISHED':
      Published.startPublished(b);
      Published.addRequest(b, big(m.request));
      Published.addPublication(b, big(m.publication));
      return Published.endPublished(b);
    case 'SUBSCRIBE': {
      const k = e.dict(m.options, 'SUBSCRIBE.options');
      const topic = b.createString(m.topic);
      const match = MATCH_VALUES[String(k.get('match') ?? 'exact')] ?? 0;
      if (k.get('forward_for') !== undefined) e.unrepresentable('SUBSCRIBE.options.forward_for');
      Subscribe.startSubscribe(b);
      Subscribe.addRequest(b, big(m.request));
      Subscribe.addTopic(b, topic);
      if (match) Subscribe.addMatch(b, match);
      if (k.get('get_retained') === true) Subscribe.addGetRetained(b, true);
      return Subscribe.endSubscribe(b);
    }
    case 'SUBSCRIBED':
      Subscribed.startSubscribed(b);
      Subscribed.addRequest(b, big(m.request));
      Subscribed.addSubscription(b, big(m.subscription));
      return Subscribed.endSubscribed(b);
    case 'UNSUBSCRIBE':
      Unsubscribe.startUnsubscribe(b);
      Unsubscribe.addRequest(b, big(m.request));
      Unsubscribe.addSubscription(b, big(m.subscription));
      return Unsubscribe.endUnsubscribe(b);
    case 'UNSUBSCRIBED': {
      const k = e.dict(m.details ?? {}, 'UNSUBSCRIBED.details');
      const reason = e.str(k.get('reason'));
      Unsubscribed.startUnsubscribed(b);
      Unsubscribed.addRequest(b, big(m.request));
      if (typeof k.get('subscription') === 'number')
        Unsubscribed.addSubscription(b, big(k.get('subscription')));
      if (reason) Unsubscribed.addReason(b, reason);
      return Unsubscribed.endUnsubscribed(b);
    }
    case 'EVENT': {
      const k = e.dict(m.details, 'EVENT.details');
      const c = carried(e, m);
      const p = ppt(e, k);
      const ff = principals(e, k);
      const authid = e.str(k.get('publisher_authid'));
      const authrole = e.str(k.get('publisher_authrole'));
      const topic = e.str(k.get('topic'));
      const txh = e.str(k.get('transaction_hash'));
      Event.startEvent(b);
      Event.addSubscription(b, big(m.subscription));
      Event.addPublication(b, big(m.publication));
      addCarried(b, Event, c, p, ff);
      if (typeof k.get('publisher') === 'number') Event.addPublisher(b, big(k.get('publisher')));
      if (authid) Event.addPublisherAuthid(b, authid);
      if (authrole) Event.addPublisherAuthrole(b, authrole);
      if (topic) Event.addTopic(b, topic);
      if (k.get('retained') === true) Event.addRetained(b, true);
      if (txh) Event.addTransactionHash(b, txh);
      if (k.get('x_acknowledged_delivery') === true) Event.addAcknowledge(b, true);
      return Event.endEvent(b);
    }
    case 'EVENT_RECEIVED':
      EventReceived.startEventReceived(b);
      EventReceived.addPublication(b, big(m.publication));
      return EventReceived.endEventReceived(b);
    case 'CALL':
    case 'INVOCATION': {
      const isCall = m.type === 'CALL';
      const k = isCall
        ? e.dict(m.options, 'CALL.options')
        : e.dict(m.details, 'INVOCATION.details');
      const T = isCall ? Call : Invocation;
      const procedure = isCall ? b.createString(m.procedure) : e.str(k.get('procedure'));
      const c = carried(e, m);
      const p = ppt(e, k);
      const ff = principals(e, k);
      const txh = e.str(k.get('transaction_hash'));
      const authid = e.str(k.get('caller_authid'));
      const authrole = e.str(k.get('caller_authrole'));
      if (isCall) Call.startCall(b);
      else Invocation.startInvocation(b);
      T.addRequest(b, big(m.request));
      if (m.type === 'INVOCATION') Invocation.addRegistration(b, big(m.registration));
      if (procedure) T.addProcedure(b, procedure);
      addCarried(b, T, c, p, ff);
      const timeout = k.get('timeout');
      if (typeof timeout === 'number' && timeout > 0) {
        if (timeout > 0xffffffff) e.unrepresentable('timeout beyond uint32');
        else T.addTimeout(b, timeout);
      }
      if (k.get('receive_progress') === true) T.addReceiveProgress(b, true);
      if (txh) T.addTransactionHash(b, txh);
      if (typeof k.get('caller') === 'number') T.addCaller(b, big(k.get('caller')));
      if (authid) T.addCallerAuthid(b, authid);
      if (authrole) T.addCallerAuthrole(b, authrole);
      return isCall ? Call.endCall(b) : Invocation.endInvocation(b);
    }
    case 'CANCEL': {
      const k = e.dict(m.options, 'CANCEL.options');
      const mode = enumValue(e, k.get('mode'), CANCEL_MODE, 'CANCEL.options.mode');
      const ff = principals(e, k);
      Cancel.startCancel(b);
      Cancel.addRequest(b, big(m.request));
      if (mode) Cancel.addMode(b, mode);
      if (ff) Cancel.addForwardFor(b, ff);
      return Cancel.endCancel(b);
    }
    case 'INTERRUPT': {
      const k = e.dict(m.options, 'INTERRUPT.options');
      const mode =
        k.get('mode') === undefined
          ? 1
          : enumValue(e, k.get('mode'), CANCEL_MODE, 'INTERRUPT.options.mode');
      const reason = e.str(k.get('reason'));
      const ff = principals(e, k);
      Interrupt.startInterrupt(b);
      Interrupt.addRequest(b, big(m.request));
      if (mode !== 1) Interrupt.addMode(b, mode);
      if (reason) Interrupt.addReason(b, reason);
      if (ff) Interrupt.addForwardFor(b, ff);
      return Interrupt.endInterrupt(b);
    }
    case 'RESULT':
    case 'YIELD': {
      const isResult = m.type === 'RESULT';
      const k = isResult ? e.dict(m.details, 'RESULT.details') : e.dict(m.options, 'YIELD.options');
      const T = isResult ? Result : Yield;
      const c = carried(e, m);
      const p = ppt(e, k);
      const ff = principals(e, k);
      const authid = e.str(k.get('callee_authid'));
      const authrole = e.str(k.get('callee_authrole'));
      if (isResult) Result.startResult(b);
      else Yield.startYield(b);
      T.addRequest(b, big(m.request));
      addCarried(b, T, c, p, ff);
      if (k.get('progress') === true) T.addProgress(b, true);
      if (typeof k.get('callee') === 'number') T.addCallee(b, big(k.get('callee')));
      if (authid) T.addCalleeAuthid(b, authid);
      if (authrole) T.addCalleeAuthrole(b, authrole);
      return isResult ? Result.endResult(b) : Yield.endYield(b);
    }
    case 'REGISTER': {
      const k = e.dict(m.options, 'REGISTER.options');
      const procedure = b.createString(m.procedure);
      const match = MATCH_VALUES[String(k.get('match') ?? 'exact')] ?? 0;
      const invoke = enumValue(e, k.get('invoke'), INVOKE, 'REGISTER.options.invoke');
      const concurrency = k.get('concurrency');
      Register.startRegister(b);
      Register.addRequest(b, big(m.request));
      Register.addProcedure(b, procedure);
      if (match) Register.addMatch(b, match);
      if (invoke) Register.addInvoke(b, invoke);
      if (typeof concurrency === 'number' && concurrency > 0) {
        if (concurrency > 0xffff) e.unrepresentable('concurrency beyond uint16');
        else Register.addConcurrency(b, concurrency);
      }
      if (k.get('force_reregister') === true) Register.addForceReregister(b, true);
      return Register.endRegister(b);
    }
    case 'REGISTERED':
      Registered.startRegistered(b);
      Registered.addRequest(b, big(m.request));
      Registered.addRegistration(b, big(m.registration));
      return Registered.endRegistered(b);
    case 'UNREGISTER':
      Unregister.startUnregister(b);
      Unregister.addRequest(b, big(m.request));
      Unregister.addRegistration(b, big(m.registration));
      return Unregister.endUnregister(b);
    case 'UNREGISTERED': {
      const k = e.dict(m.details ?? {}, 'UNREGISTERED.details');
      const reason = e.str(k.get('reason'));
      Unregistered.startUnregistered(b);
      Unregistered.addRequest(b, big(m.request));
      if (typeof k.get('registration') === 'number')
        Unregistered.addRegistration(b, big(k.get('registration')));
      if (reason) Unregistered.addReason(b, reason);
      return Unregistered.endUnregistered(b);
    }
  }
}

export function encodeFlatbuffersMessage(m: WampMessage, strict: boolean): Uint8Array {
  const e = new Enc(new Builder(256), strict);
  const table = buildTable(e, m);
  if (strict) {
    for (const k of e.keys) {
      const left = k.leftover();
      if (left.length > 0)
        throw new SerializationError(
          `FlatBuffers schema has no slot for ${k.where}.${left.join(', ')}`,
        );
    }
  }
  Message.startMessage(e.b);
  Message.addMsgType(e.b, FB_TYPE[m.type] as number);
  Message.addMsg(e.b, table);
  Message.finishMessageBuffer(e.b, Message.endMessage(e.b));
  return e.b.asUint8Array().slice();
}
