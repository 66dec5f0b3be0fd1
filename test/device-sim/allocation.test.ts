import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./gc-probe.ts', import.meta.url));

function runProbe(mode: string, steps: number, extra = ''): { gcs: number; steps: number; presses: number } {
  const r = spawnSync(
    process.execPath,
    [
      '--max-semi-space-size=1',
      '--min-semi-space-size=1',
      '--import',
      'tsx',
      probe,
      mode,
      String(steps),
      extra,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (r.status !== 0) throw new Error(`gc probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
}

describe('the firmware allocates nothing while running', () => {
  it.each(['totp', 'hotp'])(
    '%s: a million steps of advancing time, pressing and reading the display trigger no garbage collection',
    (mode) => {
      const r = runProbe(mode, 1_000_000);
      expect(r.steps).toBe(1_000_000);
      expect(r.presses).toBe(1_200_000);
      expect(r.gcs).toBe(0);
    },
    300_000,
  );

  it('the probe does see allocations (the test can fail)', () => {
    expect(runProbe('totp', 200_000, 'snapshot').gcs).toBeGreaterThan(0);
  }, 300_000);
});
