/**
 * Run in a child process by allocation.test.ts with a 1 MB young generation: counts the garbage
 * collections during runs of engine calls, one run per algorithm. 2^18 calls of each kind are
 * enough: if a call allocated even the smallest heap object (8 bytes), they would fill the young
 * generation twice over and show up as scavenges. `leak` keeps one boxed number per call (about
 * the smallest allocation a call could make) to show that the count then goes up.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { type Algorithm, createOtpEngine, type OtpEngine } from '../../core/src/index.js';

/** global.gc, given by --expose-gc (runGcProbe passes it). */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the probe with --expose-gc');
  gc();
}

const CALLS = 2 ** 18;
const WARM_UP = 30_000;
const algorithms = (process.argv[2] ?? 'sha1,sha256,sha512').split(',') as Algorithm[];
const base = Number(process.argv[3] ?? 0);
const leak = process.argv[4] === 'leak';

const gcStarts: number[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcStarts.push(entry.startTime);
});
observer.observe({ entryTypes: ['gc'] });

// Holds strings, so a number stored in it is boxed on the heap (an array of numbers would not be).
const kept: unknown[] = new Array(1024).fill('');

// One loop per kind of call, as a caller's hot loop would be, so the engine call is inlined.
function runHotp(engine: OtpEngine, n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    sink = (sink + engine.hotp(base + i, 6)) | 0;
    if (leak) kept[i & 1023] = base + i + 0.5;
  }
  return sink;
}

function runTotp(engine: OtpEngine, n: number): number {
  let sink = 0;
  // Real Unix times are beyond V8's small-integer range, so they travel as doubles.
  for (let i = 0; i < n; i++) sink = (sink + engine.totp(1_750_000_000 + 30 * i, 30, 6)) | 0;
  return sink;
}

function runFind(engine: OtpEngine, n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) sink = (sink + engine.findHotp(i % 1_000_000, base + i, 1, 6)) | 0;
  return sink;
}

const run = (engine: OtpEngine, n: number): number =>
  runHotp(engine, n) ^ runTotp(engine, n) ^ runFind(engine, n);

interface Measured {
  algorithm: Algorithm;
  /** Calls of each kind: hotp, totp, and findHotp over a window of 2 counters. */
  calls: number;
  gcs: number;
  /** Derived from every code, so no call can be optimised away. */
  sink: number;
}

function measure(algorithm: Algorithm): Promise<Measured> {
  const engine = createOtpEngine(new Uint8Array(20).fill(7), algorithm);
  // Warm up until the optimising compiler has taken every path.
  run(engine, WARM_UP);
  return new Promise((resolve) =>
    setTimeout(() => {
      // Start with an empty young generation, so what the warm-up left there cannot tip one
      // stray allocation of the runtime's into a scavenge; a real leak still fills it many times.
      collectGarbage();
      const start = performance.now();
      const sink = run(engine, CALLS);
      const end = performance.now();
      // GC entries are delivered asynchronously; wait for any that happened inside the run.
      setTimeout(() => {
        const gcs = gcStarts.filter((t) => t >= start && t <= end).length;
        resolve({ algorithm, calls: CALLS, gcs, sink });
      }, 100);
    }, 50),
  );
}

const results: Measured[] = [];
for (const algorithm of algorithms) results.push(await measure(algorithm));
observer.disconnect();
process.stdout.write(`${JSON.stringify(results)}\n`);
