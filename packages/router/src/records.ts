/** The router-scope entities the broker and dealer keep (spec advanced meta-API "Details"). */

import type { RouterSession } from './session.js';
import type { MatchPolicy } from './uri-match.js';

export type InvocationPolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last';

export interface Subscription {
  readonly id: number;
  readonly uri: string;
  readonly match: MatchPolicy;
  /** ISO 8601 creation time. */
  readonly created: string;
  readonly subscribers: Set<RouterSession>;
}

export interface Callee {
  readonly session: RouterSession;
  /** REGISTER.Options.concurrency: most invocations in flight at once (0: unlimited). */
  readonly concurrency: number;
  /** REGISTER.Options.disclose_caller. */
  readonly discloseCaller: boolean;
  inflight: number;
}

export interface Registration {
  readonly id: number;
  readonly uri: string;
  readonly match: MatchPolicy;
  readonly invoke: InvocationPolicy;
  readonly created: string;
  /** In order of registration (the order `first`, `last` and `roundrobin` refer to). */
  readonly callees: Callee[];
  /** roundrobin: index of the next callee to try. */
  next: number;
}
