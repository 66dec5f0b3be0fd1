import { spawnSync } from 'node:child_process';

/**
 * Runs a GC-counting probe script in a child process with a 1 MB young generation, where any
 * allocation per call forces scavenges, and returns what it printed last (a JSON array).
 */
export function runGcProbe<T>(probe: string, args: readonly string[]): T[] {
  const r = spawnSync(
    process.execPath,
    [
      '--max-semi-space-size=1',
      '--min-semi-space-size=1',
      // Optimise on the main thread: on a loaded machine a background compile can finish late,
      // and the interpreter's boxed numbers before it would be counted against the code measured.
      '--no-concurrent-recompilation',
      '--no-concurrent-osr',
      // The probe empties the young generation before it measures.
      '--expose-gc',
      '--import',
      'tsx',
      probe,
      ...args,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`gc probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '[]') as T[];
}
