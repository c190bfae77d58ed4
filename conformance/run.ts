/**
 * `pnpm conformance [case-prefix...] [--role=server|client]`: runs the WebSocket conformance
 * suite against our engine in both roles and writes conformance/report.json (stable ordering;
 * the only time-dependent field is "generated"). Exits 1 when any case FAILED.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReport } from './report.js';
import { type Role, runConformance } from './runner.js';

const args = process.argv.slice(2);
const roleArg = args.find((a) => a.startsWith('--role='))?.slice('--role='.length);
const filter = args.filter((a) => !a.startsWith('--'));
const roles: Role[] =
  roleArg === 'server' || roleArg === 'client' ? [roleArg] : ['server', 'client'];

const t0 = performance.now();
const results = await runConformance({
  roles,
  ...(filter.length > 0 ? { filter } : {}),
  onResult: (r) => {
    if (r.verdict !== 'OK') console.error(`${r.role} ${r.id} ${r.verdict}: ${r.detail}`);
  },
});
const seconds = (performance.now() - t0) / 1000;
const report = buildReport(results);
const out = join(dirname(fileURLToPath(import.meta.url)), 'report.json');
if (filter.length === 0 && roles.length === 2)
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
for (const [role, t] of Object.entries(report.roles)) {
  console.error(
    `${role}: ${t.total} cases, ${t.OK} OK, ${t.NON_STRICT} NON-STRICT, ${t.FAILED} FAILED`,
  );
}
console.error(
  `took ${seconds.toFixed(1)} s${filter.length === 0 && roles.length === 2 ? `; wrote ${out}` : ''}`,
);
process.exit(results.some((r) => r.verdict === 'FAILED') ? 1 : 0);
