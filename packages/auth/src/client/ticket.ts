/**
 * Ticket-based authentication, client side (WAMP AP "Ticket-based Authentication"): the client
 * answers an empty `ticket` CHALLENGE with the ticket itself.
 */
import { ChallengeError } from '../errors.js';
import type { AuthenticateResponse, Authenticator } from '../types.js';

/** Options of ticket(): the authid and the ticket (or a function fetching a fresh one). */
export interface TicketAuthenticatorOptions {
  authid: string;
  /** The ticket, or a function that fetches a fresh one (e.g. a short-lived token) per attempt. */
  ticket: string | (() => string | Promise<string>);
  authrole?: string;
  authextra?: Record<string, unknown>;
}

export class TicketAuthenticator implements Authenticator {
  readonly authmethod = 'ticket';
  readonly authid: string;
  readonly authrole: string | undefined;
  readonly authextra: Record<string, unknown> | undefined;
  readonly #ticket: TicketAuthenticatorOptions['ticket'];

  constructor(options: TicketAuthenticatorOptions) {
    this.authid = options.authid;
    this.authrole = options.authrole;
    this.authextra = options.authextra;
    this.#ticket = options.ticket;
  }

  async onChallenge(method: string): Promise<AuthenticateResponse> {
    if (method !== 'ticket') throw new ChallengeError(`unexpected challenge method "${method}"`);
    const ticket = typeof this.#ticket === 'function' ? await this.#ticket() : this.#ticket;
    if (typeof ticket !== 'string')
      throw new ChallengeError('the ticket provider returned no string');
    return { signature: ticket, extra: {} };
  }
}

/** Client-side factory: `ticket({ authid, ticket })`. */
export function ticket(options: TicketAuthenticatorOptions): TicketAuthenticator {
  return new TicketAuthenticator(options);
}
