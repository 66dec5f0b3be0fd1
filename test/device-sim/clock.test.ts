import {
  clockErrorSeconds,
  createDevice,
  frequencyErrorPpm,
  SECONDS_PER_DAY,
  SECONDS_PER_YEAR,
  TEMPERATURE_COEFFICIENT,
} from '@nemid-sim/device-sim';
import { describe, expect, it } from 'vitest';

const crystal = (tolerancePpm: number, ageingPpmFirstYear: number, temperatureC: number) => ({
  tolerancePpm,
  ageingPpmFirstYear,
  temperatureC,
});

describe('the 32.768 kHz crystal clock', () => {
  it('at 25 °C with 0 ppm tolerance and no ageing it does not drift', () => {
    const c = crystal(0, 0, 25);
    for (const days of [1, 100, 1000, 3650]) expect(clockErrorSeconds(c, days * SECONDS_PER_DAY)).toBe(0);
    const d = createDevice({ secret: new Uint8Array(20), startUnix: 1e9, ppm: 0, ageingPpm: 0 });
    expect(d.deviceUnixAt(1e9 + 5 * SECONDS_PER_YEAR)).toBe(1e9 + 5 * SECONDS_PER_YEAR);
  });

  it('at 5 °C it runs slow by the parabola: -0.034 ppm/°C² × (20 °C)² = -13.6 ppm', () => {
    const c = crystal(0, 0, 5);
    expect(frequencyErrorPpm(c, 0)).toBeCloseTo(-13.6, 10);
    expect(TEMPERATURE_COEFFICIENT).toBe(-0.034);
    // 13.6 ppm of a year is 429.2 s.
    expect(clockErrorSeconds(c, SECONDS_PER_YEAR)).toBeCloseTo(-13.6e-6 * SECONDS_PER_YEAR, 6);
    expect(clockErrorSeconds(c, SECONDS_PER_YEAR)).toBeCloseTo(-429.18, 1);
    // The parabola is symmetric around the 25 °C turnover.
    expect(clockErrorSeconds(crystal(0, 0, 45), SECONDS_PER_DAY)).toBeCloseTo(
      clockErrorSeconds(c, SECONDS_PER_DAY),
      12,
    );
  });

  it('the tolerance adds linearly: +20 ppm is about 10.5 minutes a year', () => {
    expect(clockErrorSeconds(crystal(20, 0, 25), SECONDS_PER_YEAR)).toBeCloseTo(631.15, 1);
    expect(clockErrorSeconds(crystal(-20, 0, 25), SECONDS_PER_YEAR)).toBeCloseTo(-631.15, 1);
  });

  it('ageing reaches its first-year value after a year and then grows more and more slowly', () => {
    const c = crystal(0, 3, 25);
    expect(frequencyErrorPpm(c, 0)).toBe(0);
    expect(frequencyErrorPpm(c, SECONDS_PER_YEAR)).toBeCloseTo(3, 10);
    const y = (n: number) => frequencyErrorPpm(c, n * SECONDS_PER_YEAR);
    expect(y(2) - y(1)).toBeLessThan(y(1) - y(0));
    expect(y(3) - y(2)).toBeLessThan(y(2) - y(1));
    expect(y(10)).toBeLessThan(2 * 3);
  });

  it('the clock error is the integral of the frequency error', () => {
    const c = crystal(7.5, -2.2, 3);
    const T = 2 * SECONDS_PER_YEAR;
    const n = 200_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += frequencyErrorPpm(c, ((i + 0.5) * T) / n) * 1e-6 * (T / n);
    expect(clockErrorSeconds(c, T)).toBeCloseTo(sum, 3);
  });
});
