/**
 * Reads a V8 .cpuprofile of a WAMP benchmark client (BENCH_CPU_PROF=<dir> pnpm bench wamp) and
 * prints where the time went from the first sample that ran `--from <function>` on (default
 * `measure`, the caller's loop; use `countInvocation` for a callee, `countEvent` for a
 * subscriber), skipping start-up and module loading:
 *   - self time per function and per source file, in ms and, with `--per <count>`, in µs per
 *     call (count = the calls or events the process handled in that stretch);
 *   - inclusive (total) time of the functions named with `--inclusive a,b,c`.
 *   node --import tsx bench/wamp/profile-report.ts <file.cpuprofile> [--from measure]
 *     [--per 60000] [--top 30] [--inclusive onResult,serialize]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const file = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
if (!file) throw new Error('usage: profile-report.ts <file.cpuprofile> [--from fn] [--per n]');
const from = option('from') ?? 'measure';
const per = Number(option('per') ?? Number.NaN);
const top = Number(option('top') ?? 30);
const inclusiveNames = (option('inclusive') ?? '').split(',').filter((x) => x !== '');

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const f = n.callFrame;
  const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};
const stackOf = (id: number): ProfileNode[] => {
  const stack: ProfileNode[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    stack.push(byId.get(cur)!);
  }
  return stack;
};

const self = new Map<string, number>();
const files = new Map<string, number>();
const inclusive = new Map<string, number>();
let started = false;
let busy = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  // timeDeltas[i] is the time since the previous sample: charge it to this sample.
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  const stack = stackOf(id);
  if (!started) {
    if (!stack.some((n) => n.callFrame.functionName === from)) continue;
    started = true;
  }
  const leaf = stack[0]!;
  if (leaf.callFrame.functionName === '(idle)') {
    idle += dt;
    continue;
  }
  busy += dt;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
  const fileName = leaf.callFrame.url
    ? basename(leaf.callFrame.url)
    : `(${leaf.callFrame.functionName})`;
  files.set(fileName, (files.get(fileName) ?? 0) + dt);
  const seen = new Set<string>();
  for (const n of stack) {
    const name = n.callFrame.functionName;
    if (inclusiveNames.includes(name) && !seen.has(name)) {
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
    }
  }
}
if (!started) throw new Error(`no sample runs ${from}`);

const show = (ms: number) =>
  `${ms.toFixed(1).padStart(8)} ms ${((ms * 100) / busy).toFixed(1).padStart(5)}%` +
  (Number.isFinite(per) ? ` ${((ms * 1000) / per).toFixed(2).padStart(7)} µs/op` : '');
console.log(
  `${basename(file)}: from ${from}: busy ${busy.toFixed(0)} ms, idle ${idle.toFixed(0)} ms`,
);
if (Number.isFinite(per))
  console.log(`busy per op: ${((busy * 1000) / per).toFixed(2)} µs (${per} ops)`);
console.log('\nself time by function');
for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${show(ms)}  ${name}`);
console.log('\nself time by file');
for (const [name, ms] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`${show(ms)}  ${name}`);
if (inclusive.size > 0) {
  console.log('\ninclusive time');
  for (const name of inclusiveNames) console.log(`${show(inclusive.get(name) ?? 0)}  ${name}`);
}
