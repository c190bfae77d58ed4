/** The committed flatc output must equal a fresh `flatc` run on the shared WAMP schema. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generateFlatbuffersCode, readCommittedCode } from '../scripts/flatbuffers-codegen.js';

describe('flatbuffers generated code', () => {
  it('flatc is installed (Debian flatbuffers-compiler)', () => {
    expect(execFileSync('flatc', ['--version']).toString()).toMatch(/flatc version/);
  });

  it('regenerates byte-identical to src/flatbuffers/generated', () => {
    const fresh = generateFlatbuffersCode();
    const committed = readCommittedCode();
    expect([...committed.keys()]).toEqual([...fresh.keys()]);
    for (const [path, content] of fresh) expect(committed.get(path), path).toBe(content);
  });
});
