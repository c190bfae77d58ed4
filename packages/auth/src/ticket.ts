/**
 * `@wampkit/auth/ticket`: ticket-based authentication, both halves. Clients that only connect
 * import `@wampkit/auth/client/ticket` (no router-side verifier code).
 */
export * from './client/ticket.js';
export * from './router/ticket.js';
