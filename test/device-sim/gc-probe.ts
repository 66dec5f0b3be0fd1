/**
 * Run in a child process by allocation.test.ts with a tiny young generation: counts garbage
 * collections while the firmware runs (time advancing, presses, the display going to sleep). Any allocation per step would fill the young generation within
 * milliseconds and show up as scavenges.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { createDevice } from '../../device-sim/src/index.js';

const mode = process.argv[2] === 'hotp' ? 'hotp' : 'totp';
// 'snapshot' also saves the state every step, which allocates: it shows the probe can fail.
const allocate = process.argv[4] === 'snapshot';
const steps = Number(process.argv[3] ?? 1_000_000);

const gcStarts: number[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcStarts.push(entry.startTime);
});
observer.observe({ entryTypes: ['gc'] });

const device = createDevice({
  secret: new Uint8Array(20).fill(7),
  startUnix: 1_767_225_600,
  mode,
  seed: 5,
  cell: 'cr2032',
  // No drain: a million presses would otherwise flatten the cell and stop the work.
  loads: { sleepMicroamps: 0, displayMicroamps: 0, burstMilliamps: 0 },
});

const kept: unknown[] = new Array(1024);

function run(n: number): number {
  let sink = 0;
  let t = device.trueUnix;
  for (let i = 0; i < n; i++) {
    t += 17 + (i & 63);
    device.advanceTo(t);
    sink = (sink + device.press(t)) | 0;
    sink = (sink + device.displayedCode + (device.state === 'showing' ? 1 : 0)) | 0;
    sink = (sink + device.displaySecondsLeft + (device.lowBattery ? 1 : 0)) | 0;
    if (allocate) kept[i & 1023] = device.snapshot();
  }
  return sink;
}

run(200_000);

setTimeout(() => {
  const start = performance.now();
  const sink = run(steps);
  const end = performance.now();
  setTimeout(() => {
    observer.disconnect();
    const gcs = gcStarts.filter((t) => t >= start && t <= end).length;
    process.stdout.write(`${JSON.stringify({ gcs, steps, presses: device.presses, sink })}\n`);
  }, 200);
}, 200);
