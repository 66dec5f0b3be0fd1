/**
 * Card numbers (KC-2): one letter and 9 digits, printed `A123-456-789`. The last digit is a mod-11
 * check digit: with weights 10 (letter), 9, 8, ..., 2 on the letter and the first eight digits and 1 on
 * the check digit, a valid number has a weighted sum divisible by 11. Every weight is non-zero mod 11,
 * so any single wrong digit changes the sum; neighbouring weights differ by 1, so swapping two
 * different adjacent digits changes it too. Numbers whose check digit would be 10 are never issued.
 */
export const SERIAL_PATTERN = /^[A-Z]\d{3}-\d{3}-\d{3}$/;

/** Letters used for new cards: I and O are left out, so they cannot be mistaken for 1 and 0. */
export const SERIAL_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

const LETTER_WEIGHT = 10;

function weightedSum(letter: string, digits: string): number {
  let sum = LETTER_WEIGHT * (letter.charCodeAt(0) - 64);
  for (let i = 0; i < digits.length; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  return sum;
}

/**
 * The check digit for a letter and 8 digits, or -1 when it would be 10 (such numbers are skipped).
 */
export function serialCheckDigit(letter: string, eightDigits: string): number {
  if (!/^[A-Z]$/.test(letter)) throw new RangeError('a card number starts with one letter A-Z');
  if (!/^\d{8}$/.test(eightDigits)) throw new RangeError('a card number has 8 digits before its check digit');
  const check = (11 - (weightedSum(letter, eightDigits) % 11)) % 11;
  return check === 10 ? -1 : check;
}

/** `A12345678` + its check digit as `A123-456-78c`; throws when no check digit exists. */
export function formatSerial(letter: string, eightDigits: string): string {
  const check = serialCheckDigit(letter, eightDigits);
  if (check < 0) throw new RangeError('this letter and these digits have no check digit; draw other digits');
  const d = `${eightDigits}${check}`;
  return `${letter}${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`;
}

function compact(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

/** True when `text` is a card number with a correct check digit (case, spaces and dashes ignored). */
export function isValidSerial(text: string): boolean {
  const c = compact(text);
  if (!/^[A-Z]\d{9}$/.test(c)) return false;
  return (weightedSum(c[0], c.slice(1, 9)) + (c.charCodeAt(9) - 48)) % 11 === 0;
}

/**
 * Reads a card number as a person types it (`a123456789`, `A 123 456 789`) and returns it in the
 * printed form `A123-456-789`. Throws RangeError when it is malformed or its check digit is wrong.
 */
export function parseSerial(text: string): string {
  const c = compact(text);
  if (!/^[A-Z]\d{9}$/.test(c)) {
    throw new RangeError('a card number is one letter and 9 digits, like A123-456-789');
  }
  if (!isValidSerial(c))
    throw new RangeError(`card number ${formatLoose(c)} has a wrong check digit (mistyped?)`);
  return formatLoose(c);
}

function formatLoose(c: string): string {
  return `${c[0]}${c.slice(1, 4)}-${c.slice(4, 7)}-${c.slice(7, 10)}`;
}

/**
 * Draws a new card number from random bytes: a letter from SERIAL_LETTERS (unless `letter` is given)
 * and 8 digits, redrawing whenever the check digit would be 10. Rejection sampling keeps every
 * allowed number equally likely.
 */
export function randomSerial(randomBytes: (n: number) => Uint8Array, letter?: string): string {
  if (letter !== undefined && !SERIAL_LETTERS.includes(letter)) {
    throw new RangeError(`a card series is one letter of ${SERIAL_LETTERS}`);
  }
  for (;;) {
    const bytes = randomBytes(5);
    const l = letter ?? pickLetter(bytes[0]);
    if (l === undefined) continue;
    const n = ((bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4]) >>> 0;
    // 4_200_000_000 is the largest multiple of 10^8 below 2^32, so n % 10^8 is uniform.
    if (n >= 4_200_000_000) continue;
    const digits = String(n % 100_000_000).padStart(8, '0');
    if (serialCheckDigit(l, digits) >= 0) return formatSerial(l, digits);
  }
}

function pickLetter(byte: number): string | undefined {
  const limit = 256 - (256 % SERIAL_LETTERS.length);
  return byte < limit ? SERIAL_LETTERS[byte % SERIAL_LETTERS.length] : undefined;
}

/** The highest sequence number: a card number's 8 digits before its check digit, as a number. */
export const MAX_SEQUENCE = 99_999_999;
const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2] as const;

/**
 * How many 8-digit strings for positions `pos`..7 have each weighted sum mod 11: the table behind
 * `issuableUpTo`, which counts in a few hundred steps what a walk over 10^8 numbers would.
 */
const SUFFIX_SUMS: readonly (readonly number[])[] = (() => {
  const table: number[][] = Array.from({ length: 9 }, () => new Array<number>(11).fill(0));
  table[8][0] = 1;
  for (let pos = 7; pos >= 0; pos--) {
    for (let d = 0; d <= 9; d++) {
      for (let r = 0; r < 11; r++) table[pos][(r + WEIGHTS[pos] * d) % 11] += table[pos + 1][r];
    }
  }
  return table;
})();

export function letterSum(letter: string): number {
  if (!/^[A-Z]$/.test(letter)) throw new RangeError('a card number starts with one letter A-Z');
  return LETTER_WEIGHT * (letter.charCodeAt(0) - 64);
}

/** The card number for a letter and a sequence number, or null when it has no check digit. */
export function serialAt(letter: string, sequence: number): string | null {
  return serialFromSum(letter, letterSum(letter), sequence);
}

/** serialAt with the letter's part of the sum worked out once, for a run of numbers. */
export function serialFromSum(letter: string, letterPart: number, sequence: number): string | null {
  if (!(Number.isInteger(sequence) && sequence >= 0 && sequence <= MAX_SEQUENCE)) {
    throw new RangeError('a sequence number has 8 digits');
  }
  let sum = letterPart;
  let rest = sequence;
  for (let pos = 7; pos >= 0; pos--) {
    sum += WEIGHTS[pos] * (rest % 10);
    rest = Math.floor(rest / 10);
  }
  const check = (11 - (sum % 11)) % 11;
  if (check === 10) return null;
  const d = `${String(sequence).padStart(8, '0')}${check}`;
  return `${letter}${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`;
}

/** The sequence number of a card number: its 8 digits before the check digit. */
export function sequenceOf(serial: string): number {
  return Number(parseSerial(serial).replace(/\D/g, '').slice(0, 8));
}

/**
 * How many sequence numbers from 0 to `last` make a card number with this letter (those whose
 * check digit would be 10 do not): a digit-by-digit count, exact and fast for any range.
 */
export function issuableUpTo(letter: string, last: number): number {
  if (last < 0) return 0;
  if (!(Number.isInteger(last) && last <= MAX_SEQUENCE))
    throw new RangeError('a sequence number has 8 digits');
  // No check digit <=> weighted sum of letter and digits = 1 (mod 11).
  const bad = (((1 - letterSum(letter)) % 11) + 11) % 11;
  const digits = String(last).padStart(8, '0');
  let without = 0;
  let prefix = 0;
  for (let pos = 0; pos < 8; pos++) {
    const x = digits.charCodeAt(pos) - 48;
    for (let d = 0; d < x; d++) {
      without += SUFFIX_SUMS[pos + 1][(((bad - prefix - WEIGHTS[pos] * d) % 11) + 11) % 11];
    }
    prefix = (prefix + WEIGHTS[pos] * x) % 11;
  }
  if (prefix === bad) without++;
  return last + 1 - without;
}

/** How many card numbers with this letter lie in first..last (sequence numbers, inclusive). */
export function issuableIn(letter: string, first: number, last: number): number {
  return last < first ? 0 : issuableUpTo(letter, last) - issuableUpTo(letter, first - 1);
}
