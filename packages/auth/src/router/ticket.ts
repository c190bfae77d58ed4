/**
 * Ticket-based authentication, router side (WAMP AP "Ticket-based Authentication"): checks the
 * ticket a client presents against a principal table or a `check` hook.
 */
import { timingSafeEqual, utf8 } from '../internal/bytes.js';
import {
  denied,
  lookupPrincipal,
  oneShot,
  requireAuthid,
  unknownPrincipal,
} from '../internal/server.js';
import { sha256 } from '../internal/webcrypto.js';
import type {
  HelloInfo,
  HelloOutcome,
  PrincipalIdentity,
  PrincipalSource,
  ServerAuthenticator,
  VerifierOptions,
} from '../types.js';

export interface TicketPrincipal extends PrincipalIdentity {
  ticket: string;
}

export interface TicketVerifierOptions extends VerifierOptions {
  /** Static table keyed by authid, or a dynamic lookup by authid. */
  principals?: PrincipalSource<TicketPrincipal>;
  /**
   * Dynamic check instead of a table: gets the presented ticket and returns the identity, or
   * `undefined` to deny (e.g. a JWT verifier). Exactly one of `principals` and `check`.
   */
  check?: (
    authid: string,
    ticket: string,
    hello: HelloInfo,
  ) => PrincipalIdentity | undefined | Promise<PrincipalIdentity | undefined>;
}

export class TicketVerifier implements ServerAuthenticator {
  readonly authmethods = ['ticket'] as const;
  readonly #options: TicketVerifierOptions;

  constructor(options: TicketVerifierOptions) {
    if (!options.principals === !options.check) {
      throw new TypeError('TicketVerifier needs exactly one of `principals` and `check`');
    }
    this.#options = options;
  }

  /** Starts authenticating a HELLO that asked for `authmethod`: a CHALLENGE to send, or an immediate WELCOME; rejects with an AuthError. */
  async hello(authmethod: string, hello: HelloInfo): Promise<HelloOutcome> {
    const authid = requireAuthid(hello, 'ticket');
    const opts = this.#options;
    let principal: TicketPrincipal | undefined;
    if (opts.principals) {
      principal = await lookupPrincipal(opts.principals, authid, hello);
      if (!principal) throw unknownPrincipal('ticket');
    }
    const pending = oneShot(opts, 'ticket', async (signature) => {
      let identity: PrincipalIdentity | undefined;
      if (principal) {
        // Compare digests, so the time taken depends on neither ticket's length nor content.
        const [got, want] = await Promise.all([
          sha256(utf8(signature)),
          sha256(utf8(principal.ticket)),
        ]);
        if (timingSafeEqual(got, want)) identity = principal;
      } else if (opts.check) {
        identity = (await opts.check(authid, signature, hello)) ?? undefined;
      }
      if (!identity) throw denied('ticket', 'bad-credentials');
      return {
        authid: identity.authid ?? authid,
        authrole: identity.role,
        authmethod: 'ticket',
        authprovider:
          identity.authprovider ?? opts.authprovider ?? (principal ? 'static' : 'dynamic'),
        ...(identity.authextra ? { authextra: identity.authextra } : {}),
      };
    });
    return { kind: 'challenge', authmethod, extra: {}, pending };
  }
}
