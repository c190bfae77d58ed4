/**
 * `@wampkit/auth/wampcra`: WAMP-CRA, both halves. Clients that only connect import
 * `@wampkit/auth/client/wampcra` (no router-side verifier code).
 */
export * from './client/wampcra.js';
export * from './router/wampcra.js';
