import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./gc-probe.ts', import.meta.url));

interface ProbeResult {
  gcs: number;
  hotpCalls: number;
  findCalls: number;
  totpCalls: number;
}

function runProbe(args: string[]): ProbeResult {
  const r = spawnSync(
    process.execPath,
    // A 1 MB semi-space: a single 16-byte allocation per call would force thousands of scavenges.
    ['--max-semi-space-size=1', '--min-semi-space-size=1', '--import', 'tsx', probe, ...args],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (r.status !== 0) throw new Error(`gc probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as ProbeResult;
}

describe('the core allocates nothing after construction', () => {
  it('5 million hotp, 5 million totp (at real Unix times) and 1 million window-100 findHotp calls (SHA-1) trigger no garbage collection', () => {
    const r = runProbe(['sha1', '5000000', '1000000', '0']);
    expect(r.hotpCalls).toBe(5_000_000);
    expect(r.findCalls).toBe(1_000_000);
    expect(r.totpCalls).toBe(5_000_000);
    expect(r.gcs).toBe(0);
  }, 300_000);

  it.each(['sha256', 'sha512'])(
    '%s engines with counters beyond 2^32 allocate nothing either',
    (alg) => {
      const r = runProbe([alg, '1000000', '20000', String(2 ** 40)]);
      expect(r.gcs).toBe(0);
    },
    300_000,
  );

  it('the probe does see allocations (the test can fail)', () => {
    // The same probe run with a deliberately allocating engine call must count collections.
    const r = spawnSync(
      process.execPath,
      [
        '--max-semi-space-size=1',
        '-e',
        `const {PerformanceObserver}=require('node:perf_hooks');let n=0;new PerformanceObserver(l=>{n+=l.getEntries().length}).observe({entryTypes:['gc']});
         let keep;for(let i=0;i<2e6;i++){keep={i,s:String(i)}}setTimeout(()=>console.log(n),200);`,
      ],
      { encoding: 'utf8' },
    );
    expect(Number(r.stdout.trim())).toBeGreaterThan(0);
  });
});
