import { bytesEqual, codesEqual, formatCode, parseCode, stringsEqual } from '@nemid-sim/core';
import { describe, expect, it } from 'vitest';

describe('constant-time comparisons', () => {
  it('compare codes, including values that agree in their low 32 bits', () => {
    expect(codesEqual(123456, 123456)).toBe(true);
    expect(codesEqual(123456, 123457)).toBe(false);
    expect(codesEqual(5, 5 + 2 ** 32)).toBe(false);
  });

  it('compare bytes and strings of equal and unequal length', () => {
    expect(bytesEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
    expect(stringsEqual('123456', '123456')).toBe(true);
    expect(stringsEqual('123456', '023456')).toBe(false);
    expect(stringsEqual('12345', '123456')).toBe(false);
  });
});

describe('codes at the edges', () => {
  it('are zero-padded for display and parsed strictly', () => {
    expect(formatCode(42, 6)).toBe('000042');
    expect(parseCode('000042', 6)).toBe(42);
    expect(parseCode('123 456', 6)).toBe(123456);
    expect(parseCode('12345', 6)).toBe(-1);
    expect(parseCode('12345a', 6)).toBe(-1);
    expect(parseCode('1234567', 6)).toBe(-1);
  });
});
