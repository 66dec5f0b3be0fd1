import type { RandomBytes } from './batch.js';
import { issuableIn, letterSum, MAX_SEQUENCE, SERIAL_LETTERS, serialAt, serialFromSum } from './serial.js';

/**
 * The card-number register (docs/card-numbers.md): which numbers a bank may give out, and which
 * ranges it has given out, to a print run (a batch) or to another register (a second print shop
 * or machine). Numbers are handed out in ranges after the highest one given out so far and are
 * never handed out again, so two batches from one register tree never share a card number.
 */
export const REGISTER_FORMAT = 'nemid-sim card-number register';
export const REGISTER_VERSION = 1;

/** Sequence numbers first..last (the 8 digits before the check digit) of one series letter. */
export interface NumberRange {
  readonly series: string;
  readonly first: number;
  readonly last: number;
}

/** A range given out: to a batch (print run) or to another register, by id. */
export interface IssuedRange extends NumberRange {
  /** Card numbers in the range (sequence numbers without a check digit are skipped). */
  readonly cards: number;
  readonly to: 'batch' | 'register';
  /** The batch id or register id (32 hex digits). */
  readonly id: string;
  /** When it was given out, ISO 8601 UTC. */
  readonly at: string;
}

export interface Register {
  readonly registerId: string;
  readonly createdAt: string;
  /** The numbers this register may give out. */
  readonly blocks: readonly NumberRange[];
  /** What it has given out, in order. */
  readonly issued: readonly IssuedRange[];
}

/** A register file that is not one, or whose ranges overlap or leave its blocks. */
export class RegisterError extends RangeError {
  override readonly name = 'RegisterError';
}

const ID = /^[0-9a-f]{32}$/;

export function randomId(randomBytes: RandomBytes): string {
  const bytes = randomBytes(16);
  if (!(bytes instanceof Uint8Array) || bytes.length !== 16)
    throw new TypeError('randomBytes(16) must return 16 bytes');
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A bank's first register: whole series letters, all 90,909,091 card numbers of each. */
export function newRegister(options: {
  series: readonly string[];
  randomBytes: RandomBytes;
  now: Date;
}): Register {
  const letters = [...new Set(options.series.map((s) => s.toUpperCase()))];
  if (letters.length === 0) throw new RangeError('a register needs at least one series letter');
  for (const letter of letters) {
    if (letter.length !== 1 || !SERIAL_LETTERS.includes(letter)) {
      throw new RangeError(`a card series is one letter of ${SERIAL_LETTERS} (not I or O)`);
    }
  }
  return {
    registerId: randomId(options.randomBytes),
    createdAt: options.now.toISOString(),
    blocks: letters.map((series) => ({ series, first: 0, last: MAX_SEQUENCE })),
    issued: [],
  };
}

/** A register for a block given out by another register (`allocate(..., to: 'register')`). */
export function delegatedRegister(range: IssuedRange, now: Date): Register {
  if (range.to !== 'register') throw new RangeError('that range was not given out to a register');
  return {
    registerId: range.id,
    createdAt: now.toISOString(),
    blocks: [{ series: range.series, first: range.first, last: range.last }],
    issued: [],
  };
}

/** The first sequence number of a block not given out yet. */
function nextFree(register: Register, block: NumberRange): number {
  let next = block.first;
  for (const r of register.issued) {
    if (r.series === block.series && r.first >= block.first && r.last <= block.last)
      next = Math.max(next, r.last + 1);
  }
  return next;
}

/** Card numbers a register can still give out, per block. */
export function numbersLeft(register: Register): { block: NumberRange; next: number; cards: number }[] {
  return register.blocks.map((block) => {
    const next = nextFree(register, block);
    return { block, next, cards: issuableIn(block.series, next, block.last) };
  });
}

/** The smallest `last` with exactly `cards` card numbers in first..last (binary search on the count). */
function lastFor(series: string, first: number, cards: number): number {
  let lo = first;
  let hi = MAX_SEQUENCE;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (issuableIn(series, first, mid) >= cards) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Gives out the next `cards` card numbers (after the highest given out so far, in the first block,
 * of `series` if given, with room for all of them) to a batch or a register. Returns the new
 * register and the range; the caller writes the register before any card gets a number.
 */
export function allocate(
  register: Register,
  request: { cards: number; to: 'batch' | 'register'; id: string; now: Date; series?: string },
): { register: Register; range: IssuedRange } {
  const { cards, series } = request;
  if (!(Number.isInteger(cards) && cards >= 1)) throw new RangeError('the number of cards must be 1 or more');
  if (!ID.test(request.id)) throw new RangeError('a batch or register id is 32 hex digits');
  if (register.issued.some((r) => r.id === request.id)) {
    throw new RegisterError(`the register has given numbers to ${request.id} already`);
  }
  const candidates = numbersLeft(register).filter((b) => series === undefined || b.block.series === series);
  const fits = candidates.find((b) => b.cards >= cards);
  if (fits === undefined) {
    const left = candidates.reduce((n, b) => n + b.cards, 0);
    throw new RegisterError(
      `the register has ${left} card numbers left${series ? ` in series ${series}` : ''}, not ${cards}`,
    );
  }
  const range: IssuedRange = {
    series: fits.block.series,
    first: fits.next,
    last: lastFor(fits.block.series, fits.next, cards),
    cards,
    to: request.to,
    id: request.id,
    at: request.now.toISOString(),
  };
  const next = { ...register, issued: [...register.issued, range] };
  validateRegister(next);
  return { register: next, range };
}

/** The first and last card numbers of a range as printed, e.g. `K000-000-006 to K000-001-104`. */
export function describeRange(r: NumberRange): string {
  const at = (from: number, step: number): string => {
    for (let n = from; n >= r.first && n <= r.last; n += step) {
      const serial = serialAt(r.series, n);
      if (serial !== null) return serial;
    }
    return `${r.series}${String(from).padStart(8, '0')}`;
  };
  const first = at(r.first, 1);
  const last = at(r.last, -1);
  return first === last ? first : `${first} to ${last}`;
}

/** The card numbers of a range, in order. */
export function serialsIn(range: NumberRange): string[] {
  const out: string[] = [];
  const letterPart = letterSum(range.series);
  for (let n = range.first; n <= range.last; n++) {
    const serial = serialFromSum(range.series, letterPart, n);
    if (serial !== null) out.push(serial);
  }
  return out;
}

function overlaps(a: NumberRange, b: NumberRange): boolean {
  return a.series === b.series && a.first <= b.last && b.first <= a.last;
}

function isRange(r: NumberRange): boolean {
  return (
    typeof r.series === 'string' &&
    r.series.length === 1 &&
    SERIAL_LETTERS.includes(r.series) &&
    Number.isInteger(r.first) &&
    Number.isInteger(r.last) &&
    r.first >= 0 &&
    r.first <= r.last &&
    r.last <= MAX_SEQUENCE
  );
}

/**
 * Throws RegisterError unless the register is consistent: blocks and given-out ranges are valid,
 * blocks do not overlap, every range lies in one block, no two ranges overlap (a number is never
 * given out twice), and no batch or register got numbers twice.
 */
export function validateRegister(register: Register): void {
  if (!ID.test(register.registerId)) throw new RegisterError('register id must be 32 hex digits');
  if (Number.isNaN(Date.parse(register.createdAt)))
    throw new RegisterError('register creation time is not a date');
  if (register.blocks.length === 0) throw new RegisterError('the register owns no numbers');
  register.blocks.forEach((b, i) => {
    if (!isRange(b)) throw new RegisterError(`block ${i + 1} of the register is not a valid range`);
  });
  const blocks = firstOverlap(register.blocks);
  if (blocks !== null)
    throw new RegisterError(`blocks of the register overlap in series ${blocks[0].series}`);
  const ids = new Set<string>();
  register.issued.forEach((r, i) => {
    const name = `range ${i + 1} (${r.to} ${r.id})`;
    if (!isRange(r) || r.cards !== issuableIn(r.series, r.first, r.last)) {
      throw new RegisterError(`${name} of the register is not a valid range`);
    }
    if ((r.to !== 'batch' && r.to !== 'register') || !ID.test(r.id) || Number.isNaN(Date.parse(r.at))) {
      throw new RegisterError(`${name} of the register has no valid recipient or time`);
    }
    if (ids.has(r.id)) throw new RegisterError(`${name}: that ${r.to} got numbers twice`);
    ids.add(r.id);
    if (!register.blocks.some((b) => b.series === r.series && b.first <= r.first && r.last <= b.last)) {
      throw new RegisterError(`${name} lies outside the numbers the register owns`);
    }
  });
  const given = firstOverlap(register.issued);
  if (given !== null) {
    const [before, after] = given;
    throw new RegisterError(
      `range ${after.to} ${after.id} overlaps numbers given out before (${before.to} ${before.id})`,
    );
  }
}

/** Two ranges that share a number (in the order they are listed), or null. Sorted: n log n. */
function firstOverlap<T extends NumberRange>(ranges: readonly T[]): [T, T] | null {
  const order = ranges
    .map((r, i) => ({ r, i }))
    .sort((x, y) => x.r.series.localeCompare(y.r.series) || x.r.first - y.r.first);
  for (let k = 1; k < order.length; k++) {
    const x = order[k - 1];
    const y = order[k];
    if (overlaps(x.r, y.r)) return x.i < y.i ? [x.r, y.r] : [y.r, x.r];
  }
  return null;
}
