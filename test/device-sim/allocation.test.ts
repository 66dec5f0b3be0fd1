import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./gc-probe.ts', import.meta.url));
const STEPS = 2 ** 18;

interface Measured {
  mode: string;
  steps: number;
  presses: number;
  gcs: number;
}

/** Runs gc-probe.ts with a 1 MB young generation, where any allocation per step forces scavenges. */
function runProbe(args: string[]): Measured[] {
  const r = spawnSync(
    process.execPath,
    [
      '--max-semi-space-size=1',
      '--min-semi-space-size=1',
      // Optimise on the main thread: on a loaded machine a background compile can finish late,
      // and the interpreter's boxed numbers before it would be counted against the device.
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

// 2^18 steps: an allocation of even 8 bytes per step would fill the 1 MB young generation twice
// over. The second test shows that an allocating step is seen.
describe('the firmware allocates nothing while running', () => {
  it('2^18 steps of advancing time, pressing and reading the display (TOTP and HOTP) trigger no garbage collection', () => {
    const results = runProbe(['totp,hotp']);
    expect(results.map(({ mode, steps, presses, gcs }) => ({ mode, steps, presses, gcs }))).toEqual(
      ['totp', 'hotp'].map((mode) => ({ mode, steps: STEPS, presses: STEPS, gcs: 0 })),
    );
  });

  it('the probe does see allocations (the test can fail)', () => {
    const [totp] = runProbe(['totp', 'snapshot']);
    expect(totp.steps).toBe(STEPS);
    expect(totp.gcs).toBeGreaterThan(0);
  });
});
