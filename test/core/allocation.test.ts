import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runGcProbe } from '../helpers/gc-probe.js';

const probe = fileURLToPath(new URL('./gc-probe.ts', import.meta.url));
const CALLS = 2 ** 18;

interface Measured {
  algorithm: string;
  calls: number;
  gcs: number;
  sink: number;
}

const runProbe = (args: string[]) => runGcProbe<Measured>(probe, args);

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
