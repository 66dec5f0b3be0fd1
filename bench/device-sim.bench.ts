/**
 * Device-sim benchmark: how fast `nemid device life` simulates a token from new until its battery
 * dies, in simulated device-years per second of real time. The simulation is event-driven: one
 * step per press (display on for its 30 s to the second, a code computed with the core) and one
 * per day (a voltage sample); the battery drain and the clock error between events are exact
 * integrals, so the clock is right to far better than a minute. Target: a 10-year life in under
 * one second. Also: raw firmware presses per second, and garbage collections during the run.
 *
 * Re-run: npm run bench -- device-sim   (or: npx tsc -b && npx tsx bench/device-sim.bench.ts)
 */
import { type LifeOptions, simulateLife } from '@nemid-sim/device-sim';
import { countGcs, formatRate, keep, median } from './harness.js';

interface Scenario {
  name: string;
  options: LifeOptions;
}

const scenarios: Scenario[] = [
  { name: 'CR2032, 3 presses/day, 25 °C (the 10-year life)', options: { pressesPerDay: 3, cell: 'cr2032' } },
  { name: 'CR2032, 20 presses/day, 25 °C', options: { pressesPerDay: 20, cell: 'cr2032' } },
  { name: 'CR2016, 3 presses/day, 25 °C (default cell)', options: { pressesPerDay: 3 } },
  { name: 'CR2016, 20 presses/day, 25 °C', options: { pressesPerDay: 20 } },
  { name: 'CR2016, 20 presses/day, -10 °C', options: { pressesPerDay: 20, temperatureC: -10 } },
  { name: 'CR2032, 200 presses/day, 25 °C', options: { pressesPerDay: 200, cell: 'cr2032' } },
];

function timeLife(options: LifeOptions, rounds: number): { ms: number; years: number; presses: number } {
  const samples: number[] = [];
  let years = 0;
  let presses = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const r = simulateLife({ ...options, seed: i });
    samples.push(performance.now() - t0);
    years = r.years;
    presses = r.presses;
    keep(r.presses);
  }
  return { ms: median(samples), years, presses };
}

// Warm-up so every scenario runs optimised code.
for (const s of scenarios) timeLife(s.options, 3);

const rows: string[] = [
  '| scenario | simulated life | presses | time per life (median of 15) | device-years/s |',
  '|---|---:|---:|---:|---:|',
];
for (const s of scenarios) {
  const { ms, years, presses } = timeLife(s.options, 15);
  rows.push(
    `| ${s.name} | ${years.toFixed(2)} y | ${presses.toLocaleString('en')} | ${ms.toFixed(1)} ms | ${Math.round((years / ms) * 1000).toLocaleString('en')} |`,
  );
}
process.stdout.write(`${rows.join('\n')}\n\n`);

const gcs = await countGcs(() => {
  for (let i = 0; i < 5; i++) keep(simulateLife({ pressesPerDay: 20, cell: 'cr2032', seed: i }).presses);
});
const t0 = performance.now();
let presses = 0;
for (let i = 0; i < 10; i++) presses += simulateLife({ pressesPerDay: 200, cell: 'cr2032', seed: i }).presses;
const pressRate = (presses * 1000) / (performance.now() - t0);
process.stdout.write(
  `Firmware presses in a life simulation (200/day, code + battery + display): ${formatRate(pressRate)}.\n` +
    `Garbage collections during 5 lives at 20 presses/day: ${gcs} (the result arrays are allocated once per life).\n` +
    `Node ${process.version}, ${process.platform}/${process.arch}.\n`,
);
