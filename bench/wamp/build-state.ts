/**
 * Which code of our packages the benchmark runs: `dist` (tsc output, what users install) when
 * every source file of the packages involved has an output at least as new as itself, else the
 * TypeScript sources through tsx (`source`). BENCH_WAMPKIT=dist|source forces a choice.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export type CodeFrom = 'dist' | 'source';

/** The workspace packages a client or the router loads. */
const PACKAGES = ['framing', 'serializers', 'session', 'wampkit', 'router'];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Source files whose dist/ output is missing or older; empty when dist/ is up to date. */
export function staleOutputs(root: string): string[] {
  const stale: string[] = [];
  for (const name of PACKAGES) {
    const src = join(root, 'packages', name, 'src');
    for (const file of tsFiles(src)) {
      const out = join(root, 'packages', name, 'dist', relative(src, file).replace(/\.ts$/, '.js'));
      let outTime: number;
      try {
        outTime = statSync(out).mtimeMs;
      } catch {
        stale.push(relative(root, file));
        continue;
      }
      if (outTime < statSync(file).mtimeMs) stale.push(relative(root, file));
    }
  }
  return stale;
}

export function chooseCodeFrom(
  root: string,
  forced: string | undefined,
): { from: CodeFrom; note: string } {
  if (forced === 'source') return { from: 'source', note: 'sources through tsx (BENCH_WAMPKIT)' };
  const stale = staleOutputs(root);
  if (forced === 'dist') {
    if (stale.length > 0) {
      throw new Error(`BENCH_WAMPKIT=dist but dist/ is older than ${stale.join(', ')}: pnpm build`);
    }
    return { from: 'dist', note: 'dist/ (BENCH_WAMPKIT)' };
  }
  if (forced !== undefined && forced !== '') {
    throw new RangeError(`BENCH_WAMPKIT must be dist or source, not ${forced}`);
  }
  if (stale.length === 0) return { from: 'dist', note: 'dist/ (up to date)' };
  return {
    from: 'source',
    note: `sources through tsx: dist/ is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ` and ${stale.length - 3} more` : ''} (pnpm build to measure dist)`,
  };
}
