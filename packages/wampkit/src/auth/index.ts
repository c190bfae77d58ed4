/** `wampkit/auth`: every client authentication helper of @wampkit/auth (client code only). */
export * from '@wampkit/auth/client';
