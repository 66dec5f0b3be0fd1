import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/helpers/slow-first-sequencer.js';

const src = (file: string): string => fileURLToPath(new URL(`./${file}`, import.meta.url));
const pkg = (name: string, file: string) => ({
  find: new RegExp(`^@nemid-sim/${name}$`),
  replacement: src(file),
});

// Tests run against the sources, so a test never sees a stale build.
export default defineConfig({
  resolve: {
    alias: [
      pkg('core', 'core/src/index.ts'),
      pkg('pskc', 'pskc/src/index.ts'),
      pkg('key-card', 'key-card/src/index.ts'),
      pkg('device-sim', 'device-sim/src/index.ts'),
      pkg('server-verifier', 'server-verifier/src/index.ts'),
      pkg('server-verifier/sqlite', 'server-verifier/src/sqlite.ts'),
      pkg('server-verifier/postgres', 'server-verifier/src/postgres.ts'),
      pkg('server-verifier/http', 'server-verifier/src/http.ts'),
      pkg('cli', 'cli/src/index.ts'),
      pkg('demo', 'demo/src/index.ts'),
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: the GC-counting and database tests must not fight a full worker pool.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    // Files share their worker's module cache: the sources and their dependencies (Fastify, ink,
    // pdf-lib...) are imported once per worker instead of once per file, which took a third of the
    // run's time. No test changes module state another relies on; the GC-counting probes run in
    // child processes of their own.
    isolate: false,
  },
});
