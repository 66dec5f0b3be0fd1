/**
 * Run in a child process by allocation.test.ts with a 1 MB young generation: counts garbage
 * collections while the firmware runs (time advancing, presses, the display going to sleep), once
 * per mode. 2^18 steps are enough: an allocation of even 8 bytes per step would fill the young
 * generation twice over and show up as scavenges. `snapshot` also saves the state every step,
 * which allocates: it shows the probe can fail.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { createDevice, type OtpMode } from '../../device-sim/src/index.js';

/** global.gc, given by --expose-gc (runGcProbe passes it). */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the probe with --expose-gc');
  gc();
}

const STEPS = 2 ** 18;
const WARM_UP = 50_000;
const modes = (process.argv[2] ?? 'totp,hotp').split(',') as OtpMode[];
const allocate = process.argv[3] === 'snapshot';

const gcStarts: number[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcStarts.push(entry.startTime);
});
observer.observe({ entryTypes: ['gc'] });

const kept: unknown[] = new Array(1024);

function makeDevice(mode: OtpMode) {
  return createDevice({
    secret: new Uint8Array(20).fill(7),
    startUnix: 1_767_225_600,
    mode,
    seed: 5,
    cell: 'cr2032',
    // No drain: this many presses would otherwise flatten the cell and stop the work.
    loads: { sleepMicroamps: 0, displayMicroamps: 0, burstMilliamps: 0 },
  });
}

function run(device: ReturnType<typeof makeDevice>, n: number): number {
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

interface Measured {
  mode: OtpMode;
  steps: number;
  presses: number;
  gcs: number;
  sink: number;
}

function measure(mode: OtpMode): Promise<Measured> {
  const device = makeDevice(mode);
  run(device, WARM_UP);
  const pressesBefore = device.presses;
  return new Promise((resolve) =>
    setTimeout(() => {
      // Start with an empty young generation, so what the warm-up left there cannot tip one
      // stray allocation of the runtime's into a scavenge; a real leak still fills it many times.
      collectGarbage();
      const start = performance.now();
      const sink = run(device, STEPS);
      const end = performance.now();
      // GC entries are delivered asynchronously; wait for any that happened inside the run.
      setTimeout(() => {
        const gcs = gcStarts.filter((t) => t >= start && t <= end).length;
        resolve({ mode, steps: STEPS, presses: device.presses - pressesBefore, gcs, sink });
      }, 100);
    }, 50),
  );
}

const results: Measured[] = [];
for (const mode of modes) results.push(await measure(mode));
observer.disconnect();
process.stdout.write(`${JSON.stringify(results)}\n`);
