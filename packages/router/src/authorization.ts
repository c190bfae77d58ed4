/**
 * Authorization (spec advanced "Authorization"; the permission model of Crossbar.io's static
 * authorizer): per realm, each role has permission rules `{ uri, match, allow }`. For an action
 * on a URI, the most specific rule of the session's role that matches the URI decides (exact,
 * then the longest prefix, then the wildcard with the longest concrete components, as for
 * registrations); an action that rule does not allow, a URI no rule matches and a role that is
 * not listed are all refused. The router answers a refusal with ERROR `wamp.error.not_authorized`.
 * Router meta-procedures and meta-topics (`wamp.session.kill`, `wamp.session.on_join`, ...) are
 * URIs like any other: a role needs a rule for them.
 */
import { RouterConfigError } from './errors.js';
import { type MatchPolicy, UriIndex } from './uri-match.js';

/** What a session may be authorized to do. */
export type AuthorizedAction = 'call' | 'register' | 'publish' | 'subscribe';

/** Every action an Authorizer decides on. */
export const AUTHORIZED_ACTIONS: readonly AuthorizedAction[] = [
  'call',
  'register',
  'publish',
  'subscribe',
];

/** One permission rule of a role. */
export interface Permission {
  /** URI or pattern; with `match: 'prefix'`, `''` covers every URI. */
  readonly uri: string;
  /** Default `exact`. */
  readonly match?: MatchPolicy;
  /** Actions allowed on matching URIs; missing ones are refused. */
  readonly allow: Readonly<Partial<Record<AuthorizedAction, boolean>>>;
}

/** Permission rules per role name. */
export type RolePermissions = Readonly<Record<string, readonly Permission[]>>;

/** The identity of the session asking, as WELCOME gave it. */
export interface AuthorizedSession {
  readonly id: number;
  readonly authid: string;
  readonly authrole: string;
  readonly authmethod: string;
  readonly authprovider: string;
}

/** One action a session asks for, as the Authorizer sees it. */
export interface AuthorizationRequest {
  readonly realm: string;
  readonly session: AuthorizedSession;
  readonly action: AuthorizedAction;
  /** The procedure (call, register) or topic (publish, subscribe). */
  readonly uri: string;
  /** The match policy of a REGISTER or SUBSCRIBE (`exact` for call and publish). */
  readonly match: MatchPolicy;
}

/**
 * Decides one action; true allows it. Runs synchronously on the router's message path, so it
 * must be quick (a dynamic authorizer that needs I/O should cache its answers).
 */
export type Authorizer = (request: AuthorizationRequest) => boolean;

interface CompiledRule {
  readonly uri: string;
  readonly match: MatchPolicy;
  readonly allow: ReadonlySet<AuthorizedAction>;
}

const MATCH_POLICIES: readonly MatchPolicy[] = ['exact', 'prefix', 'wildcard'];

function compileRule(role: string, p: Permission): CompiledRule {
  const where = `role ${JSON.stringify(role)}`;
  if (typeof p?.uri !== 'string') throw new RouterConfigError(`${where}: a permission needs a uri`);
  const match = p.match ?? 'exact';
  if (!MATCH_POLICIES.includes(match)) {
    throw new RouterConfigError(`${where}: unknown match policy ${JSON.stringify(match)}`);
  }
  if (match !== 'prefix' && p.uri === '') {
    throw new RouterConfigError(`${where}: an empty uri needs match 'prefix'`);
  }
  const allow = new Set<AuthorizedAction>();
  for (const [action, allowed] of Object.entries(p.allow ?? {})) {
    if (!AUTHORIZED_ACTIONS.includes(action as AuthorizedAction)) {
      throw new RouterConfigError(`${where}: unknown action ${JSON.stringify(action)}`);
    }
    if (allowed === true) allow.add(action as AuthorizedAction);
  }
  return { uri: p.uri, match, allow };
}

/** The rules of every role, indexed for best-match lookups. */
export class RoleTable {
  private readonly roles = new Map<string, UriIndex<CompiledRule>>();

  constructor(roles: RolePermissions) {
    for (const [role, permissions] of Object.entries(roles)) {
      const index = new UriIndex<CompiledRule>();
      for (const p of permissions) {
        const rule = compileRule(role, p);
        if (index.get(rule.uri, rule.match) !== undefined) {
          throw new RouterConfigError(
            `role ${JSON.stringify(role)}: two permissions for ${rule.match} ${JSON.stringify(rule.uri)}`,
          );
        }
        index.add(rule);
      }
      this.roles.set(role, index);
    }
  }

  /** Whether the table has rules for `role`. */
  has(role: string): boolean {
    return this.roles.has(role);
  }

  /** Whether `role` may do `action` on `uri`. */
  permits(role: string, action: AuthorizedAction, uri: string): boolean {
    const rule = this.roles.get(role)?.best(uri);
    return rule?.allow.has(action) === true;
  }
}

/** An `Authorizer` from permission rules per role. */
export function roleAuthorizer(roles: RolePermissions): Authorizer {
  const table = new RoleTable(roles);
  return (request) => table.permits(request.session.authrole, request.action, request.uri);
}

/** Everyone may do everything (the router's default when no authorization is configured). */
export const allowEverything: Authorizer = () => true;
