import {
  formatSerial,
  isValidSerial,
  parseSerial,
  randomSerial,
  SERIAL_LETTERS,
  SERIAL_PATTERN,
  serialCheckDigit,
} from '@nemid-sim/key-card';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandomBytes } from './helpers.js';

const digitsOf = (serial: string): string => serial.replace(/\D/g, '');
const fromDigits = (letter: string, d: string): string =>
  `${letter}${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`;

/** Every serial reachable from `serial` by one wrong digit or one swap of two different adjacent digits. */
function typos(serial: string): string[] {
  const letter = serial[0];
  const d = digitsOf(serial);
  const out: string[] = [];
  for (let i = 0; i < d.length; i++) {
    for (let v = 0; v <= 9; v++) {
      if (String(v) !== d[i]) out.push(fromDigits(letter, d.slice(0, i) + v + d.slice(i + 1)));
    }
  }
  for (let i = 0; i + 1 < d.length; i++) {
    if (d[i] !== d[i + 1]) out.push(fromDigits(letter, d.slice(0, i) + d[i + 1] + d[i] + d.slice(i + 2)));
  }
  return out;
}

describe('card numbers', () => {
  it('look like A123-456-789 and carry a valid check digit', () => {
    const random = seededRandomBytes('serials');
    for (let i = 0; i < 500; i++) {
      const s = randomSerial(random);
      expect(s).toMatch(SERIAL_PATTERN);
      expect(SERIAL_LETTERS).toContain(s[0]);
      expect(isValidSerial(s)).toBe(true);
      expect(parseSerial(s)).toBe(s);
    }
  });

  it('catch every single-digit error and every adjacent transposition (exhaustive, 2,000 numbers)', () => {
    const random = seededRandomBytes('typos');
    for (let i = 0; i < 2000; i++) {
      const s = randomSerial(random);
      const wrong = typos(s);
      expect(wrong.length).toBeGreaterThanOrEqual(81);
      for (const t of wrong) expect(isValidSerial(t), `${s} -> ${t}`).toBe(false);
    }
  });

  it('catch the same errors for any letter and digits (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
        fc.stringMatching(/^\d{8}$/),
        (letter, eight) => {
          const check = serialCheckDigit(letter, eight);
          fc.pre(check >= 0);
          const s = formatSerial(letter, eight);
          expect(isValidSerial(s)).toBe(true);
          for (const t of typos(s)) expect(isValidSerial(t)).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('catch a single-digit error in every position for every digit pair, for all-equal digit strings', () => {
    for (const letter of 'AZ') {
      for (let v = 0; v <= 9; v++) {
        const eight = String(v).repeat(8);
        if (serialCheckDigit(letter, eight) < 0) continue;
        for (const t of typos(formatSerial(letter, eight))) expect(isValidSerial(t)).toBe(false);
      }
    }
  });

  it('are never issued when the check digit would be 10', () => {
    let skipped = 0;
    for (let n = 0; n < 2000; n++) {
      const eight = String(n * 48_611)
        .padStart(8, '0')
        .slice(-8);
      if (serialCheckDigit('A', eight) < 0) {
        skipped++;
        expect(() => formatSerial('A', eight)).toThrow(RangeError);
      }
    }
    expect(skipped).toBeGreaterThan(100);
  });

  it('are read as typed: lower case, spaces and missing dashes', () => {
    const s = formatSerial('K', '12345670');
    const compact = s.replace(/-/g, '');
    expect(parseSerial(compact.toLowerCase())).toBe(s);
    expect(parseSerial(` ${compact.slice(0, 4)} ${compact.slice(4, 7)} ${compact.slice(7)} `)).toBe(s);
  });

  it('refuse malformed numbers with a clear RangeError', () => {
    expect(() => parseSerial('123-456-789')).toThrow(/one letter and 9 digits/);
    expect(() => parseSerial('A12-345-678')).toThrow(/one letter and 9 digits/);
    expect(() => parseSerial('AB23-456-789')).toThrow(RangeError);
    const s = formatSerial('B', '00000001');
    const bad = `${s.slice(0, -1)}${(Number(s.slice(-1)) + 1) % 10}`;
    expect(() => parseSerial(bad)).toThrow(/check digit/);
  });

  it('use only letters without look-alike digits, and a fixed series when asked', () => {
    expect(SERIAL_LETTERS).not.toMatch(/[IO]/);
    const random = seededRandomBytes('series');
    for (let i = 0; i < 50; i++) expect(randomSerial(random, 'N')[0]).toBe('N');
    expect(() => randomSerial(random, 'O')).toThrow(RangeError);
  });
});
