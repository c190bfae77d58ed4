import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources: every package exports a `wampkit-source` condition
// that points at src/, so no build is needed between an edit and a test run.
const conditions = ['wampkit-source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['wampkit-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'conformance/**/*.test.ts', 'examples/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
