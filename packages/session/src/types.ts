/** Public option and result types of the session API. */
import type { Dict } from '@wampkit/serializers';
import type { OverflowPolicy } from './queue.js';

export type { Dict };

/** Payload PassThru mode options (wamp-ap.md "Payload PassThru Mode"): sent as `ppt_*`. */
export interface PassthruOptions {
  scheme: string;
  serializer?: string;
  cipher?: string;
  keyid?: string;
}

/** What a payload-carrying message gave us. */
export interface PayloadFields<A extends unknown[] = unknown[], K extends Dict = Dict> {
  /** Positional arguments ([] when absent). */
  args: A;
  /** Keyword arguments ({} when absent). */
  kwargs: K;
  /** Payload PassThru mode: the opaque payload (then args/kwargs are empty). */
  payload?: Uint8Array;
}

/** RESULT of a call (the final one, or a progressive one when `progress` is true). */
export interface CallResult<A extends unknown[] = unknown[], K extends Dict = Dict>
  extends PayloadFields<A, K> {
  details: Dict;
  /** true for a progressive result (wamp-ap.md "Progressive Call Results"). */
  progress: boolean;
}

/** Cancel modes (wamp-ap.md "Call Canceling"). */
export type CancelMode = 'skip' | 'kill' | 'killnowait';

/** Options of Session.call(). */
export interface CallOptions<A extends unknown[] = unknown[], K extends Dict = Dict> {
  /** Aborting sends CANCEL with `cancelMode` and rejects the call with CanceledError. */
  signal?: AbortSignal;
  /** CANCEL mode used when `signal` aborts. Default 'killnowait'. */
  cancelMode?: CancelMode;
  /** Router-side timeout in ms (CALL.Options.timeout, wamp-ap.md "Call Timeout"). */
  timeout?: number;
  /** Client-enforced timeout in ms: on expiry the call is canceled (killnowait) and rejects with
   * TimeoutError. Defaults to the session's `callTimeout` (0 = none). */
  clientTimeout?: number;
  /** Ask the dealer to disclose our identity to the callee (caller identification). */
  discloseMe?: boolean;
  /** Receive progressive results through this callback (sets receive_progress). */
  onProgress?: (result: CallResult<A, K>) => void;
  /** Payload PassThru mode: send this opaque payload instead of args/kwargs. */
  payload?: Uint8Array;
  ppt?: PassthruOptions;
  /** Extra CALL.Options entries, sent as given. */
  extra?: Dict;
}

/** Options of Session.callProgressive(). */
export interface ProgressiveCallOptions<A extends unknown[] = unknown[], K extends Dict = Dict>
  extends Omit<CallOptions<A, K>, 'onProgress'> {
  /** Progressive results buffered for a slow consumer before the call is canceled. Default 1000. */
  bufferSize?: number;
}

/** How a registration or subscription URI matches (wamp-ap.md "Pattern-based Registrations", "Pattern-based Subscriptions"). */
export type MatchPolicy = 'exact' | 'prefix' | 'wildcard';
/** Which callee of a shared registration gets a call (wamp-ap.md "Shared Registration"). */
export type InvokePolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last';

/** Options of Session.register(). */
export interface RegisterOptions {
  match?: MatchPolicy;
  invoke?: InvokePolicy;
  /** Most invocations run at once; more wait in a queue of `maxQueued` (REGISTER.Options.concurrency
   * is sent too, for routers that enforce it). Default: unlimited. */
  concurrency?: number;
  /** Invocations waiting for a concurrency slot before ERROR `wamp.error.unavailable`. Default 1000. */
  maxQueued?: number;
  /** Ask the dealer to disclose callers to this callee (REGISTER.Options.disclose_caller). */
  discloseCaller?: boolean;
  /** Progressive invocation chunks buffered before the invocation fails. Default 1000. */
  chunkBufferSize?: number;
  /** Called when the router revokes the registration (wamp-ap.md "Registration Revocation"). */
  onRevoke?: (info: RevocationInfo) => void;
  extra?: Dict;
}

/** Why the router revoked a registration or subscription. */
export interface RevocationInfo {
  reason: string;
  details: Dict;
}

/** Options of Session.publish(). */
export interface PublishOptions {
  /** Wait for PUBLISHED and resolve with the publication id. */
  acknowledge?: boolean;
  /** Whether our own subscriptions receive the event (default true for us: exclude_me=false is
   * sent only when set). */
  excludeMe?: boolean;
  exclude?: number[];
  excludeAuthid?: string[];
  excludeAuthrole?: string[];
  eligible?: number[];
  eligibleAuthid?: string[];
  eligibleAuthrole?: string[];
  discloseMe?: boolean;
  /** Ask the broker to retain this event (wamp-ap.md "Event Retention"). */
  retain?: boolean;
  payload?: Uint8Array;
  ppt?: PassthruOptions;
  extra?: Dict;
  /** Aborting while the PUBLISH still waits for room in the send queue withdraws it (rejects
   * with CanceledError); once sent, a publication cannot be taken back. */
  signal?: AbortSignal;
}

/** The router's acknowledgement of a publication. */
export interface Publication {
  publication: number;
}

/** Options of Session.subscribe(). */
export interface SubscribeOptions {
  match?: MatchPolicy;
  /** Ask for the retained event on subscribe (wamp-ap.md "Event Retention"). */
  getRetained?: boolean;
  /** Events buffered for the async iterator. Default 1000. */
  bufferSize?: number;
  /** When the iterator's buffer is full. Default 'drop-oldest' (counted in `dropped`). */
  overflow?: OverflowPolicy;
  /** Aborting unsubscribes. */
  signal?: AbortSignal;
  /** Called when the router revokes the subscription (wamp-ap.md "Subscription Revocation"). */
  onRevoke?: (info: RevocationInfo) => void;
  extra?: Dict;
}

/** One EVENT. */
export interface Event<A extends unknown[] = unknown[], K extends Dict = Dict>
  extends PayloadFields<A, K> {
  /** The topic published to (from details.topic for pattern subscriptions). */
  topic: string;
  publication: number;
  subscription: number;
  /** Publisher session id when disclosed. */
  publisher?: number;
  publisherAuthid?: string;
  publisherAuthrole?: string;
  retained: boolean;
  details: Dict;
}

export type { OverflowPolicy };
