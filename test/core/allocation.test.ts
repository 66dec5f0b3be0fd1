import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./gc-probe.ts', import.meta.url));
const CALLS = 2 ** 18;

interface Measured {
  algorithm: string;
  calls: number;
  gcs: number;
  sink: number;
}

/** Runs gc-probe.ts with a 1 MB young generation, where any allocation per call forces scavenges. */
function runProbe(args: string[]): Measured[] {
  const r = spawnSync(
    process.execPath,
    [
      '--max-semi-space-size=1',
      '--min-semi-space-size=1',
      // Optimise on the main thread: on a loaded machine a background compile can finish late,
      // and the interpreter's boxed numbers before it would be counted against the core.
      '--no-concurrent-recompilation',
      '--no-concurrent-osr',
      '--import',
      'tsx',
      probe,
      ...args,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`gc probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '[]') as Measured[];
}

// 2^18 calls of each kind: an allocation of even 8 bytes per call would fill the 1 MB young
// generation twice over. The second test shows that one small allocation per call is seen.
describe('the core allocates nothing after construction', () => {
  it('2^18 hotp, totp (at real Unix times) and findHotp calls per algorithm, counters beyond 2^32, trigger no garbage collection', () => {
    const results = runProbe(['sha1,sha256,sha512', String(2 ** 40)]);
    expect(results.map(({ algorithm, calls, gcs }) => ({ algorithm, calls, gcs }))).toEqual(
      ['sha1', 'sha256', 'sha512'].map((algorithm) => ({ algorithm, calls: CALLS, gcs: 0 })),
    );
  });

  it('the probe does see allocations: one boxed number per call is counted (the test can fail)', () => {
    const [sha1] = runProbe(['sha1', '0', 'leak']);
    expect(sha1.calls).toBe(CALLS);
    expect(sha1.gcs).toBeGreaterThan(0);
  });
});
