/**
 * `@wampkit/auth/scram`: WAMP-SCRAM, both halves. Clients that only connect import
 * `@wampkit/auth/client/scram` (no router-side verifier or credential code).
 */
export * from './client/scram.js';
export * from './router/scram.js';
