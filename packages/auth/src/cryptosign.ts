/**
 * `@wampkit/auth/cryptosign`: WAMP-cryptosign, both halves. Clients that only connect import
 * `@wampkit/auth/client/cryptosign` (no router-side verifier code).
 */
export * from './client/cryptosign.js';
export * from './router/cryptosign.js';
