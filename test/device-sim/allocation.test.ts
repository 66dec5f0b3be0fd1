import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runGcProbe } from '../helpers/gc-probe.js';

const probe = fileURLToPath(new URL('./gc-probe.ts', import.meta.url));
const STEPS = 2 ** 18;

interface Measured {
  mode: string;
  steps: number;
  presses: number;
  gcs: number;
}

const runProbe = (args: string[]) => runGcProbe<Measured>(probe, args);

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
