/** `pnpm --filter @wampkit/serializers generate:flatbuffers`: rewrites src/flatbuffers/generated/. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedDir, generateFlatbuffersCode } from './flatbuffers-codegen.ts';

rmSync(generatedDir, { recursive: true, force: true });
for (const [path, content] of generateFlatbuffersCode()) {
  const target = join(generatedDir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}
console.error(`wrote ${generatedDir}`);
