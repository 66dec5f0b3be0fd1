/**
 * Run in a child process by allocation.test.ts with a tiny young generation: counts the garbage
 * collections during a long run of engine calls. Any allocation per call would fill the young
 * generation within milliseconds and show up as scavenges.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { type Algorithm, createOtpEngine } from '../../core/src/index.js';

const algorithm = (process.argv[2] ?? 'sha1') as Algorithm;
const hotpCalls = Number(process.argv[3] ?? 5_000_000);
const findCalls = Number(process.argv[4] ?? 1_000_000);
const base = Number(process.argv[5] ?? 0);

const gcStarts: number[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcStarts.push(entry.startTime);
});
observer.observe({ entryTypes: ['gc'] });

const engine = createOtpEngine(new Uint8Array(20).fill(7), algorithm);

function runHotp(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) sink = (sink + engine.hotp(base + i, 6)) | 0;
  return sink;
}

function runFind(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) sink = (sink + engine.findHotp(i % 1_000_000, base + i, 100, 6)) | 0;
  return sink;
}

function runTotp(n: number): number {
  let sink = 0;
  // Real Unix times are beyond V8's small-integer range, so they travel as doubles.
  for (let i = 0; i < n; i++) sink = (sink + engine.totp(1_750_000_000 + i, 30, 6)) | 0;
  return sink;
}

// Warm up until the optimising compiler has taken both paths.
runHotp(300_000);
runFind(3_000);
runTotp(300_000);

setTimeout(() => {
  const start = performance.now();
  const sink = runHotp(hotpCalls) ^ runFind(findCalls) ^ runTotp(hotpCalls);
  const end = performance.now();
  // GC entries are delivered asynchronously; wait for any that happened inside the run.
  setTimeout(() => {
    observer.disconnect();
    const gcs = gcStarts.filter((t) => t >= start && t <= end).length;
    process.stdout.write(`${JSON.stringify({ gcs, hotpCalls, findCalls, totpCalls: hotpCalls, sink })}\n`);
  }, 200);
}, 200);
