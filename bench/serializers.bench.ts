/**
 * `pnpm bench serializers`: encode+decode round trips per CPU second for three WAMP messages
 * (a small CALL, an EVENT with a ~1 KiB kwargs dict, an EVENT carrying a 64 KiB binary) with
 * each wampkit serializer, next to Autobahn|JS 22.11.1's and wampy 8.0.2's serializers on the
 * same messages (wampy's msgpack is msgpackr, its cbor is cbor-x). Ours work on message objects
 * and validate every field both ways; the peers encode/decode bare arrays without validation.
 *
 * Timing is process CPU time (process.cpuUsage, user + system), not wall time, so other load
 * on a shared machine moves the figures less; and every run goes round all cases in turn, so
 * whatever load remains spreads over all of them. Warm-up, then the median of RUNS runs.
 * Table on stderr; one JSON line (figures and ours/peer ratios) on stdout.
 */
import { createRequire } from 'node:module';
import { CborSerializer as WampyCbor } from 'wampy/CborSerializer.js';
import { JsonSerializer as WampyJson } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer as WampyMsgpack } from 'wampy/MsgpackSerializer.js';
import { cborSerializer } from '../packages/serializers/src/cbor.js';
import { flatbuffersSerializer } from '../packages/serializers/src/flatbuffers.js';
import {
  jsonSerializer,
  messageToArray,
  type Serializer,
  type WampMessage,
} from '../packages/serializers/src/index.js';
import { msgpackSerializer } from '../packages/serializers/src/msgpack.js';
import { ubjsonSerializer } from '../packages/serializers/src/ubjson.js';

const require = createRequire(import.meta.url);
const autobahnSerializers = require('autobahn/lib/serializer.js') as Record<
  string,
  new () => { serialize(v: unknown): unknown; unserialize(v: unknown): unknown }
>;

const RUNS = 5;
const RUN_MS = 100;
const WARMUP_MS = 200;

const kwargs1k: Record<string, string> = {};
for (let i = 0; i < 32; i++)
  kwargs1k[`key_${String(i).padStart(2, '0')}`] = `value-${i}-${'x'.repeat(14)}`;
const blob = Uint8Array.from({ length: 65536 }, (_, i) => (i * 31) & 0xff);

const MESSAGES: Record<string, WampMessage> = {
  call: {
    type: 'CALL',
    request: 7814135,
    options: {},
    procedure: 'com.example.add2',
    args: [23, 42],
  },
  event1k: {
    type: 'EVENT',
    subscription: 5512315355,
    publication: 4429313566,
    details: {},
    args: [],
    kwargs: kwargs1k,
  },
  bin64k: {
    type: 'EVENT',
    subscription: 5512315355,
    publication: 4429313566,
    details: {},
    args: [blob],
  },
};

type RoundTrip = () => unknown | Promise<unknown>;
interface Case {
  impl: string;
  serializer: string;
  message: string;
  roundTrip: RoundTrip;
}

const cases: Case[] = [];
const ours: Serializer[] = [
  jsonSerializer,
  msgpackSerializer,
  cborSerializer,
  ubjsonSerializer,
  flatbuffersSerializer,
];
for (const ser of ours) {
  for (const [name, msg] of Object.entries(MESSAGES)) {
    cases.push({
      impl: 'wampkit',
      serializer: ser.id,
      message: name,
      roundTrip: () => ser.unserialize(ser.serialize(msg)),
    });
  }
}
const autobahn = {
  json: new autobahnSerializers.JSONSerializer!(),
  msgpack: new autobahnSerializers.MsgpackSerializer!(),
  cbor: new autobahnSerializers.CBORSerializer!(),
};
const wampy = { json: new WampyJson(), msgpack: new WampyMsgpack(), cbor: new WampyCbor() };
for (const [name, msg] of Object.entries(MESSAGES)) {
  const arr = messageToArray(msg);
  // Neither peer's JSON serializer implements the WAMP binary convention: no JSON binary figures.
  for (const id of ['json', 'msgpack', 'cbor'] as const) {
    if (id === 'json' && name === 'bin64k') continue;
    const a = autobahn[id];
    cases.push({
      impl: 'autobahn-js',
      serializer: id,
      message: name,
      // Autobahn|JS's CBOR serialize is async (cbor.encodeAsync).
      roundTrip:
        id === 'cbor'
          ? async () => a.unserialize(await a.serialize(arr))
          : () => a.unserialize(a.serialize(arr)),
    });
    const w = wampy[id];
    cases.push({
      impl: 'wampy',
      serializer: id,
      message: name,
      roundTrip: () => w.decode(w.encode(arr) as never),
    });
  }
}

/** Round trips per CPU second over about `ms` of CPU time. */
async function timeFor(fn: RoundTrip, ms: number): Promise<number> {
  const isAsync = fn() instanceof Promise;
  let n = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < ms * 1000) {
    for (let i = 0; i < 16; i++) {
      if (isAsync) await fn();
      else fn();
    }
    n += 16;
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  return (n * 1e6) / used;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

for (const c of cases) await timeFor(c.roundTrip, WARMUP_MS);
const runs = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (let r = 0; r < RUNS; r++) {
  for (const c of cases) runs.get(c)!.push(await timeFor(c.roundTrip, RUN_MS));
}
const results: Record<string, Record<string, Record<string, number>>> = {};
for (const c of cases) {
  results[c.impl] ??= {};
  results[c.impl]![c.serializer] ??= {};
  results[c.impl]![c.serializer]![c.message] = Math.round(median(runs.get(c)!));
}

const ratios: Record<string, number> = {};
for (const peer of ['autobahn-js', 'wampy']) {
  for (const [id, byMsg] of Object.entries(results[peer] ?? {})) {
    for (const [msg, theirs] of Object.entries(byMsg)) {
      const mine = results.wampkit?.[id]?.[msg];
      if (mine !== undefined)
        ratios[`${id}.${msg}.vs_${peer}`] = Number((mine / theirs).toFixed(2));
    }
  }
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.error(
  `encode+decode msgs per CPU second (median of ${RUNS} runs of ${RUN_MS} ms CPU; node ${process.version})`,
);
console.error(
  `${'impl'.padEnd(12)} ${'serializer'.padEnd(12)} ${pad('call', 10)} ${pad('event1k', 10)} ${pad('bin64k', 10)}`,
);
for (const [impl, byId] of Object.entries(results)) {
  for (const [id, byMsg] of Object.entries(byId)) {
    console.error(
      `${impl.padEnd(12)} ${id.padEnd(12)} ${pad(byMsg.call ?? '-', 10)} ${pad(byMsg.event1k ?? '-', 10)} ${pad(byMsg.bin64k ?? '-', 10)}`,
    );
  }
}
console.log(
  JSON.stringify({
    bench: 'serializers',
    node: process.version,
    unit: 'msgs per CPU second (encode+decode, median)',
    results,
    ratios,
  }),
);
