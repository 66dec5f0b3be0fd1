import { capacityDerating, openCircuitVolts, simulateLife } from '@nemid-sim/device-sim';
import { describe, expect, it } from 'vitest';

const years = (pressesPerDay: number, temperatureC = 25, seed = 0) =>
  simulateLife({ pressesPerDay, temperatureC, seed }).years;

describe('battery life', () => {
  it('falls as presses per day rise', () => {
    const lives = [0, 1, 3, 10, 20, 50].map((p) => years(p));
    for (let i = 1; i < lives.length; i++) expect(lives[i]).toBeLessThan(lives[i - 1]);
  });

  it('falls as the temperature falls', () => {
    const lives = [25, 15, 5, -5, -15, -25].map((t) => years(3, t));
    for (let i = 1; i < lives.length; i++) expect(lives[i]).toBeLessThan(lives[i - 1]);
  });

  it('the defaults keep the promise: more than 3 years at 20 presses a day, more than 4 at 3 a day', () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      expect(years(20, 25, seed)).toBeGreaterThan(3);
      expect(years(3, 25, seed)).toBeGreaterThan(4);
    }
  });

  it('a CR2032 lasts longer than the default CR2016', () => {
    const small = simulateLife({ pressesPerDay: 3 });
    const big = simulateLife({ pressesPerDay: 3, cell: 'cr2032' });
    expect(small.cell).toBe('cr2016');
    expect(big.years).toBeGreaterThan(2 * small.years);
  });

  it('the low-battery mark appears months before the end: over 6 months at 3 a day, over 4 at 20', () => {
    for (const [perDay, months] of [
      [3, 6],
      [20, 4],
    ]) {
      const r = simulateLife({ pressesPerDay: perDay });
      expect(r.lowBatteryYears).not.toBeNull();
      const warning = r.years - (r.lowBatteryYears ?? 0);
      expect(warning * 12).toBeGreaterThan(months);
      // ...and not absurdly early either: the last fifth of the life at most.
      expect(warning).toBeLessThan(r.years / 5);
    }
  });

  it('without presses there is no mark, and the cell runs flat by sleep current and self-discharge', () => {
    const r = simulateLife({ pressesPerDay: 0 });
    expect(r.lowBatteryYears).toBeNull();
    expect(r.endedBy).toBe('exhausted');
    expect(r.presses).toBe(0);
  });

  it('the voltage falls over the life, from a fresh 3.2 V to the end of the curve', () => {
    const r = simulateLife({ pressesPerDay: 3 });
    expect(r.sampleVolts[0]).toBeCloseTo(3.2, 5);
    for (let i = 1; i < r.sampleVolts.length; i++)
      expect(r.sampleVolts[i]).toBeLessThanOrEqual(r.sampleVolts[i - 1]);
    expect(r.sampleVolts.at(-1)).toBeLessThan(2.6);
    expect(r.sampleYears.at(-1)).toBeCloseTo(r.years, 10);
  });

  it('the same seed gives the same life, whatever else ran before', () => {
    const a = simulateLife({ pressesPerDay: 7, seed: 42 });
    simulateLife({ pressesPerDay: 20, seed: 1 });
    const b = simulateLife({ pressesPerDay: 7, seed: 42 });
    expect(b.years).toBe(a.years);
    expect(b.lowBatteryYears).toBe(a.lowBatteryYears);
    expect(b.clockDriftSeconds).toBe(a.clockDriftSeconds);
    expect(b.presses).toBe(a.presses);
  });

  it('the clock error at the end is the crystal integral over the life', () => {
    const r = simulateLife({ pressesPerDay: 3, ppm: 10, ageingPpm: 0 });
    expect(r.clockDriftSeconds).toBeCloseTo(10e-6 * r.years * 365.25 * 86_400, 3);
  });

  it('the presses per day are honoured on average', () => {
    const r = simulateLife({ pressesPerDay: 10 });
    expect(r.presses / (r.years * 365.25)).toBeGreaterThan(9.5);
    expect(r.presses / (r.years * 365.25)).toBeLessThan(10.5);
  });

  it('curves: the open-circuit voltage falls with depth of discharge; capacity falls in the cold', () => {
    expect(openCircuitVolts(0)).toBeGreaterThan(openCircuitVolts(0.5));
    expect(openCircuitVolts(0.5)).toBeGreaterThan(openCircuitVolts(0.95));
    expect(openCircuitVolts(1)).toBe(2);
    expect(capacityDerating(25)).toBe(1);
    expect(capacityDerating(0)).toBeLessThan(1);
    expect(capacityDerating(-20)).toBeLessThan(capacityDerating(0));
  });

  it('rejects impossible inputs', () => {
    expect(() => simulateLife({ pressesPerDay: -1 })).toThrow(RangeError);
    expect(() => simulateLife({ pressesPerDay: Number.NaN })).toThrow(RangeError);
    expect(() => simulateLife({ pressesPerDay: 3, temperatureC: -100 })).toThrow(RangeError);
  });
});
