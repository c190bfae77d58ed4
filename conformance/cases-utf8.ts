/**
 * Category 6: UTF-8 handling of text messages (RFC 6455 §5.6, §8.1: invalid UTF-8 fails the
 * connection with 1007). Vectors follow the classic UTF-8 decoder stress-test groups (boundary
 * values, malformed, overlong, surrogates, noncharacters); the byte sequences are written here
 * from RFC 3629's encoding rules. Fail-fast cases (6.4.x) check that an invalid sequence is
 * rejected when it arrives, before the rest of the frame or message.
 */
import { type CaseDef, failWith, marker, msg, normalClose, WAIT } from './case.js';
import { isValidUtf8 } from './wire.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** UTF-8 encoding of a code point, by hand (RFC 3629 §3), surrogates included on purpose. */
function enc(cp: number): Buffer {
  if (cp < 0x80) return Buffer.from([cp]);
  if (cp < 0x800) return Buffer.from([0xc0 | (cp >> 6), 0x80 | (cp & 63)]);
  if (cp < 0x10000)
    return Buffer.from([0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]);
  return Buffer.from([
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 63),
    0x80 | ((cp >> 6) & 63),
    0x80 | (cp & 63),
  ]);
}

const KOSME = hex('cebae1bdb9cf83cebcceb5'); // "κόσμε"
const MIXED = Buffer.from('Hello-µ@ßöäüàá-UTF-8!!', 'utf8');

/** One text frame with `payload`: echoed when valid, else the connection fails with 1007. */
function single(id: string, what: string, payload: Buffer): CaseDef {
  const valid = isValidUtf8(payload);
  return {
    id,
    description: `Send a text message (one frame) with ${what}: ${payload.toString('hex')} — ${valid ? 'valid' : 'invalid'} UTF-8.`,
    run: async (c) => void (await c.text(payload)),
    expect: { ok: valid ? [msg(payload)] : [] },
    close: valid ? normalClose : failWith(1007),
  };
}

/** Sends `payload` as a text message split into frames at the given byte `cuts`. */
function fragmented(
  id: string,
  what: string,
  payload: Buffer,
  size: number,
  pings = false,
): CaseDef {
  const valid = isValidUtf8(payload);
  return {
    id,
    description: `Send ${what} as a text message in ${size}-byte fragments${pings ? ' with a Ping after each' : ''} — ${valid ? 'valid' : 'invalid'} UTF-8.`,
    run: async (c) => {
      for (let off = 0; off < payload.length; off += size) {
        const part = payload.subarray(off, off + size);
        const fin = off + size >= payload.length;
        if (off === 0) await c.text(part, fin);
        else await c.cont(part, fin);
        if (pings && !fin) await c.ping(`p${off}`);
      }
      return undefined;
    },
    expect: {
      ok: valid
        ? [
            ...(pings
              ? Array.from({ length: Math.ceil(payload.length / size) - 1 }, (_, k) => ({
                  kind: 'pong' as const,
                  data: Buffer.from(`p${k * size}`),
                }))
              : []),
            msg(payload),
          ]
        : [],
    },
    close: valid ? normalClose : failWith(1007),
  };
}

function failFast(): CaseDef[] {
  const p1 = KOSME;
  const bad = hex('f4908080'); // U+110000 in UTF-8 form: invalid at its 2nd byte (0x90)
  const p3 = Buffer.from('edited', 'ascii');
  const expectFF = {
    ok: [marker('A')],
    nonStrict: [[marker('A'), marker('B')]],
  };
  const frames = (second: Buffer, third: Buffer): CaseDef['run'] => {
    return async (c) => {
      await c.text(p1, false);
      await c.sleep(WAIT);
      c.mark('A');
      await c.cont(second, false);
      await c.sleep(WAIT);
      c.mark('B');
      await c.cont(third, true);
      return undefined;
    };
  };
  const chops = (second: Buffer, third: Buffer): CaseDef['run'] => {
    return async (c) => {
      // One frame, written in three pieces: header+part1, part2, part3 (§8.1 fail fast).
      const whole = Buffer.concat([p1, second, third]);
      const bytes = c.peer.frame({ opcode: 1, payload: whole });
      const head = bytes.length - whole.length;
      c.peer.write(bytes.subarray(0, head + p1.length));
      await c.sleep(WAIT);
      c.mark('A');
      if (c.open) c.peer.write(bytes.subarray(head + p1.length, head + p1.length + second.length));
      await c.sleep(WAIT);
      c.mark('B');
      if (c.open) c.peer.write(bytes.subarray(head + p1.length + second.length));
      return undefined;
    };
  };
  const shortBad = bad.subarray(0, 2);
  const rest = Buffer.concat([bad.subarray(2), p3]);
  return [
    {
      id: '6.4.1',
      description:
        'Invalid text in 3 frames: valid, then the frame with U+110000 (invalid), then the rest; reject the 2nd frame at once.',
      run: frames(bad, p3),
      expect: expectFF,
      close: failWith(1007),
    },
    {
      id: '6.4.2',
      description:
        'Invalid text in 3 frames where the 2nd ends right after the byte that makes it invalid.',
      run: frames(shortBad, rest),
      expect: expectFF,
      close: failWith(1007),
    },
    {
      id: '6.4.3',
      description:
        'Invalid text in ONE frame written in 3 chops (valid, invalid, rest); reject within the frame.',
      run: chops(bad, p3),
      expect: expectFF,
      close: failWith(1007),
    },
    {
      id: '6.4.4',
      description:
        'Invalid text in one frame in 3 chops, the 2nd chop ending right after the invalid byte.',
      run: chops(shortBad, rest),
      expect: expectFF,
      close: failWith(1007),
    },
  ];
}

export function utf8Cases(): CaseDef[] {
  const out: CaseDef[] = [];
  // 6.1: empty text messages.
  out.push(
    {
      id: '6.1.1',
      description: 'Send a text message of length 0.',
      run: async (c) => void (await c.text('')),
      expect: { ok: [msg('')] },
      close: normalClose,
    },
    {
      id: '6.1.2',
      description: 'Send a fragmented text message of 3 empty fragments.',
      run: async (c) => {
        await c.text('', false);
        await c.cont('', false);
        await c.cont('', true);
        return undefined;
      },
      expect: { ok: [msg('')] },
      close: normalClose,
    },
    {
      id: '6.1.3',
      description: 'Send a text message in 3 fragments: empty, "middle frame payload", empty.',
      run: async (c) => {
        await c.text('', false);
        await c.cont('middle frame payload', false);
        await c.cont('', true);
        return undefined;
      },
      expect: { ok: [msg('middle frame payload')] },
      close: normalClose,
    },
  );
  // 6.2: valid UTF-8, whole and fragmented off code-point boundaries.
  out.push(
    single('6.2.1', 'mixed Latin-1 supplement text', MIXED),
    fragmented('6.2.2', 'mixed text', MIXED, 7),
    fragmented('6.2.3', 'mixed text', MIXED, 1),
    fragmented('6.2.4', '"κόσμε"', KOSME, 1),
  );
  // 6.3: invalid UTF-8, whole and fragmented.
  const invalidMix = Buffer.concat([KOSME, hex('eda080'), Buffer.from('edited')]);
  out.push(
    single('6.3.1', 'an embedded surrogate', invalidMix),
    fragmented('6.3.2', 'text with an embedded surrogate', invalidMix, 1),
  );
  out.push(...failFast());
  // 6.5: valid Greek in various deliveries.
  out.push(
    single('6.5.1', '"κόσμε"', KOSME),
    fragmented('6.5.2', '"κόσμε"', KOSME, 2),
    fragmented('6.5.3', '"κόσμε"', KOSME, 3),
    fragmented('6.5.4', '"κόσμε"', KOSME, 4, true),
    {
      id: '6.5.5',
      description: 'Send "κόσμε" as one frame in 1-byte chops.',
      run: async (c) => void (await c.text(KOSME, true, { chop: 1 })),
      expect: { ok: [msg(KOSME)] },
      close: normalClose,
    },
  );
  // 6.6: every prefix of "κόσμε": valid only on code-point boundaries.
  for (let n = 1; n <= KOSME.length; n++)
    out.push(single(`6.6.${n}`, `the first ${n} bytes of "κόσμε"`, KOSME.subarray(0, n)));
  // 6.7-6.23: decoder stress vectors.
  const groups: Array<[string, Array<[string, Buffer]>]> = [
    [
      'first sequence of each length',
      [
        ['U+0000', enc(0)],
        ['U+0080', enc(0x80)],
        ['U+0800', enc(0x800)],
        ['U+10000', enc(0x10000)],
      ],
    ],
    [
      'first 5- and 6-byte sequences (not UTF-8)',
      [
        ['5-byte U+200000', hex('f888808080')],
        ['6-byte U+4000000', hex('fc8480808080')],
      ],
    ],
    [
      'last sequence of each length',
      [
        ['U+007F', enc(0x7f)],
        ['U+07FF', enc(0x7ff)],
        ['U+FFFF', enc(0xffff)],
        ['U+10FFFF', enc(0x10ffff)],
      ],
    ],
    [
      'beyond U+10FFFF',
      [
        ['4-byte U+1FFFFF', hex('f7bfbfbf')],
        ['5-byte U+3FFFFFF', hex('fbbfbfbfbf')],
        ['6-byte U+7FFFFFFF', hex('fdbfbfbfbfbf')],
      ],
    ],
    [
      'other boundary values',
      [
        ['U+D7FF', enc(0xd7ff)],
        ['U+E000', enc(0xe000)],
        ['U+FFFD', enc(0xfffd)],
        ['U+10FFFF', enc(0x10ffff)],
        ['U+110000', hex('f4908080')],
      ],
    ],
    [
      'unexpected continuation bytes',
      [
        ['0x80', hex('80')],
        ['0xbf', hex('bf')],
        ['80 bf', hex('80bf')],
        ['80 bf 80', hex('80bf80')],
        ['80 bf 80 bf', hex('80bf80bf')],
        ['80 bf 80 bf 80', hex('80bf80bf80')],
        ['80 bf 80 bf 80 bf', hex('80bf80bf80bf')],
        ['all 64 continuation bytes', Buffer.from(Array.from({ length: 64 }, (_, i) => 0x80 + i))],
      ],
    ],
    [
      'lonely start bytes followed by spaces',
      [
        ['2-byte starts', lonely(0xc0, 0xdf)],
        ['3-byte starts', lonely(0xe0, 0xef)],
        ['4-byte starts', lonely(0xf0, 0xf7)],
        ['5-byte starts', lonely(0xf8, 0xfb)],
        ['6-byte starts', lonely(0xfc, 0xfd)],
      ],
    ],
    [
      'sequences missing their last byte',
      [
        ['c0', hex('c0')],
        ['e0 80', hex('e080')],
        ['f0 80 80', hex('f08080')],
        ['f8 80 80 80', hex('f8808080')],
        ['fc 80 80 80 80', hex('fc80808080')],
        ['df', hex('df')],
        ['ef bf', hex('efbf')],
        ['f7 bf bf', hex('f7bfbf')],
        ['fb bf bf bf', hex('fbbfbfbf')],
        ['fd bf bf bf bf', hex('fdbfbfbfbf')],
      ],
    ],
    [
      'concatenated incomplete sequences',
      [['all ten', hex('c0 e080 f08080 f8808080 fc80808080 df efbf f7bfbf fbbfbfbf fdbfbfbfbf')]],
    ],
    [
      'impossible bytes',
      [
        ['fe', hex('fe')],
        ['ff', hex('ff')],
        ['fe fe ff ff', hex('fefeffff')],
      ],
    ],
    [
      'overlong "/"',
      [
        ['c0 af', hex('c0af')],
        ['e0 80 af', hex('e080af')],
        ['f0 80 80 af', hex('f08080af')],
        ['f8 80 80 80 af', hex('f8808080af')],
        ['fc 80 80 80 80 af', hex('fc80808080af')],
      ],
    ],
    [
      'maximum overlongs',
      [
        ['c1 bf', hex('c1bf')],
        ['e0 9f bf', hex('e09fbf')],
        ['f0 8f bf bf', hex('f08fbfbf')],
        ['f8 87 bf bf bf', hex('f887bfbfbf')],
        ['fc 83 bf bf bf bf', hex('fc83bfbfbfbf')],
      ],
    ],
    [
      'overlong NUL',
      [
        ['c0 80', hex('c080')],
        ['e0 80 80', hex('e08080')],
        ['f0 80 80 80', hex('f0808080')],
        ['f8 80 80 80 80', hex('f880808080')],
        ['fc 80 80 80 80 80', hex('fc8080808080')],
      ],
    ],
    [
      'single UTF-16 surrogates',
      [0xd800, 0xdb7f, 0xdb80, 0xdbff, 0xdc00, 0xdf80, 0xdfff].map(
        (cp) => [`U+${cp.toString(16).toUpperCase()}`, enc(cp)] as [string, Buffer],
      ),
    ],
    [
      'paired UTF-16 surrogates',
      (
        [
          [0xd800, 0xdc00],
          [0xd800, 0xdfff],
          [0xdb7f, 0xdc00],
          [0xdb7f, 0xdfff],
          [0xdb80, 0xdc00],
          [0xdb80, 0xdfff],
          [0xdbff, 0xdc00],
          [0xdbff, 0xdfff],
        ] as const
      ).map(
        ([h, l]) =>
          [
            `U+${h.toString(16).toUpperCase()} U+${l.toString(16).toUpperCase()}`,
            Buffer.concat([enc(h), enc(l)]),
          ] as [string, Buffer],
      ),
    ],
    [
      'noncharacters (valid UTF-8)',
      Array.from({ length: 17 }, (_, plane) =>
        [0xfffe, 0xffff].map(
          (low) =>
            [
              `U+${(plane * 0x10000 + low).toString(16).toUpperCase()}`,
              enc(plane * 0x10000 + low),
            ] as [string, Buffer],
        ),
      ).flat(),
    ],
    [
      'special code points',
      [
        ['U+FFFD', enc(0xfffd)],
        ['U+FEFF BOM', enc(0xfeff)],
        ['U+200B', enc(0x200b)],
        ['U+2028 U+2029', Buffer.concat([enc(0x2028), enc(0x2029)])],
        ['U+FDD0..U+FDEF', Buffer.concat(Array.from({ length: 32 }, (_, i) => enc(0xfdd0 + i)))],
        ['U+F8FF', enc(0xf8ff)],
        ['NUL in text', Buffer.from('a\u0000b', 'utf8')],
      ],
    ],
  ];
  groups.forEach(([what, vectors], g) => {
    vectors.forEach(([name, bytes], i) => {
      out.push(single(`6.${7 + g}.${i + 1}`, `${what}: ${name}`, bytes));
    });
  });
  return out;
}

function lonely(from: number, to: number): Buffer {
  const out: number[] = [];
  for (let b = from; b <= to; b++) out.push(b, 0x20);
  return Buffer.from(out);
}
