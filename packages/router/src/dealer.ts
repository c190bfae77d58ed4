/**
 * The dealer (spec basic "Remote Procedure Calls"; advanced "Pattern-based Registrations",
 * "Shared Registration", "Caller Identification", "Progressive Call Results", "Progressive Call
 * Invocations", "Call Canceling", "Call Timeouts", "Registration Revocation", "Payload Passthru
 * Mode"), plus the per-callee `concurrency` limit of REGISTER.Options.
 */
import {
  type AppPayload,
  type CallMessage,
  type CancelMessage,
  type Dict,
  type ErrorMessage,
  MessageCode,
  ProtocolViolationError,
  type RegisterMessage,
  type UnregisterMessage,
  type YieldMessage,
} from '@wampkit/serializers';
import { nextSessionScopeId, type SequentialIds } from './ids.js';
import { copyPassthru, isoNow, isReservedUri, matchOf, usesPassthru } from './options.js';
import type { Realm } from './realm.js';
import type { Callee, InvocationPolicy, Registration } from './records.js';
import type { RouterSession } from './session.js';
import { type MatchPolicy, UriIndex } from './uri-match.js';

/** A call in flight: from CALL until the final RESULT/ERROR (or until it is disposed of). */
export interface Call {
  readonly caller: RouterSession;
  readonly callerRequest: number;
  readonly callee: Callee;
  readonly invocationRequest: number;
  readonly registration: Registration;
  /** INVOCATION.Details frozen from the initiating CALL (progressive invocations reuse them). */
  readonly details: Dict;
  /** The caller asked for progressive results and the callee produces them. */
  readonly receiveProgress: boolean;
  /** The caller is still sending progressive CALL chunks. */
  callerProgress: boolean;
  /** CALL.Options.timeout (ms, 0: none): until the first result, and between results. */
  readonly timeoutMs: number;
  timer: ReturnType<typeof setTimeout> | null;
  /**
   * active: results go to the caller. killing: INTERRUPT(kill) sent, the callee's answer still
   * goes to the caller. orphaned: the caller was answered already (skip mode, or it left); the
   * callee's answer is discarded when it comes.
   */
  state: 'active' | 'killing' | 'orphaned';
}

/** A meta-procedure's outcome: RESULT payload, or an ERROR. */
export type MetaOutcome =
  | { readonly args?: unknown[]; readonly kwargs?: Dict }
  | { readonly error: string; readonly args?: unknown[] };

const INVOKE_POLICIES: readonly InvocationPolicy[] = [
  'single',
  'roundrobin',
  'random',
  'first',
  'last',
];

function withPayload<T extends object>(msg: T, p: AppPayload): T & AppPayload {
  const out = msg as T & AppPayload;
  if (p.payload !== undefined) out.payload = p.payload;
  if (p.args !== undefined) out.args = p.args;
  if (p.kwargs !== undefined) out.kwargs = p.kwargs;
  return out;
}

function supportsCanceling(s: RouterSession): boolean {
  return s.features.has('callee', 'call_canceling');
}

export class Dealer {
  private readonly index = new UriIndex<Registration>();
  private readonly byId = new Map<number, Registration>();

  constructor(
    private readonly realm: Realm,
    private readonly ids: SequentialIds,
  ) {}

  // ---- REGISTER / UNREGISTER -------------------------------------------------------------

  register(session: RouterSession, msg: RegisterMessage): void {
    const options = msg.options;
    const match = matchOf(options);
    const invoke = (options.invoke as InvocationPolicy | undefined) ?? 'single';
    const fail = (error: string, message: string): void => {
      session.send({
        type: 'ERROR',
        requestType: MessageCode.REGISTER,
        request: msg.request,
        details: {},
        error,
        args: [message],
      });
    };
    if (!INVOKE_POLICIES.includes(invoke)) {
      fail('wamp.error.invalid_argument', `invoke ${invoke}`);
      return;
    }
    if (isReservedUri(msg.procedure)) {
      fail('wamp.error.invalid_uri', `procedure ${msg.procedure} is reserved for the router`);
      return;
    }
    let reg = this.index.get(msg.procedure, match);
    let created = false;
    if (reg !== undefined) {
      // Spec advanced "Shared Registration": single admits one callee; others must agree.
      if (reg.invoke === 'single' || reg.invoke !== invoke) {
        fail(
          'wamp.error.procedure_already_exists',
          `${msg.procedure} is already registered (invoke=${reg.invoke})`,
        );
        return;
      }
      if (reg.callees.some((c) => c.session === session)) {
        fail(
          'wamp.error.procedure_already_exists',
          `this session already registered ${msg.procedure}`,
        );
        return;
      }
    } else {
      reg = {
        id: this.ids.next(),
        uri: msg.procedure,
        match,
        invoke,
        created: isoNow(),
        callees: [],
        next: 0,
      };
      this.index.add(reg);
      this.byId.set(reg.id, reg);
      created = true;
    }
    reg.callees.push({
      session,
      concurrency: typeof options.concurrency === 'number' ? options.concurrency : 0,
      discloseCaller: options.disclose_caller === true,
      inflight: 0,
    });
    session.registrations.add(reg);
    if (!session.send({ type: 'REGISTERED', request: msg.request, registration: reg.id })) return;
    if (created) this.realm.meta.registrationCreated(session, reg);
    this.realm.meta.registered(session, reg);
  }

  unregister(session: RouterSession, msg: UnregisterMessage): void {
    const reg = this.byId.get(msg.registration);
    if (reg === undefined || !reg.callees.some((c) => c.session === session)) {
      session.send({
        type: 'ERROR',
        requestType: MessageCode.UNREGISTER,
        request: msg.request,
        details: {},
        error: 'wamp.error.no_such_registration',
      });
      return;
    }
    session.send({ type: 'UNREGISTERED', request: msg.request });
    this.detachCallee(session, reg);
  }

  /** Removes a callee from a registration (calls in flight on it run to completion). */
  private detachCallee(session: RouterSession, reg: Registration): void {
    const i = reg.callees.findIndex((c) => c.session === session);
    if (i < 0) return;
    reg.callees.splice(i, 1);
    if (reg.next > i) reg.next--;
    session.registrations.delete(reg);
    this.realm.meta.unregistered(session, reg);
    if (reg.callees.length === 0) {
      this.index.delete(reg);
      this.byId.delete(reg.id);
      this.realm.meta.registrationDeleted(session, reg);
    }
  }

  /**
   * Registration revocation (spec advanced "Registration Revocation"): removes `callee` (or every
   * callee) from a registration, telling those that announced the feature with
   * `UNREGISTERED [0, {registration, reason}]`. Returns the number of callees removed.
   */
  revoke(registrationId: number, callee?: number, reason?: string): number {
    const reg = this.byId.get(registrationId);
    if (reg === undefined) return 0;
    let n = 0;
    for (const c of [...reg.callees]) {
      if (callee !== undefined && c.session.id !== callee) continue;
      if (c.session.features.has('callee', 'registration_revocation')) {
        const details: Dict = { registration: reg.id };
        if (reason !== undefined) details.reason = reason;
        c.session.send({ type: 'UNREGISTERED', request: 0, details });
      }
      this.detachCallee(c.session, reg);
      n++;
    }
    return n;
  }

  // ---- CALL ------------------------------------------------------------------------------

  call(session: RouterSession, msg: CallMessage): void {
    const active = session.calls.get(msg.request);
    if (active !== undefined) {
      if (!active.callerProgress) {
        throw new ProtocolViolationError(
          `CALL request ID ${msg.request} is in use by a call in progress`,
        );
      }
      this.continueCall(active, msg);
    }
    // Spec advanced "Progressive Call Invocations", "Verification of CALL Request IDs": an ID at
    // or below the watermark continues a progressive call that is over already; discard it.
    if (
      session.strictRequestIds &&
      msg.request >= 1 &&
      msg.request <= session.lastRequestId &&
      session.features.has('caller', 'progressive_call_invocations')
    ) {
      return;
    }
    session.checkNewRequestId(msg.request, 'CALL');
    this.newCall(session, msg);
  }

  private callError(
    session: RouterSession,
    request: number,
    error: string,
    args?: unknown[],
    kwargs?: Dict,
    details: Dict = {},
  ): void {
    const m: ErrorMessage = {
      type: 'ERROR',
      requestType: MessageCode.CALL,
      request,
      details,
      error,
    };
    if (args !== undefined) m.args = args;
    if (kwargs !== undefined) m.kwargs = kwargs;
    session.send(m);
  }

  private newCall(session: RouterSession, msg: CallMessage): void {
    const options = msg.options;
    const passthru = usesPassthru(options);
    if (passthru && !session.features.has('caller', 'payload_passthru_mode')) {
      throw new ProtocolViolationError(
        'CALL uses Payload PassThru Mode, which the caller did not announce',
      );
    }
    const progress = options.progress === true;
    if (progress && !session.features.has('caller', 'progressive_call_invocations')) {
      throw new ProtocolViolationError(
        'CALL with progress=true, but the caller did not announce progressive_call_invocations',
      );
    }
    if (isReservedUri(msg.procedure)) {
      const outcome = this.realm.meta.call(
        session,
        msg.procedure,
        msg.args ?? [],
        msg.kwargs ?? {},
      );
      if (outcome === undefined) {
        this.callError(session, msg.request, 'wamp.error.no_such_procedure', [
          `no procedure ${msg.procedure}`,
        ]);
        return;
      }
      if ('error' in outcome) {
        this.callError(session, msg.request, outcome.error, outcome.args);
        return;
      }
      session.send(withPayload({ type: 'RESULT', request: msg.request, details: {} }, outcome));
      return;
    }
    const reg = this.index.best(msg.procedure);
    if (reg === undefined) {
      this.callError(session, msg.request, 'wamp.error.no_such_procedure', [
        `no callee registered for ${msg.procedure}`,
      ]);
      return;
    }
    const callee = this.pick(reg);
    if (callee === undefined) {
      this.callError(session, msg.request, 'wamp.error.no_available_callee', [
        `every callee of ${msg.procedure} is at its concurrency limit`,
      ]);
      return;
    }
    const target = callee.session;
    if (
      progress &&
      !(target.features.has('callee', 'progressive_call_invocations') && supportsCanceling(target))
    ) {
      this.callError(session, msg.request, 'wamp.error.feature_not_supported', [
        'the callee does not support progressive call invocations',
      ]);
      return;
    }
    if (passthru && !target.features.has('callee', 'payload_passthru_mode')) {
      this.callError(session, msg.request, 'wamp.error.feature_not_supported', [
        'the callee does not support Payload PassThru Mode',
      ]);
      return;
    }
    const details: Dict = {};
    if (reg.match !== 'exact') details.procedure = msg.procedure;
    if (options.disclose_me === true || callee.discloseCaller) {
      details.caller = session.id;
      details.caller_authid = session.authid;
      details.caller_authrole = session.authrole;
    }
    // Progressive results need the callee to announce them. (The spec also asks for
    // call_canceling; many callees, e.g. Autobahn|JS, omit it, so it is only used for INTERRUPT.)
    const receiveProgress =
      options.receive_progress === true &&
      target.features.has('callee', 'progressive_call_results');
    if (receiveProgress) details.receive_progress = true;
    copyPassthru(options, details);
    target.lastInvocationId = nextSessionScopeId(target.lastInvocationId);
    const timeoutMs = typeof options.timeout === 'number' ? options.timeout : 0;
    const call: Call = {
      caller: session,
      callerRequest: msg.request,
      callee,
      invocationRequest: target.lastInvocationId,
      registration: reg,
      details,
      receiveProgress,
      callerProgress: progress,
      timeoutMs,
      timer: null,
      state: 'active',
    };
    session.calls.set(msg.request, call);
    target.invocations.set(call.invocationRequest, call);
    callee.inflight++;
    this.armTimer(call);
    this.invoke(call, msg, progress);
  }

  /** Sends one INVOCATION of a call (the only one, or a progressive chunk). */
  private invoke(call: Call, payload: AppPayload, progress: boolean): void {
    const details: Dict = progress ? { ...call.details, progress: true } : call.details;
    const sent = call.callee.session.send(
      withPayload(
        {
          type: 'INVOCATION',
          request: call.invocationRequest,
          registration: call.registration.id,
          details,
        },
        payload,
      ),
    );
    if (!sent && call.callee.session.isOpen) {
      // Not representable in the callee's serializer (e.g. an integer beyond 2^53 for JSON).
      this.finish(call);
      this.callError(call.caller, call.callerRequest, 'wamp.error.invalid_argument', [
        `the call's payload cannot be serialized as ${call.callee.session.serializer.id} for the callee`,
      ]);
    }
    // A callee that overflowed is leaving; removeSession answers the caller.
  }

  private continueCall(call: Call, msg: CallMessage): void {
    if (call.state !== 'active') return;
    const progress = msg.options.progress === true;
    call.callerProgress = progress;
    // Spec: only `progress` counts in continuation CALLs; the rest is frozen from the first.
    this.invoke(call, msg, progress);
  }

  /** Spec advanced "Shared Registration" policies, skipping callees at their concurrency limit. */
  private pick(reg: Registration): Callee | undefined {
    const callees = reg.callees;
    const free = (c: Callee): boolean =>
      c.session.isOpen && (c.concurrency === 0 || c.inflight < c.concurrency);
    switch (reg.invoke) {
      case 'single':
      case 'first':
        return callees.find(free);
      case 'last':
        for (let i = callees.length - 1; i >= 0; i--) if (free(callees[i]!)) return callees[i];
        return undefined;
      case 'random': {
        const candidates = callees.filter(free);
        return candidates[Math.floor(Math.random() * candidates.length)];
      }
      case 'roundrobin': {
        const n = callees.length;
        for (let k = 0; k < n; k++) {
          const i = (reg.next + k) % n;
          const c = callees[i]!;
          if (free(c)) {
            reg.next = (i + 1) % n;
            return c;
          }
        }
        return undefined;
      }
    }
  }

  // ---- results from the callee -----------------------------------------------------------

  /** The invocation a YIELD/ERROR refers to; undefined when it is a late answer to discard. */
  private invocationFor(session: RouterSession, request: number, type: string): Call | undefined {
    const call = session.invocations.get(request);
    if (call !== undefined) return call;
    // An ID we issued whose call is over (canceled, timed out): a late answer, discarded.
    if (request >= 1 && request <= session.lastInvocationId) return undefined;
    throw new ProtocolViolationError(
      `${type} for INVOCATION request ${request}, which was never sent`,
    );
  }

  yield(session: RouterSession, msg: YieldMessage): void {
    const call = this.invocationFor(session, msg.request, 'YIELD');
    if (usesPassthru(msg.options) && !session.features.has('callee', 'payload_passthru_mode')) {
      throw new ProtocolViolationError(
        'YIELD uses Payload PassThru Mode, which the callee did not announce',
      );
    }
    if (call === undefined) return;
    const progress = msg.options.progress === true;
    if (call.state === 'orphaned') {
      if (!progress) this.finish(call);
      return;
    }
    if (progress && !call.receiveProgress) return; // not asked for: a RESULT would end the call
    if (usesPassthru(msg.options) && !call.caller.features.has('caller', 'payload_passthru_mode')) {
      session.send({
        type: 'ERROR',
        requestType: MessageCode.YIELD,
        request: msg.request,
        details: {},
        error: 'wamp.error.feature_not_supported',
        args: ['the caller does not support Payload PassThru Mode'],
      });
      this.finish(call);
      this.callError(call.caller, call.callerRequest, 'wamp.error.feature_not_supported', [
        'the callee answered in Payload PassThru Mode, which this caller did not announce',
      ]);
      return;
    }
    const details = copyPassthru(msg.options, progress ? { progress: true } : {});
    if (progress) this.armTimer(call);
    else this.finish(call);
    const sent = call.caller.send(
      withPayload({ type: 'RESULT', request: call.callerRequest, details }, msg),
    );
    if (!sent && call.caller.isOpen) {
      if (progress) this.finish(call);
      this.callError(call.caller, call.callerRequest, 'wamp.error.invalid_argument', [
        `the result cannot be serialized as ${call.caller.serializer.id} for the caller`,
      ]);
    }
  }

  invocationError(session: RouterSession, msg: ErrorMessage): void {
    const call = this.invocationFor(session, msg.request, 'ERROR');
    if (call === undefined) return;
    this.finish(call);
    if (call.state === 'orphaned') return;
    const sent = call.caller.send(
      withPayload(
        {
          type: 'ERROR',
          requestType: MessageCode.CALL,
          request: call.callerRequest,
          details: copyPassthru(msg.details, {}),
          error: msg.error,
        },
        msg,
      ),
    );
    if (!sent && call.caller.isOpen) {
      this.callError(call.caller, call.callerRequest, msg.error, [
        `the error's payload cannot be serialized as ${call.caller.serializer.id}`,
      ]);
    }
  }

  /** The call is over: forget it on both sides, free the callee's concurrency slot. */
  private finish(call: Call): void {
    if (call.timer !== null) clearTimeout(call.timer);
    call.timer = null;
    if (call.caller.calls.get(call.callerRequest) === call)
      call.caller.calls.delete(call.callerRequest);
    const target = call.callee.session;
    if (target.invocations.get(call.invocationRequest) === call) {
      target.invocations.delete(call.invocationRequest);
      call.callee.inflight--;
    }
  }

  // ---- canceling and timeouts ------------------------------------------------------------

  /** Spec advanced "Call Canceling". */
  cancel(session: RouterSession, msg: CancelMessage): void {
    const call = session.calls.get(msg.request);
    if (call === undefined || call.state !== 'active') return; // already answered: nothing to do
    const requested = (msg.options.mode as string | undefined) ?? 'killnowait';
    this.interrupt(call, requested, 'wamp.error.canceled', 'the call was canceled by the caller');
  }

  /**
   * skip: answer the caller now, discard the callee's answer. kill: INTERRUPT, forward the
   * callee's answer. killnowait: INTERRUPT and answer the caller now. A callee that does not
   * support call canceling always gets `skip`.
   */
  private interrupt(call: Call, requested: string, reason: string, message: string): void {
    const target = call.callee.session;
    const mode = supportsCanceling(target) ? requested : 'skip';
    if (mode === 'kill') {
      call.state = 'killing';
      call.callerProgress = false;
      target.send({
        type: 'INTERRUPT',
        request: call.invocationRequest,
        options: { mode: 'kill', reason },
      });
      return;
    }
    if (mode === 'killnowait') {
      this.finish(call);
      target.send({
        type: 'INTERRUPT',
        request: call.invocationRequest,
        options: { mode: 'killnowait', reason },
      });
    } else {
      // skip: the callee keeps its concurrency slot until it answers; the answer is discarded.
      if (call.timer !== null) clearTimeout(call.timer);
      call.timer = null;
      call.caller.calls.delete(call.callerRequest);
    }
    call.state = 'orphaned';
    this.callError(call.caller, call.callerRequest, reason, [message]);
  }

  private armTimer(call: Call): void {
    if (call.timeoutMs <= 0) return;
    if (call.timer !== null) clearTimeout(call.timer);
    call.timer = setTimeout(() => {
      call.timer = null;
      if (call.state !== 'active') return;
      // Spec advanced "Call Timeouts": killnowait when the callee can be interrupted, else skip.
      this.interrupt(
        call,
        'killnowait',
        'wamp.error.timeout',
        `no result within ${call.timeoutMs} ms`,
      );
    }, call.timeoutMs);
    call.timer.unref?.();
  }

  // ---- sessions leaving ------------------------------------------------------------------

  removeSession(session: RouterSession): void {
    for (const reg of [...session.registrations]) this.detachCallee(session, reg);
    // Spec basic "Callee Leaving During an RPC Invocation".
    for (const call of [...session.invocations.values()]) {
      this.finish(call);
      if (call.state !== 'orphaned') {
        this.callError(call.caller, call.callerRequest, 'wamp.error.canceled', [
          'the callee left before answering',
        ]);
      }
    }
    // Spec basic "Caller Leaving During an RPC Invocation".
    for (const call of [...session.calls.values()]) {
      if (supportsCanceling(call.callee.session)) {
        this.finish(call);
        call.callee.session.send({
          type: 'INTERRUPT',
          request: call.invocationRequest,
          options: { mode: 'killnowait', reason: 'wamp.error.canceled' },
        });
      } else {
        call.state = 'orphaned';
        if (call.timer !== null) clearTimeout(call.timer);
        call.timer = null;
      }
    }
    session.calls.clear();
  }

  // ---- meta-API queries ------------------------------------------------------------------

  get(id: number): Registration | undefined {
    return this.byId.get(id);
  }

  list(): { exact: number[]; prefix: number[]; wildcard: number[] } {
    return this.index.list((r) => r.id);
  }

  lookup(procedure: string, match: MatchPolicy): Registration | undefined {
    return this.index.get(procedure, match);
  }

  best(procedure: string): Registration | undefined {
    return this.index.best(procedure);
  }
}
