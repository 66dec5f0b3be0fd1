import { type CellName, DEFAULT_CELL } from './cells.js';
import { createDevice } from './device.js';
import type { OtpMode } from './firmware.js';
import type { LoadProfile } from './loads.js';
import { Xoshiro128 } from './prng.js';
import { SECONDS_PER_DAY, SECONDS_PER_YEAR } from './units.js';

export interface LifeOptions {
  /** Average presses a day; press times are a Poisson process (random, whole seconds). */
  readonly pressesPerDay: number;
  /** Default 25 degC. */
  readonly temperatureC?: number;
  readonly cell?: CellName;
  /** Seed for the crystal and the press times; default 0. */
  readonly seed?: number;
  /** Crystal tolerance and first-year ageing, ppm; default drawn from the seed. */
  readonly ppm?: number;
  readonly ageingPpm?: number;
  /** Default 'totp' (the mode only changes which code is computed, not the power drawn). */
  readonly mode?: OtpMode;
  readonly displaySeconds?: number;
  readonly loads?: Partial<LoadProfile>;
  /** Stop here if the cell has not died yet; default 50 years. */
  readonly maxYears?: number;
}

export interface LifeResult {
  readonly pressesPerDay: number;
  readonly temperatureC: number;
  readonly cell: CellName;
  readonly seed: number;
  readonly tolerancePpm: number;
  readonly ageingPpmFirstYear: number;
  /** Years from new to a blank display (or to `maxYears`, see `endedBy`). */
  readonly years: number;
  /** Years from new to the first press that showed the low-battery mark; null if none did. */
  readonly lowBatteryYears: number | null;
  /** How far the device clock was ahead of true time at the end, seconds (negative: behind). */
  readonly clockDriftSeconds: number;
  readonly presses: number;
  /** 'exhausted': the charge ran out; 'brown-out': a press burst pulled the voltage under the MCU's minimum. */
  readonly endedBy: 'exhausted' | 'brown-out' | 'limit';
  /**
   * Daily samples (and one at the end): time in years, rest voltage, voltage under the press burst,
   * and how far the device clock is ahead of true time (seconds; negative: behind).
   */
  readonly sampleYears: Float64Array;
  readonly sampleVolts: Float64Array;
  readonly sampleLoadedVolts: Float64Array;
  readonly sampleDriftSeconds: Float64Array;
  readonly lowBatteryVolts: number;
}

const LIFE_START_UNIX = 1_262_304_000; // 2010-01-01, the year NemID was launched; any start works.
const LIFE_SECRET = new Uint8Array(20).fill(0x4e);

/**
 * Simulates one device from new until its battery dies. Event-driven: the firmware integrates the
 * drain exactly between presses and daily samples, so the cost is one step per press and per day,
 * while press and display times keep one-second resolution and the clock error is exact.
 */
export function simulateLife(options: LifeOptions): LifeResult {
  const perDay = options.pressesPerDay;
  if (!(Number.isFinite(perDay) && perDay >= 0 && perDay <= 10_000)) {
    throw new RangeError('presses per day must be a number from 0 to 10000');
  }
  const maxYears = options.maxYears ?? 50;
  if (!(Number.isFinite(maxYears) && maxYears > 0 && maxYears <= 100)) {
    throw new RangeError('the longest life to simulate must be from 0 to 100 years');
  }
  const seed = options.seed ?? 0;
  const device = createDevice({
    secret: LIFE_SECRET,
    startUnix: LIFE_START_UNIX,
    mode: options.mode ?? 'totp',
    cell: options.cell ?? DEFAULT_CELL,
    temperatureC: options.temperatureC,
    seed,
    ppm: options.ppm,
    ageingPpm: options.ageingPpm,
    displaySeconds: options.displaySeconds,
    loads: options.loads,
  });
  // A separate stream for press times, so they do not depend on how many draws made the device.
  const presses = new Xoshiro128(seed + 1);
  const meanGap = perDay > 0 ? SECONDS_PER_DAY / perDay : Number.POSITIVE_INFINITY;
  const nextGap = (): number => Math.max(1, Math.round(-Math.log(1 - presses.nextFloat()) * meanGap));

  const end = LIFE_START_UNIX + maxYears * SECONDS_PER_YEAR;
  const capacity = Math.ceil(maxYears * 365.25) + 2;
  const years = new Float64Array(capacity);
  const volts = new Float64Array(capacity);
  const loaded = new Float64Array(capacity);
  const drift = new Float64Array(capacity);
  let n = 0;
  const sample = (t: number): void => {
    years[n] = (t - LIFE_START_UNIX) / SECONDS_PER_YEAR;
    volts[n] = device.batteryVolts;
    loaded[n] = device.batteryVoltsUnderLoad;
    drift[n] = device.clockErrorAt(t);
    n++;
  };
  sample(LIFE_START_UNIX);
  let nextPress = LIFE_START_UNIX + (perDay > 0 ? nextGap() : Number.POSITIVE_INFINITY);
  let nextSample = LIFE_START_UNIX + SECONDS_PER_DAY;
  while (!device.dead) {
    if (nextPress <= nextSample && nextPress <= end) {
      device.press(nextPress);
      nextPress += nextGap();
    } else if (nextSample <= end) {
      device.advanceTo(nextSample);
      if (!device.dead) sample(nextSample);
      nextSample += SECONDS_PER_DAY;
    } else {
      device.advanceTo(end);
      break;
    }
  }
  const endUnix = device.diedAtUnix ?? end;
  // The last point is the cell just before it gave out.
  sample(endUnix);
  const crystal = device.config.crystal;
  return {
    pressesPerDay: perDay,
    temperatureC: crystal.temperatureC,
    cell: device.config.cell.name,
    seed,
    tolerancePpm: crystal.tolerancePpm,
    ageingPpmFirstYear: crystal.ageingPpmFirstYear,
    years: (endUnix - LIFE_START_UNIX) / SECONDS_PER_YEAR,
    lowBatteryYears:
      device.lowBatteryAtUnix === null
        ? null
        : (device.lowBatteryAtUnix - LIFE_START_UNIX) / SECONDS_PER_YEAR,
    clockDriftSeconds: device.clockErrorAt(endUnix),
    presses: device.presses,
    endedBy: !device.dead
      ? 'limit'
      : device.chargeUsedMah >= device.usableCapacityMah
        ? 'exhausted'
        : 'brown-out',
    sampleYears: years.subarray(0, n),
    sampleVolts: volts.subarray(0, n),
    sampleLoadedVolts: loaded.subarray(0, n),
    sampleDriftSeconds: drift.subarray(0, n),
    lowBatteryVolts: device.config.loads.lowBatteryVolts,
  };
}
