/**
 * The WebSocket conformance suite (issue 2) as a test: every case in both roles over real
 * loopback sockets; any FAILED case fails the test. A second test checks that the suite can fail:
 * with automatic Pongs switched off, or a 1 MiB message limit, our endpoint deviates from the
 * expected behaviour and the affected cases must come out FAILED.
 */
import { describe, expect, it } from 'vitest';
import { type CaseResult, runConformance } from './runner.js';

const summarize = (rs: CaseResult[]): string[] =>
  rs.filter((r) => r.verdict === 'FAILED').map((r) => `${r.role} ${r.id}: ${r.detail}`);

describe('WebSocket conformance (Autobahn-style, categories 1-7, 9, 10, 12, 13)', () => {
  it('passes every case in the server and client roles', { timeout: 170_000 }, async () => {
    const results = await runConformance();
    const byRole = (role: string) => results.filter((r) => r.role === role);
    expect(byRole('server').length).toBeGreaterThanOrEqual(300);
    expect(byRole('client').length).toBeGreaterThanOrEqual(300);
    expect(summarize(results)).toEqual([]);
  });

  it('reports FAILED when the endpoint deviates', { timeout: 60_000 }, async () => {
    const noPong = await runConformance({
      filter: ['2.1', '2.4', '5.6'],
      endpointOptions: { autoPong: false },
    });
    expect(noPong.map((r) => `${r.role} ${r.id} ${r.verdict}`)).toEqual([
      'server 2.1 FAILED',
      'server 2.4 FAILED',
      'server 5.6 FAILED',
      'client 2.1 FAILED',
      'client 2.4 FAILED',
      'client 5.6 FAILED',
    ]);
    const small = await runConformance({
      filter: ['9.1.3', '9.2.4'],
      endpointOptions: { maxMessageSize: 1024 * 1024 },
    });
    // 1 MiB is within the limit, 4 MiB is not: the endpoint closes with 1009 instead of echoing.
    expect(small.map((r) => `${r.role} ${r.id} ${r.verdict}`)).toEqual([
      'server 9.1.3 OK',
      'server 9.2.4 FAILED',
      'client 9.1.3 OK',
      'client 9.2.4 FAILED',
    ]);
    expect(small.find((r) => r.id === '9.2.4')?.closeCode).toBe(1009);
  });
});
