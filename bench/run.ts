/**
 * `pnpm bench [name...]`: runs bench/<name>.bench.ts for each name given (all when none), each in
 * its own process so one benchmark's heap and JIT state cannot skew the next. The table each
 * bench prints on stderr streams through; its last stdout line (the JSON figures) is collected
 * into bench/results/latest.json with the machine, and drawn as bench/results/<name>.svg.
 * `pnpm bench --charts` only redraws the SVGs from latest.json (after a change to the charts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHARTS } from './lib/charts.js';
import { renderBarChart } from './lib/svg.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, 'results');
const latestPath = join(resultsDir, 'latest.json');
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const chartsOnly = process.argv.includes('--charts');
const wanted = process.argv.slice(2).filter((a) => a !== '--charts');
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: { model: cpus[0]?.model.trim() ?? 'unknown', count: cpus.length },
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${process.arch}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
}

/** Runs one bench; resolves with its last stdout line parsed as JSON (undefined on failure). */
function runBench(name: string): Promise<unknown> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=wampkit-source', '--import', 'tsx', join(here, `${name}.bench.ts`)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => {
      const last = stdout.trimEnd().split('\n').pop() ?? '';
      if (code !== 0) {
        console.error(`bench ${name} exited with code ${code}`);
        return resolve(undefined);
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        console.error(`bench ${name}: last stdout line is not JSON`);
        resolve(undefined);
      }
    });
  });
}

type Machine = ReturnType<typeof machine>;

/** Draws bench/results/<name>.svg from one bench's JSON line. */
function drawChart(name: string, json: Record<string, unknown>, ranOn: Machine): void {
  const toChart = CHARTS[name];
  if (!toChart) {
    console.error(`no chart for ${name} (add one in bench/lib/charts.ts)`);
    return;
  }
  const chart = toChart(json);
  chart.subtitle = `${chart.subtitle ?? ''} — ${ranOn.cpus.count}× ${ranOn.cpus.model}, Node ${ranOn.node}`;
  writeFileSync(join(resultsDir, `${name}.svg`), renderBarChart(chart));
}

if (chartsOnly) {
  const latest = JSON.parse(readFileSync(latestPath, 'utf8')) as {
    machine: Machine;
    benches: Record<string, Record<string, unknown>>;
  };
  for (const [name, json] of Object.entries(latest.benches)) drawChart(name, json, latest.machine);
  console.error(`redrew ${Object.keys(latest.benches).length} charts from ${latestPath}`);
  process.exit(0);
}

// A partial run (`pnpm bench size`) replaces its own entries and keeps the others.
const previous = existsSync(latestPath)
  ? (JSON.parse(readFileSync(latestPath, 'utf8')) as { benches?: Record<string, unknown> })
  : {};
const benches: Record<string, unknown> = { ...(previous.benches ?? {}) };
const ranOn = machine();
let failed = false;
mkdirSync(resultsDir, { recursive: true });
for (const name of wanted.length > 0 ? wanted : available) {
  console.error(`== bench ${name}`);
  const started = performance.now();
  const json = await runBench(name);
  console.error(`== bench ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (json === undefined) {
    failed = true;
    continue;
  }
  benches[name] = { ...(json as object), ranAt: new Date().toISOString() };
  drawChart(name, json as Record<string, unknown>, ranOn);
}
writeFileSync(latestPath, `${JSON.stringify({ machine: ranOn, benches }, null, 2)}\n`);
console.error(`wrote ${latestPath}`);
process.exit(failed ? 1 : 0);
