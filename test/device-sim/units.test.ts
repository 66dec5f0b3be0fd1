import {
  describeDuration,
  formatSerial,
  parseDuration,
  parseSerial,
  Xoshiro128,
} from '@nemid-sim/device-sim';
import { describe, expect, it } from 'vitest';

describe('durations', () => {
  it('parses seconds to years and combinations', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('3h')).toBe(10_800);
    expect(parseDuration('2d')).toBe(172_800);
    expect(parseDuration('1w')).toBe(604_800);
    expect(parseDuration('1y')).toBe(365.25 * 86_400);
    expect(parseDuration('1d12h')).toBe(129_600);
    expect(parseDuration('1.5h')).toBe(5400);
  });

  it('rejects anything else in one line', () => {
    for (const bad of ['', '3', 'h', '3x', '-1d', '1d x', '1e3s'])
      expect(() => parseDuration(bad)).toThrow(RangeError);
    expect(() => parseDuration('101y')).toThrow(/100 years/);
  });

  it('describes spans in readable units', () => {
    expect(describeDuration(2 * 365.25 * 86_400)).toBe('2.00 years');
    expect(describeDuration(10 * 86_400)).toBe('10.0 days');
    expect(describeDuration(0.5 * 365.25 * 86_400)).toBe('6.0 months');
  });
});

describe('serials', () => {
  it('are 16 digits, shown in groups of four', () => {
    expect(parseSerial('1234 5678-9012 3456')).toBe('1234567890123456');
    expect(formatSerial('1234567890123456')).toBe('1234 5678 9012 3456');
    expect(() => parseSerial('123456789012345')).toThrow(/16 digits/);
    expect(() => parseSerial('123456789012345x')).toThrow(/16 digits/);
  });
});

describe('the xoshiro128** generator', () => {
  it('is deterministic per seed and differs between seeds, also above 2^32', () => {
    const take = (seed: number) => {
      const g = new Xoshiro128(seed);
      return Array.from({ length: 8 }, () => g.nextUint32());
    };
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
    expect(take(2 ** 32 + 1)).not.toEqual(take(1));
  });

  it('gives floats in [0, 1) with a mean near 1/2', () => {
    const g = new Xoshiro128(99);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = g.nextFloat();
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('rejects seeds that are not whole non-negative numbers', () => {
    expect(() => new Xoshiro128(-1)).toThrow(RangeError);
    expect(() => new Xoshiro128(1.5)).toThrow(RangeError);
  });
});
