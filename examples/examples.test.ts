/**
 * Every Node example runs to exit 0 against the embedded router it starts, printing what its
 * README line promises. The browser examples (browser-script-tag/, vite/) run in Chromium in
 * browser-tests/examples.spec.ts, on the bundles `rollup -c` and Vite build.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function runExample(
  file: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=wampkit-source', '--import', 'tsx', join('examples', file)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const EXAMPLES: Array<[file: string, expected: RegExp[]]> = [
  [
    'echo/demo.ts',
    [
      /subprotocol=wamp\.2\.json/,
      /client: pong "are you there\?"/,
      /echo text\(10\) "fragmented"/,
      /closed code=1000 clean=true/,
    ],
  ],
  [
    'wamp/demo.ts',
    [
      /event received on com\.myapp\.hello: "Hello, world!"/,
      /called com\.myapp\.add2\(2, 3\) = 5/,
      /left the realm/,
    ],
  ],
  [
    'auth/demo.ts',
    [
      /anonymous: joined as authid=\S+ authrole=guest/,
      /ticket: joined as authid=joe authrole=user/,
      /wampcra: joined as authid=peter authrole=user/,
      /scram: joined as authid=alice authrole=admin/,
      /cryptosign: joined as authid=device1 authrole=device/,
      /wrong ticket: refused with wamp\.error\.\w+/,
    ],
  ],
  [
    'basic/demo.ts',
    [
      /joined sessions \d+ and \d+/,
      /divide\(10, 4\) = 2\.5/,
      /divide\(1, 0\) failed: com\.example\.division_by_zero cannot divide by 0/,
      /event: \["hello from basic"\]/,
      /left: wamp\.close\.goodbye_and_out/,
    ],
  ],
  [
    'progressive/demo.ts',
    [
      /progress: 3\nprogress: 2\nprogress: 1\nfinal: "liftoff"/,
      /stopping after the first result \(1000\)/,
    ],
  ],
  [
    'cancel/demo.ts',
    [
      /callee: interrupted, stopping the job\ncaller: call rejected with CanceledError \(wamp\.error\.canceled\)/,
      /deadline passed, call rejected with CanceledError/,
    ],
  ],
  [
    'component/demo.ts',
    [
      /call 1: hello, first router/,
      /component: left \(wamp\.close\.system_shutdown\)/,
      /state: joined -> waiting \(next attempt in \d+ ms\)/,
      /call 2: hello, second router/,
      /state: joined -> stopped/,
    ],
  ],
];

describe('examples', () => {
  it.each(EXAMPLES)('%s runs to exit 0', async (file, expected) => {
    const r = await runExample(file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const pattern of expected) expect(r.stdout).toMatch(pattern);
  });
});
