/** Builds conformance/report.json: per-role totals, per-category totals, and every case. */
import type { CaseResult } from './runner.js';

export interface RoleTotals {
  total: number;
  OK: number;
  NON_STRICT: number;
  FAILED: number;
  /** Per top-level category ("1", "2", ..., "13"): the same three counts. */
  categories: Record<string, { OK: number; NON_STRICT: number; FAILED: number }>;
}

export interface Report {
  generated: string;
  roles: Record<string, RoleTotals>;
  cases: Array<{
    id: string;
    role: string;
    description: string;
    verdict: string;
    detail: string;
    closeCode: number | null;
    wasClean: boolean;
  }>;
}

/** Orders ids numerically part by part ("6.10.2" after "6.9.1"). */
export function compareIds(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export function buildReport(results: CaseResult[]): Report {
  const roles: Record<string, RoleTotals> = {};
  for (const r of results) {
    const t = roles[r.role] ?? { total: 0, OK: 0, NON_STRICT: 0, FAILED: 0, categories: {} };
    roles[r.role] = t;
    const key = r.verdict === 'NON-STRICT' ? 'NON_STRICT' : r.verdict;
    t.total++;
    t[key]++;
    const cat = r.id.split('.')[0]!;
    const ct = t.categories[cat] ?? { OK: 0, NON_STRICT: 0, FAILED: 0 };
    t.categories[cat] = ct;
    ct[key]++;
  }
  const sorted = [...results].sort((a, b) =>
    a.role === b.role ? compareIds(a.id, b.id) : a.role === 'server' ? -1 : 1,
  );
  return {
    generated: new Date().toISOString(),
    roles,
    cases: sorted.map((r) => ({
      id: r.id,
      role: r.role,
      description: r.description,
      verdict: r.verdict,
      detail: r.detail,
      closeCode: r.closeCode,
      wasClean: r.wasClean,
    })),
  };
}
