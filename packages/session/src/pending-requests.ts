/**
 * The requests waiting for the router's answer, keyed by their session-scope request id (spec
 * wamp.md "IDs"). SUBSCRIBED, UNSUBSCRIBED, PUBLISHED, REGISTERED, UNREGISTERED and ERROR are
 * matched against it; a reply to a request that is not pending (or of another kind) is a
 * protocol violation (spec wamp.md "Protocol Errors"). Every entry can be rejected, which is how
 * the session fails them all when it ends.
 */
import { MessageCode, ProtocolViolationError, type WampMessage } from '@wampkit/serializers';
import { RenewingMap } from './renewing-map.js';
import type { PendingCall } from './roles/caller.js';

export type RequestKind =
  | 'call'
  | 'subscribe'
  | 'unsubscribe'
  | 'publish'
  | 'register'
  | 'unregister';

/** A request answered by one reply message (everything but CALL). */
export interface PendingSimple {
  kind: Exclude<RequestKind, 'call'>;
  request: number;
  resolve(msg: WampMessage): void;
  reject(error: Error): void;
}

export type Pending = PendingCall | PendingSimple;

/** The reply message that answers each simple request kind. */
export const REPLY_KIND = {
  SUBSCRIBED: 'subscribe',
  UNSUBSCRIBED: 'unsubscribe',
  PUBLISHED: 'publish',
  REGISTERED: 'register',
  UNREGISTERED: 'unregister',
} as const satisfies Record<string, PendingSimple['kind']>;

/** ERROR.Request.Type codes a router may send to a client, and the request kind they answer. */
export const ERROR_KIND = new Map<number, RequestKind>([
  [MessageCode.CALL, 'call'],
  [MessageCode.SUBSCRIBE, 'subscribe'],
  [MessageCode.UNSUBSCRIBE, 'unsubscribe'],
  [MessageCode.PUBLISH, 'publish'],
  [MessageCode.REGISTER, 'register'],
  [MessageCode.UNREGISTER, 'unregister'],
]);

export class PendingRequests {
  /** One entry per request in flight, so renewed now and then (see renewing-map.ts). */
  private readonly byId = new RenewingMap<number, Pending>();

  get size(): number {
    return this.byId.size;
  }

  get(request: number): Pending | undefined {
    return this.byId.get(request);
  }

  add(p: Pending): void {
    this.byId.set(p.request, p);
  }

  delete(request: number): void {
    this.byId.delete(request);
  }

  /** Removes and returns the simple request a reply answers; a reply to no such request is a
   * protocol violation. */
  take(type: string, request: number, kind: PendingSimple['kind']): PendingSimple {
    const p = this.byId.get(request);
    if (!p || p.kind === 'call' || p.kind !== kind) {
      throw new ProtocolViolationError(
        p
          ? `received ${type} for request ${request}, which is a ${p.kind} request`
          : `received ${type} for request ${request}, which is not pending`,
      );
    }
    this.byId.delete(request);
    return p;
  }

  /** Rejects and forgets every pending request. */
  rejectAll(error: Error): void {
    const all = [...this.byId.values()];
    this.byId.clear();
    for (const p of all) p.reject(error);
  }
}
