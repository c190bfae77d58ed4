/** `wampkit/auth/scram`: the client side of scram authentication (@wampkit/auth, client code only). */
export * from '@wampkit/auth/client/scram';
