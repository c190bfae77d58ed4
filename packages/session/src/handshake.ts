/**
 * Joining a realm (spec wamp.md "Session Establishment": HELLO, then WELCOME or ABORT;
 * rfc/session-state-machine.md transitions 1-8): the HELLO with its role and feature
 * announcement, and CHALLENGE answered by AUTHENTICATE through `onChallenge` (wamp-ap.md
 * "Authentication"). Anything else before WELCOME is a protocol violation.
 */
import {
  type AbortMessage,
  type Dict,
  ProtocolViolationError,
  type WampMessage,
} from '@wampkit/serializers';
import { clientRoles } from './features.js';
import type { SessionCore } from './session-core.js';
import { AGENT } from './session-options.js';

/** Where the joined session goes (the public Session fills in WELCOME's id and details). */
export interface JoinTarget<S> {
  welcomed(session: number, details: Dict): S;
}

export class Handshake<S> {
  private waiter: { resolve(s: S): void; reject(e: Error): void } | undefined;
  private authenticating = false;
  /** WELCOME received; `onWelcome` is still checking it. */
  private verifying = false;

  constructor(
    private readonly core: SessionCore,
    private readonly target: JoinTarget<S>,
  ) {
    core.onClose((error, info) => {
      const w = this.waiter;
      this.waiter = undefined;
      w?.reject(info.error instanceof ProtocolViolationError ? info.error : error);
    });
  }

  /** Sends HELLO; resolves on WELCOME. */
  hello(): Promise<S> {
    const o = this.core.options;
    const details: Dict = {
      ...o.helloDetails,
      agent: o.agent ?? AGENT,
      roles: clientRoles(),
    };
    if (o.authmethods) details.authmethods = o.authmethods;
    if (o.authid !== undefined) details.authid = o.authid;
    if (o.authextra !== undefined) details.authextra = o.authextra;
    this.core.state = 'establishing';
    const joined = new Promise<S>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    try {
      this.core.send({ type: 'HELLO', realm: o.realm, details });
    } catch (e) {
      this.core.finish({
        reason: 'wamp.error.invalid_argument',
        details: {},
        initiator: 'local',
        clean: false,
        error: e as Error,
      });
    }
    return joined;
  }

  /** A router message while establishing. */
  receive(msg: WampMessage): void {
    switch (msg.type) {
      case 'WELCOME': {
        if (this.authenticating) {
          throw new ProtocolViolationError('received WELCOME while answering a CHALLENGE');
        }
        if (this.verifying) {
          throw new ProtocolViolationError('received a second WELCOME');
        }
        const check = this.core.options.onWelcome;
        if (!check) {
          this.welcomed(msg.session, msg.details);
          return;
        }
        this.verifyWelcome(check, msg.session, msg.details);
        return;
      }
      case 'ABORT':
        abortedByRouter(this.core, msg);
        return;
      case 'CHALLENGE':
        this.challenge(msg.authMethod, msg.extra);
        return;
      default:
        throw new ProtocolViolationError(`received ${msg.type} before the session was established`);
    }
  }

  private welcomed(id: number, details: Dict): void {
    this.core.state = 'established';
    const session = this.target.welcomed(id, details);
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve(session);
  }

  /**
   * Mutual authentication (wamp-ap.md, WAMP-SCRAM "ServerSignature"): `onWelcome` sees WELCOME
   * before the session opens; when it throws, the session sends ABORT
   * `wamp.error.cannot_authenticate` (as Autobahn|Python does) and the join fails with a
   * SessionClosedError whose `cause` is the thrown error. A synchronous check opens the session
   * at once; an asynchronous one keeps it establishing until it settles.
   */
  private verifyWelcome(
    check: (details: Dict) => void | Promise<void>,
    id: number,
    details: Dict,
  ): void {
    const refuse = (error: unknown): void => {
      this.verifying = false;
      if (this.core.state !== 'establishing') return;
      const e = error instanceof Error ? error : new Error(String(error));
      this.core.abort('wamp.error.cannot_authenticate', e.message, e);
    };
    let outcome: void | Promise<void>;
    try {
      outcome = check(details);
    } catch (error) {
      refuse(error);
      return;
    }
    if (!(outcome instanceof Promise)) {
      this.welcomed(id, details);
      return;
    }
    this.verifying = true;
    outcome.then(() => {
      this.verifying = false;
      if (this.core.state === 'establishing') this.welcomed(id, details);
    }, refuse);
  }

  private challenge(authMethod: string, extra: Dict): void {
    const offered = this.core.options.authmethods ?? [];
    if (this.authenticating) {
      throw new ProtocolViolationError('received a second CHALLENGE before answering the first');
    }
    if (!offered.includes(authMethod)) {
      throw new ProtocolViolationError(
        `received CHALLENGE for authmethod "${authMethod}", which was not offered`,
      );
    }
    const answer = this.core.options.onChallenge;
    if (!answer) {
      this.core.abort(
        'wamp.error.cannot_authenticate',
        `no challenge handler for authmethod ${authMethod}`,
      );
      return;
    }
    this.authenticating = true;
    Promise.resolve()
      .then(() => answer({ authMethod, extra }))
      .then(
        (response) => {
          this.authenticating = false;
          if (this.core.state !== 'establishing') return;
          this.core.sendQuietly({
            type: 'AUTHENTICATE',
            signature: response.signature,
            extra: response.extra ?? {},
          });
        },
        (error: unknown) => {
          this.authenticating = false;
          if (this.core.state !== 'establishing') return;
          const message = error instanceof Error ? error.message : String(error);
          this.core.abort(
            'wamp.error.cannot_authenticate',
            message,
            error instanceof Error ? error : new Error(message),
          );
        },
      );
  }
}

/** ABORT from the router ends the session (spec wamp.md "ABORT"). */
export function abortedByRouter(core: SessionCore, msg: AbortMessage): void {
  core.finish({ reason: msg.reason, details: msg.details, initiator: 'remote', clean: false });
}
