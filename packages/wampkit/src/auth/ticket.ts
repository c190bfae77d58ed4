/** `wampkit/auth/ticket`: the client side of ticket authentication (@wampkit/auth, client code only). */
export * from '@wampkit/auth/client/ticket';
