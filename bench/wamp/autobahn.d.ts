/** Autobahn|JS ships no type declarations; clients.ts types the few members it uses. */
declare module 'autobahn' {
  const autobahn: unknown;
  export default autobahn;
}
