import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (part: string): string => fileURLToPath(new URL(`./${part}/src/index.ts`, import.meta.url));

// Tests run against the sources, so a test never sees a stale build.
export default defineConfig({
  resolve: {
    alias: {
      '@nemid-sim/core': src('core'),
      '@nemid-sim/pskc': src('pskc'),
      '@nemid-sim/key-card': src('key-card'),
      '@nemid-sim/device-sim': src('device-sim'),
      '@nemid-sim/server-verifier': src('server-verifier'),
      '@nemid-sim/cli': src('cli'),
    },
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: the GC-counting and database tests must not fight a full worker pool.
    maxWorkers: 2,
  },
});
