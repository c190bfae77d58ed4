/** `wampkit/auth/wampcra`: the client side of wampcra authentication (@wampkit/auth, client code only). */
export * from '@wampkit/auth/client/wampcra';
