/** `wampkit/auth/cryptosign`: the client side of cryptosign authentication (@wampkit/auth, client code only). */
export * from '@wampkit/auth/client/cryptosign';
