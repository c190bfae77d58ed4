/**
 * fast-check generators of valid WAMP messages, restricted to what Autobahn|Python 22.7 parses
 * and marshals back unchanged (it drops empty args/kwargs and Options keys it does not know).
 */
import fc from 'fast-check';
import type { Dict, WampMessage } from '../src/index.js';

const id = fc.integer({ min: 0, max: 2 ** 53 });
const component = fc.stringMatching(/^[a-z0-9_]{1,8}$/);
const uri = fc.array(component, { minLength: 1, maxLength: 4 }).map((c) => c.join('.'));
const text = fc
  .oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
  )
  .filter((s) => s.charCodeAt(0) !== 0);
const key = text.filter((k) => k !== '__proto__' && k !== '__bytes_hex__');

const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
  fc.integer({ min: -300, max: 300 }),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    // Integral doubles beyond 2^53 reach Python as ints (JSON has one number type) and come
    // back as bigint; -0 becomes 0. Both are the JSON number model, not a serializer property.
    .filter((d) => !Object.is(d, -0) && !(Number.isInteger(d) && Math.abs(d) > 2 ** 53)),
  text,
  fc.uint8Array({ maxLength: 40 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
})).v;

const args = fc.array(value, { minLength: 1, maxLength: 4 });
const kwargs = fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 });
/** args only, kwargs (with args or []), or neither: the forms Autobahn marshals unchanged. */
const payload = fc.oneof(
  fc.constant({}),
  args.map((a) => ({ args: a })),
  fc
    .tuple(fc.option(args, { nil: undefined }), kwargs)
    .map(([a, k]) => ({ args: a ?? [], kwargs: k })),
);

const opt = <T extends Dict>(d: fc.Arbitrary<T>) =>
  fc.oneof(fc.constant({} as Dict), d as fc.Arbitrary<Dict>);

export const wampMessage: fc.Arbitrary<WampMessage> = fc.oneof(
  fc.record({
    type: fc.constant('HELLO' as const),
    realm: uri,
    details: fc
      .subarray(['caller', 'callee', 'publisher', 'subscriber'], { minLength: 1 })
      .map((roles) => ({ roles: Object.fromEntries(roles.map((r) => [r, {}])) })),
  }),
  fc.record({
    type: fc.constant('WELCOME' as const),
    session: id,
    details: fc.constant({ roles: { broker: {}, dealer: {} } }),
  }),
  fc.record({
    type: fc.constantFrom('ABORT' as const, 'GOODBYE' as const),
    details: opt(fc.record({ message: text.filter((t) => t.length > 0) })),
    reason: uri,
  }),
  fc.record({
    type: fc.constant('CHALLENGE' as const),
    authMethod: fc.constantFrom('wampcra', 'ticket', 'cryptosign'),
    extra: opt(fc.record({ challenge: text })),
  }),
  fc.record({
    type: fc.constant('AUTHENTICATE' as const),
    signature: text,
    extra: fc.constant({}),
  }),
  fc
    .tuple(
      fc.record({
        type: fc.constant('ERROR' as const),
        requestType: fc.constantFrom(32, 48, 68),
        request: id,
        details: fc.constant({}),
        error: uri,
      }),
      payload,
    )
    .map(([m, p]) => ({ ...m, ...p })),
  fc
    .tuple(
      fc.record({
        type: fc.constant('PUBLISH' as const),
        request: id,
        options: opt(fc.record({ acknowledge: fc.boolean(), exclude_me: fc.boolean() })),
        topic: uri,
      }),
      payload,
    )
    .map(([m, p]) => ({ ...m, ...p })),
  fc.record({ type: fc.constant('PUBLISHED' as const), request: id, publication: id }),
  fc.record({
    type: fc.constant('SUBSCRIBE' as const),
    request: id,
    options: fc.constant({}),
    topic: uri,
  }),
  fc.record({
    type: fc.constantFrom('SUBSCRIBED' as const, 'UNSUBSCRIBE' as const),
    request: id,
    subscription: id,
  }),
  fc.record({
    type: fc.constantFrom('UNSUBSCRIBED' as const, 'UNREGISTERED' as const),
    request: id,
  }),
  fc
    .tuple(
      fc.record({
        type: fc.constant('EVENT' as const),
        subscription: id,
        publication: id,
        details: opt(fc.record({ publisher: id })),
      }),
      payload,
    )
    .map(([m, p]) => ({ ...m, ...p })),
  fc
    .tuple(
      fc.record({
        type: fc.constant('CALL' as const),
        request: id,
        options: opt(
          fc.record({
            timeout: fc.integer({ min: 1, max: 100000 }),
            receive_progress: fc.constant(true),
          }),
        ),
        procedure: uri,
      }),
      payload,
    )
    .map(([m, p]) => ({ ...m, ...p })),
  fc.record({
    type: fc.constant('CANCEL' as const),
    request: id,
    options: opt(fc.record({ mode: fc.constantFrom('skip', 'kill', 'killnowait') })),
  }),
  fc
    .tuple(
      fc.record({
        type: fc.constant('RESULT' as const),
        request: id,
        details: opt(fc.record({ progress: fc.constant(true) })),
      }),
      payload,
    )
    .map(([m, p]) => ({ ...m, ...p })),
  fc.record({
    type: fc.constant('REGISTER' as const),
    request: id,
    options: fc.constant({}),
    procedure: uri,
  }),
  fc.record({
    type: fc.constantFrom('REGISTERED' as const, 'UNREGISTER' as const),
    request: id,
    registration: id,
  }),
  fc
    .tuple(
      fc.record({
        type: fc.constant('INVOCATION' as const),
        request: id,
        registration: id,
        details: fc.constant({}),
      }),
      payload,
    )
    .map(([m, p]) => ({ ...m, ...p })),
  fc.record({
    type: fc.constant('INTERRUPT' as const),
    request: id,
    options: opt(fc.record({ mode: fc.constantFrom('kill', 'killnowait') })),
  }),
  fc
    .tuple(
      fc.record({
        type: fc.constant('YIELD' as const),
        request: id,
        options: opt(fc.record({ progress: fc.constant(true) })),
      }),
      payload,
    )
    .map(([m, p]) => ({ ...m, ...p })),
) as fc.Arbitrary<WampMessage>;

/** Wire value -> JSON for the Python peer: bytes as {"__bytes_hex__": hex}. */
export function toNeutral(v: unknown): unknown {
  if (v instanceof Uint8Array) return { __bytes_hex__: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return v.map(toNeutral);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNeutral(x)]));
  }
  return v;
}

export function fromNeutral(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromNeutral);
  if (v !== null && typeof v === 'object') {
    const o = v as Dict;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '__bytes_hex__') {
      return new Uint8Array(Buffer.from(o.__bytes_hex__ as string, 'hex'));
    }
    return Object.fromEntries(keys.map((k) => [k, fromNeutral(o[k])]));
  }
  return v;
}
