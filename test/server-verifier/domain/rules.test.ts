import {
  ageAt,
  birthDateOfCpr,
  formatCpr,
  normalizeAlias,
  normalizeCardSerial,
  normalizeCpr,
  parseLoginId,
  passwordProblem,
} from '@nemid-sim/server-verifier';
import { describe, expect, it } from 'vitest';

describe('password rules (ID-4)', () => {
  it('allows 4-digit PINs that are not one digit, not a run and not part of the CPR number', () => {
    expect(passwordProblem('2580', '0101901234')).toBeNull();
    expect(passwordProblem('1357', null)).toBeNull();
    for (const run of ['1234', '4321', '7890', '0987', '8901', '5678'])
      expect(passwordProblem(run, null)).toMatch(/run/);
    for (const same of ['0000', '7777']) expect(passwordProblem(same, null)).toMatch(/repeated/);
    for (const part of ['0101', '1019', '1901']) {
      expect(passwordProblem(part, '0101901234')).toMatch(/CPR/);
    }
  });

  it('wants 6-40 characters mixing letters and digits otherwise', () => {
    expect(passwordProblem('abc123', null)).toBeNull();
    expect(passwordProblem('Blåbær7', null)).toBeNull();
    expect(passwordProblem(`a${'1'.repeat(39)}`, null)).toBeNull();
    expect(passwordProblem(`a${'1'.repeat(40)}`, null)).toMatch(/6-40/);
    expect(passwordProblem('abc12', null)).toMatch(/6-40/);
    expect(passwordProblem('abcdefg', null)).toMatch(/mix/);
    expect(passwordProblem('1234567', null)).toMatch(/mix/);
    expect(passwordProblem('12345', null)).toMatch(/6-40/);
  });
});

describe('CPR numbers', () => {
  it('reads DDMMYY-SSSS with the century from the 7th digit', () => {
    expect(normalizeCpr('010190-1234')).toBe('0101901234');
    expect(birthDateOfCpr('0101901234')).toEqual([1990, 1, 1]);
    expect(birthDateOfCpr('0101104234')).toEqual([2010, 1, 1]);
    expect(birthDateOfCpr('0101504234')).toEqual([1950, 1, 1]);
    expect(birthDateOfCpr('0101575234')).toEqual([2057, 1, 1]);
    expect(birthDateOfCpr('0101585234')).toEqual([1858, 1, 1]);
    expect(birthDateOfCpr('0101369234')).toEqual([2036, 1, 1]);
    expect(formatCpr('0101901234')).toBe('010190-1234');
  });

  it('refuses dates that do not exist and malformed text', () => {
    expect(normalizeCpr('3102901234')).toBeNull();
    expect(normalizeCpr('2902011234')).toBeNull();
    // 1900 was no leap year, 2000 was (7th digit 4 and year 00: 2000).
    expect(normalizeCpr('2902001234')).toBeNull();
    expect(normalizeCpr('2902004234')).not.toBeNull();
    expect(normalizeCpr('0101901')).toBeNull();
    expect(normalizeCpr('01019O1234')).toBeNull();
  });

  it('computes age on the birthday', () => {
    expect(ageAt([2008, 3, 1], Date.UTC(2026, 1, 28))).toBe(17);
    expect(ageAt([2008, 3, 1], Date.UTC(2026, 2, 1))).toBe(18);
  });
});

describe('user ids (ID-2)', () => {
  it('tells the three kinds apart', () => {
    expect(parseLoginId('123 456 789')).toEqual({ kind: 'nemid', value: '123456789' });
    expect(parseLoginId('010190-1234')).toEqual({ kind: 'cpr', value: '0101901234' });
    expect(parseLoginId('Anna_J')).toEqual({ kind: 'alias', value: 'anna_j' });
    expect(parseLoginId('3102901234')).toBeNull();
    expect(parseLoginId('12')).toBeNull();
  });

  it('needs a letter in an alias', () => {
    expect(normalizeAlias('12345')).toBeNull();
    expect(normalizeAlias('Ærø.2024')).toBe('ærø.2024');
  });

  it('reads card numbers in any spacing', () => {
    expect(normalizeCardSerial('a123 456-789')).toBe('A123456789');
    expect(normalizeCardSerial('A12345678')).toBeNull();
  });
});
