/** Argument checks shared by the engines. They only allocate when they throw. */

export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

export const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

export function checkDigits(digits: number): void {
  if (!(Number.isInteger(digits) && digits >= 6 && digits <= 9)) {
    throw new RangeError(`digits must be an integer from 6 to 9, got ${String(digits)}`);
  }
}

export function checkCounter(counter: number, name = 'counter'): void {
  if (!(Number.isInteger(counter) && counter >= 0 && counter <= MAX_COUNTER)) {
    throw new RangeError(`${name} must be an integer from 0 to 2^53-1, got ${String(counter)}`);
  }
}

export function checkCode(code: number, digits: number): void {
  if (!(Number.isInteger(code) && code >= 0 && code < POW10[digits])) {
    throw new RangeError(`code must be an integer with at most ${digits} digits`);
  }
}
