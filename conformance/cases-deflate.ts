/**
 * Categories 12-13: permessage-deflate (RFC 7692). 12.x: five kinds of data, message sizes 16 B to
 * 128 KiB, whole or fragmented (§6.1: RSV1 on the first frame only), default offer. 13.x: the
 * same with the offer/answer combinations of §7.1 (no_context_takeover flags, window bits), and
 * 13.8-13.9: every server_max_window_bits / client_max_window_bits value 8..15 with both context
 * takeover choices. The peer compresses what it sends (with context takeover unless negotiated
 * away) and inflates what comes back with the negotiated parameters.
 */
import type { CaseContext, CaseDef, CustomResult } from './case.js';
import type { AcceptSpec, OfferSpec } from './deflate.js';

/** Small deterministic PRNG (mulberry32) so the data sets are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATA_SIZE = 256 * 1024;
const WORDS =
  'der die das und nicht ich sie ist zu den mit sich des auf dem ein Faust Mephistopheles Gretchen Welt Geist über schön Mädchen Blüte fließt Nacht Herz'.split(
    ' ',
  );

interface DataSet {
  name: string;
  binary: boolean;
  make(): Buffer;
}

const DATA_SETS: DataSet[] = [
  {
    name: 'German prose with umlauts (sent as binary)',
    binary: true,
    make() {
      const r = prng(1);
      const parts: Buffer[] = [];
      let size = 0;
      while (size < DATA_SIZE) {
        const word = Buffer.from(
          `${WORDS[Math.floor(r() * WORDS.length)]}${r() < 0.1 ? '.\n' : ' '}`,
        );
        parts.push(word);
        size += word.length;
      }
      return Buffer.concat(parts).subarray(0, DATA_SIZE);
    },
  },
  {
    name: 'grey-scale bitmap with gradients and noise',
    binary: true,
    make() {
      const r = prng(2);
      const b = Buffer.alloc(DATA_SIZE);
      for (let i = 0; i < DATA_SIZE; i++) {
        const x = i % 512;
        const y = Math.floor(i / 512);
        b[i] = (x + y + Math.floor(r() * 8) + (((x >> 5) ^ (y >> 5)) & 1) * 64) & 0xff;
      }
      return b;
    },
  },
  {
    name: 'incompressible random bytes',
    binary: true,
    make() {
      const r = prng(3);
      const b = Buffer.alloc(DATA_SIZE);
      for (let i = 0; i < DATA_SIZE; i++) b[i] = Math.floor(r() * 256);
      return b;
    },
  },
  {
    name: 'JSON records (text)',
    binary: false,
    make() {
      const r = prng(4);
      const rows: string[] = [];
      let size = 0;
      for (let id = 0; size < DATA_SIZE; id++) {
        const row = JSON.stringify({
          id,
          name: `user${Math.floor(r() * 1e6)}`,
          active: r() < 0.5,
          score: Math.round(r() * 1e4) / 100,
          tags: ['alpha', 'beta', 'gamma'].filter(() => r() < 0.5),
        });
        rows.push(row);
        size += row.length + 2;
      }
      return Buffer.from(`[${rows.join(',\n')}]`, 'ascii').subarray(0, DATA_SIZE);
    },
  },
  {
    name: 'HTML markup (text)',
    binary: false,
    make() {
      const r = prng(5);
      let s = '<!DOCTYPE html><html><body>\n';
      while (s.length < DATA_SIZE) {
        const n = Math.floor(r() * 1000);
        s += `<div class="row r${n % 7}"><a href="/item/${n}">Item ${n}</a><span>${(r() * 100).toFixed(2)}</span></div>\n`;
      }
      return Buffer.from(s, 'ascii').subarray(0, DATA_SIZE);
    },
  },
];

/** (payload size, auto-fragment size) as in the reference suite; counts scaled down for speed. */
const MSG_SIZES: Array<[number, number]> = [
  [16, 0],
  [64, 0],
  [256, 0],
  [1024, 0],
  [4096, 0],
  [8192, 0],
  [16384, 0],
  [32768, 0],
  [65536, 0],
  [131072, 0],
  [8192, 256],
  [16384, 256],
  [32768, 256],
  [65536, 256],
  [131072, 256],
  [131072, 1024],
  [131072, 4096],
  [131072, 32768],
];

const countFor = (size: number): number => (size <= 4096 ? 40 : size <= 32768 ? 16 : 8);

const dataCache = new Map<DataSet, Buffer>();
function dataOf(ds: DataSet): Buffer {
  let d = dataCache.get(ds);
  if (d === undefined) {
    d = ds.make();
    dataCache.set(ds, d);
  }
  return d;
}

/**
 * Sends `count` messages of `size` bytes taken round-robin from the data set, each after the
 * previous echo, and checks each echo (type, length, content). `plainEvery` sends every n-th
 * message uncompressed (RSV1 clear), which a compressed session also allows (RFC 7692 §6).
 */
async function echoLoop(
  c: CaseContext,
  ds: DataSet,
  sizes: number[],
  count: number,
  fragmentSize: number,
  plainEvery = 0,
): Promise<CustomResult> {
  if (c.peer.deflate === null)
    return { verdict: 'FAILED', detail: 'permessage-deflate was not negotiated' };
  const data = dataOf(ds);
  let ptr = 0;
  let from = 0;
  for (let k = 0; k < count; k++) {
    const size = sizes[k % sizes.length]!;
    const msg = Buffer.alloc(size);
    for (let w = 0; w < size; ) {
      const n = Math.min(size - w, data.length - ptr);
      data.copy(msg, w, ptr, ptr + n);
      w += n;
      ptr = (ptr + n) % data.length;
    }
    const compress = plainEvery <= 0 || k % plainEvery !== plainEvery - 1;
    await c.peer.sendMessage(msg, ds.binary, { compress, fragmentSize });
    const got = await c.nextMessage(from, 5000);
    if (got === null) return { verdict: 'FAILED', detail: `echo ${k} did not arrive` };
    const ev = got.ev;
    if (ev.kind !== 'message') return { verdict: 'FAILED', detail: 'not a message' };
    if (ev.binary !== ds.binary)
      return { verdict: 'FAILED', detail: `echo ${k} has the wrong type` };
    if (!ev.data.equals(msg))
      return {
        verdict: 'FAILED',
        detail: `echo ${k} differs (got ${ev.data.length} bytes, sent ${size})`,
      };
    from = got.index + 1;
  }
  if (c.peer.events.length !== count)
    return { verdict: 'FAILED', detail: `unexpected extra events (${c.peer.events.length})` };
  const d = c.peer.deflate;
  return {
    verdict: 'OK',
    detail: `${count} echoes correct; negotiated server_no_context_takeover=${d.serverNoContextTakeover} client_no_context_takeover=${d.clientNoContextTakeover} server_max_window_bits=${d.serverMaxWindowBits} client_max_window_bits=${d.clientMaxWindowBits}`,
  };
}

const normal = { closedByMe: true, codes: [1000], requireClean: true };

function describeOffer(o: OfferSpec): string {
  const p: string[] = [];
  if (o.clientNoContextTakeover) p.push('client_no_context_takeover');
  if (o.serverNoContextTakeover) p.push('server_no_context_takeover');
  if (o.clientMaxWindowBits !== undefined)
    p.push(
      `client_max_window_bits${o.clientMaxWindowBits === true ? '' : `=${o.clientMaxWindowBits}`}`,
    );
  if (o.serverMaxWindowBits !== undefined)
    p.push(`server_max_window_bits=${o.serverMaxWindowBits}`);
  return p.length ? p.join('; ') : '(no parameters)';
}

function describeAccept(a: AcceptSpec): string {
  const p = Object.entries(a).map(([k, v]) => `${k}=${v}`);
  return p.length ? p.join(', ') : 'defaults';
}

export function deflateCases(): CaseDef[] {
  // Build the data sets now, not while connections wait on their handshake timers.
  for (const ds of DATA_SETS) dataOf(ds);
  const out: CaseDef[] = [];
  // 12.x: default offer, five data sets.
  DATA_SETS.forEach((ds, j) => {
    MSG_SIZES.forEach(([size, frag], i) => {
      const count = countFor(size);
      out.push({
        id: `12.${j + 1}.${i + 1}`,
        description: `${ds.name}: send ${count} compressed messages of ${size} bytes${frag ? `, fragmented into ${frag}-byte frames` : ''}; default offer.`,
        timeoutMs: 30000,
        deflate: { offers: [{ clientMaxWindowBits: true }], accept: {} },
        run: (c) => echoLoop(c, ds, [size], count, frag),
        close: normal,
      });
    });
  });
  // 13.x: offer/answer combinations (RFC 7692 §7.1), JSON data.
  const json = DATA_SETS[3]!;
  const combos: Array<{ offers: OfferSpec[]; accept: AcceptSpec }> = [
    { offers: [{}], accept: {} },
    {
      offers: [{ serverNoContextTakeover: true, clientNoContextTakeover: true }],
      accept: { clientNoContextTakeover: true },
    },
    {
      offers: [{ clientMaxWindowBits: true, serverMaxWindowBits: 8 }],
      accept: { clientMaxWindowBits: 8 },
    },
    {
      offers: [{ clientMaxWindowBits: true, serverMaxWindowBits: 15 }],
      accept: { clientMaxWindowBits: 15 },
    },
    {
      offers: [
        {
          clientMaxWindowBits: true,
          clientNoContextTakeover: true,
          serverNoContextTakeover: true,
          serverMaxWindowBits: 8,
        },
      ],
      accept: { clientMaxWindowBits: 8, clientNoContextTakeover: true },
    },
    {
      offers: [
        {
          clientMaxWindowBits: true,
          clientNoContextTakeover: true,
          serverNoContextTakeover: true,
          serverMaxWindowBits: 15,
        },
      ],
      accept: { clientMaxWindowBits: 15, clientNoContextTakeover: true },
    },
    {
      offers: [
        {
          clientMaxWindowBits: true,
          clientNoContextTakeover: true,
          serverNoContextTakeover: true,
          serverMaxWindowBits: 8,
        },
        { clientNoContextTakeover: true, serverNoContextTakeover: true },
        {},
      ],
      accept: { clientMaxWindowBits: 8, clientNoContextTakeover: true },
    },
  ];
  combos.forEach((combo, j) => {
    MSG_SIZES.forEach(([size, frag], i) => {
      const count = countFor(size);
      out.push({
        id: `13.${j + 1}.${i + 1}`,
        description: `JSON: send ${count} compressed messages of ${size} bytes${frag ? ` in ${frag}-byte frames` : ''}; offers [${combo.offers.map(describeOffer).join(' | ')}], answer ${describeAccept(combo.accept)}.`,
        timeoutMs: 30000,
        deflate: combo,
        run: (c) => echoLoop(c, json, [size], count, frag),
        close: normal,
      });
    });
  });
  // 13.8: server_max_window_bits 8..15 × server/client no_context_takeover.
  const mixed = [16, 300, 2000, 9000, 40000, 70000];
  const text = DATA_SETS[4]!;
  let i = 0;
  for (let bits = 8; bits <= 15; bits++) {
    for (const sNo of [false, true]) {
      for (const cNo of [false, true]) {
        i++;
        const offer: OfferSpec = {
          serverMaxWindowBits: bits,
          serverNoContextTakeover: sNo,
          clientNoContextTakeover: cNo,
          clientMaxWindowBits: true,
        };
        out.push({
          id: `13.8.${i}`,
          description: `HTML: 12 messages of mixed sizes (every 3rd uncompressed, 4 KiB frames); offer ${describeOffer(offer)}.`,
          timeoutMs: 30000,
          deflate: { offers: [offer], accept: {} },
          run: (c) => echoLoop(c, text, mixed, 12, 4096, 3),
          close: normal,
        });
      }
    }
  }
  // 13.9: client_max_window_bits 8..15 (offered with a value, and requested by the server).
  i = 0;
  for (let bits = 8; bits <= 15; bits++) {
    for (const [mode, accept] of [
      ['offered', {}],
      ['requested', { clientMaxWindowBits: bits, serverMaxWindowBits: Math.max(8, 23 - bits) }],
    ] as const) {
      i++;
      const offer: OfferSpec =
        mode === 'offered' ? { clientMaxWindowBits: bits } : { clientMaxWindowBits: true };
      out.push({
        id: `13.9.${i}`,
        description: `HTML: 12 messages of mixed sizes; client_max_window_bits=${bits} ${mode === 'offered' ? 'offered by the client' : `requested by the server (answer ${describeAccept(accept)})`}.`,
        timeoutMs: 30000,
        deflate: { offers: [offer], accept },
        run: (c) => echoLoop(c, text, mixed, 12, 0, 4),
        close: normal,
      });
    }
  }
  return out;
}
