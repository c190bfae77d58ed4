/**
 * URI matching for subscriptions and registrations (spec advanced "Pattern-based Subscription",
 * "Pattern-based Registrations"): exact, prefix (string prefix of the URI) and wildcard (empty
 * components match any one whole component).
 */
import type { UriMatch } from '@wampkit/serializers';

/** How a registration or subscription URI matches (spec wamp-ap.md "Pattern-based Registrations"). */
export type MatchPolicy = UriMatch;

export interface Matchable {
  readonly uri: string;
  readonly match: MatchPolicy;
}

interface WildcardEntry<T> {
  readonly item: T;
  readonly parts: readonly string[];
  /** Lengths of the runs of concrete components between wildcards, for best-match ranking. */
  readonly runs: readonly number[];
}

function wildcardRuns(parts: readonly string[]): number[] {
  const runs: number[] = [];
  let run = 0;
  for (const p of parts) {
    if (p === '') {
      runs.push(run);
      run = 0;
    } else {
      run++;
    }
  }
  runs.push(run);
  return runs;
}

function wildcardMatches(parts: readonly string[], uriParts: readonly string[]): boolean {
  if (parts.length !== uriParts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p !== '' && p !== uriParts[i]) return false;
  }
  return true;
}

/** Lexicographic comparison of wildcard runs: the longer leading concrete portion wins. */
function compareRuns(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Whether `uri` matches `pattern` under `match` (exact, prefix, or wildcard with empty components). */
export function uriMatches(pattern: string, match: MatchPolicy, uri: string): boolean {
  if (match === 'exact') return pattern === uri;
  if (match === 'prefix') return uri.startsWith(pattern);
  return wildcardMatches(pattern.split('.'), uri.split('.'));
}

/** Items keyed by (uri, match policy), with lookups by a concrete URI. */
export class UriIndex<T extends Matchable> {
  private readonly exact = new Map<string, T>();
  private readonly prefix = new Map<string, T>();
  private readonly wildcard = new Map<string, WildcardEntry<T>>();

  get(uri: string, match: MatchPolicy): T | undefined {
    if (match === 'exact') return this.exact.get(uri);
    if (match === 'prefix') return this.prefix.get(uri);
    return this.wildcard.get(uri)?.item;
  }

  add(item: T): void {
    if (item.match === 'exact') this.exact.set(item.uri, item);
    else if (item.match === 'prefix') this.prefix.set(item.uri, item);
    else {
      const parts = item.uri.split('.');
      this.wildcard.set(item.uri, { item, parts, runs: wildcardRuns(parts) });
    }
  }

  delete(item: T): void {
    if (item.match === 'exact') this.exact.delete(item.uri);
    else if (item.match === 'prefix') this.prefix.delete(item.uri);
    else this.wildcard.delete(item.uri);
  }

  /** Every item whose pattern matches `uri` (PubSub: an event goes to all of them). */
  matching(uri: string): T[] {
    const out: T[] = [];
    const e = this.exact.get(uri);
    if (e !== undefined) out.push(e);
    for (const [pattern, item] of this.prefix) if (uri.startsWith(pattern)) out.push(item);
    if (this.wildcard.size > 0) {
      const uriParts = uri.split('.');
      for (const w of this.wildcard.values()) {
        if (wildcardMatches(w.parts, uriParts)) out.push(w.item);
      }
    }
    return out;
  }

  /**
   * The single best match (RPC, spec "Calls matching multiple registrations"): exact first,
   * then the longest prefix, then the wildcard pattern with the longest concrete portions.
   */
  best(uri: string): T | undefined {
    const e = this.exact.get(uri);
    if (e !== undefined) return e;
    let bestPrefix: T | undefined;
    for (const [pattern, item] of this.prefix) {
      if (
        uri.startsWith(pattern) &&
        (bestPrefix === undefined || pattern.length > bestPrefix.uri.length)
      ) {
        bestPrefix = item;
      }
    }
    if (bestPrefix !== undefined) return bestPrefix;
    let bestWild: WildcardEntry<T> | undefined;
    if (this.wildcard.size > 0) {
      const uriParts = uri.split('.');
      for (const w of this.wildcard.values()) {
        if (!wildcardMatches(w.parts, uriParts)) continue;
        if (bestWild === undefined || compareRuns(w.runs, bestWild.runs) > 0) bestWild = w;
      }
    }
    return bestWild?.item;
  }

  /** Item IDs grouped by policy (the meta-APIs' `list`). */
  list(idOf: (item: T) => number): { exact: number[]; prefix: number[]; wildcard: number[] } {
    return {
      exact: [...this.exact.values()].map(idOf),
      prefix: [...this.prefix.values()].map(idOf),
      wildcard: [...this.wildcard.values()].map((w) => idOf(w.item)),
    };
  }
}
