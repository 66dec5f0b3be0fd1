import { createOtpEngine, timeStep } from '@nemid-sim/core';
import { createDevice, SECONDS_PER_DAY, SECONDS_PER_YEAR } from '@nemid-sim/device-sim';
import { describe, expect, it } from 'vitest';

const SECRET = new TextEncoder().encode('12345678901234567890');
const START = 1_767_225_600; // 2026-01-01T00:00:00Z
const core = createOtpEngine(SECRET, 'sha1');

describe('the firmware state machine', () => {
  it('HOTP: the first press shows the code for counter 0 and each press advances the counter', () => {
    const d = createDevice({ secret: SECRET, startUnix: START, mode: 'hotp', seed: 1 });
    // RFC 4226 appendix D values for this secret.
    const rfc = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
    for (let i = 0; i < 50; i++) {
      const code = d.press(START + 60 * i);
      expect(code).toBe(core.hotp(i, 6));
      if (i < rfc.length) expect(code).toBe(rfc[i]);
    }
    expect(d.counter).toBe(50);
  });

  it('HOTP: pressing again while a code is shown computes the next code', () => {
    const d = createDevice({ secret: SECRET, startUnix: START, mode: 'hotp' });
    expect(d.press(START + 1)).toBe(core.hotp(0, 6));
    expect(d.press(START + 2)).toBe(core.hotp(1, 6));
    expect(d.displayedCode).toBe(core.hotp(1, 6));
  });

  it('TOTP: the code is the core TOTP for the device own (drifting) clock, not true time', () => {
    const d = createDevice({
      secret: SECRET,
      startUnix: START,
      mode: 'totp',
      ppm: 20,
      ageingPpm: 0,
      seed: 3,
    });
    let differed = 0;
    for (let day = 0; day < 3 * 365; day += 7) {
      const t = START + day * SECONDS_PER_DAY + 12_345;
      const own = Math.floor(t + d.clockErrorAt(t));
      const code = d.press(t);
      expect(code).toBe(core.totp(own, 30, 6));
      if (timeStep(own, 30) !== timeStep(t, 30)) differed++;
    }
    // +20 ppm is 10 minutes a year: most weekly presses after the first weeks fall in another step.
    expect(differed).toBeGreaterThan(100);
  });

  it('supports 8 digits and SHA-256 like the core', () => {
    const d = createDevice({
      secret: SECRET,
      startUnix: START,
      mode: 'hotp',
      digits: 8,
      algorithm: 'sha256',
    });
    expect(d.press(START)).toBe(createOtpEngine(SECRET, 'sha256').hotp(0, 8));
  });

  it('the display sleeps after its display time (30 s by default)', () => {
    const d = createDevice({ secret: SECRET, startUnix: START, mode: 'hotp' });
    expect(d.state).toBe('sleeping');
    expect(d.displayedCode).toBe(-1);
    const code = d.press(START + 100);
    expect(d.state).toBe('showing');
    d.advanceTo(START + 129);
    expect(d.state).toBe('showing');
    expect(d.displayedCode).toBe(code);
    expect(d.displaySecondsLeft).toBe(1);
    d.advanceTo(START + 130);
    expect(d.state).toBe('sleeping');
    expect(d.displayedCode).toBe(-1);
  });

  it('a custom display time is honoured', () => {
    const d = createDevice({ secret: SECRET, startUnix: START, displaySeconds: 5 });
    d.press(START);
    d.advanceTo(START + 4.5);
    expect(d.state).toBe('showing');
    d.advanceTo(START + 5);
    expect(d.state).toBe('sleeping');
  });

  it('a dead device shows nothing and presses do nothing', () => {
    const d = createDevice({ secret: SECRET, startUnix: START, mode: 'hotp' });
    d.press(START);
    d.advanceTo(START + 20 * SECONDS_PER_YEAR);
    expect(d.dead).toBe(true);
    expect(d.state).toBe('dead');
    expect(d.diedAtUnix).toBeGreaterThan(START);
    expect(d.diedAtUnix).toBeLessThan(START + 20 * SECONDS_PER_YEAR);
    const counter = d.counter;
    expect(d.press(START + 21 * SECONDS_PER_YEAR)).toBe(-1);
    expect(d.displayedCode).toBe(-1);
    expect(d.counter).toBe(counter);
    expect(d.presses).toBe(1);
  });

  it('time cannot go backwards', () => {
    const d = createDevice({ secret: SECRET, startUnix: START });
    d.advanceTo(START + 10);
    expect(() => d.advanceTo(START + 5)).toThrow(RangeError);
    expect(() => d.press(Number.NaN)).toThrow(RangeError);
  });

  it('the same options and seed give the same device; another seed another one', () => {
    const make = (seed: number) => createDevice({ secret: SECRET, startUnix: START, seed });
    const a = make(9);
    const b = make(9);
    const c = make(10);
    expect(a.config.serial).toBe(b.config.serial);
    expect(a.config.crystal).toEqual(b.config.crystal);
    expect(c.config.serial).not.toBe(a.config.serial);
    expect(c.config.crystal.tolerancePpm).not.toBe(a.config.crystal.tolerancePpm);
    expect(a.config.serial).toMatch(/^\d{16}$/);
    expect(Math.abs(a.config.crystal.tolerancePpm)).toBeLessThanOrEqual(20);
    expect(Math.abs(a.config.crystal.ageingPpmFirstYear)).toBeLessThanOrEqual(3);
    for (let i = 1; i <= 200; i++) {
      const t = START + i * 3_600 * 7;
      expect(a.press(t)).toBe(b.press(t));
    }
    expect(a.snapshot()).toEqual(b.snapshot());
  });

  it('simulated in one jump or in many small steps, the device ends in the same state', () => {
    const jump = createDevice({ secret: SECRET, startUnix: START, seed: 4 });
    const steps = createDevice({ secret: SECRET, startUnix: START, seed: 4 });
    const presses = [START + 50, START + 3 * SECONDS_PER_DAY, START + 200 * SECONDS_PER_DAY];
    for (const p of presses) {
      for (let t = steps.trueUnix + 3_600; t < p; t += 3_600) steps.advanceTo(t);
      expect(steps.press(p)).toBe(jump.press(p));
    }
    const end = START + 400 * SECONDS_PER_DAY;
    jump.advanceTo(end);
    for (let t = steps.trueUnix + 3_600; t < end; t += 3_600) steps.advanceTo(t);
    steps.advanceTo(end);
    expect(steps.chargeUsedMah).toBeCloseTo(jump.chargeUsedMah, 9);
    expect(steps.deviceUnixAt(end)).toBe(jump.deviceUnixAt(end));
  });

  it('a saved state brings the same device back', () => {
    const a = createDevice({ secret: SECRET, startUnix: START, mode: 'hotp', seed: 2 });
    a.press(START + 10);
    a.press(START + 1000);
    const b = createDevice({ secret: SECRET, startUnix: START, mode: 'hotp', seed: 2 }, a.snapshot());
    expect(b.press(START + 2000)).toBe(a.press(START + 2000));
  });

  it('rejects bad options with a RangeError', () => {
    expect(() => createDevice({ secret: new Uint8Array(4), startUnix: START })).toThrow(/secret/);
    expect(() => createDevice({ secret: SECRET, startUnix: START, digits: 5 })).toThrow(/digits/);
    expect(() => createDevice({ secret: SECRET, startUnix: START, serial: '123' })).toThrow(/16 digits/);
    expect(() => createDevice({ secret: SECRET, startUnix: START, temperatureC: 200 })).toThrow(
      /temperature/,
    );
    expect(() => createDevice({ secret: SECRET, startUnix: START, seed: -1 })).toThrow(/seed/);
  });
});
