import type { Batch } from './batch.js';
import type { IssuedRange, Register } from './register.js';
import { sequenceOf } from './serial.js';

/**
 * The range a card number was given out in, if any: ranges never overlap, so after sorting by
 * series and first number a binary search finds the only candidate.
 */
function rangeFinder(register: Register): (serial: string) => IssuedRange | undefined {
  const sorted = [...register.issued].sort((x, y) => x.series.localeCompare(y.series) || x.first - y.first);
  return (serial) => {
    const series = serial[0];
    const n = sequenceOf(serial);
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = sorted[mid];
      const order = r.series.localeCompare(series) || (r.last < n ? -1 : r.first > n ? 1 : 0);
      if (order === 0) return r;
      if (order < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  };
}

/**
 * Why batches cannot be printed as they are, checked against a register before printing: one
 * sentence per clash, none when all is well. A clash is a card number in two of the batches, a
 * card number the register gave to another batch or register (a batch of random numbers, or one
 * made from a copy of the register), or a numbered batch the register has no record of.
 */
export function findClashes(
  register: Register,
  batches: readonly { name: string; batch: Batch }[],
): string[] {
  const clashes: string[] = [];
  const givenIn = rangeFinder(register);
  const seen = new Map<string, string>();
  for (const { name, batch } of batches) {
    const numbers = batch.numbers;
    // The ranges this batch may use: its own, or a block given to the register that made it.
    const mine = (r: IssuedRange): boolean =>
      numbers !== undefined &&
      ((r.to === 'batch' && r.id === batch.batchId) || (r.to === 'register' && r.id === numbers.registerId));
    let foreign = 0;
    let example = '';
    for (const card of batch.cards) {
      const before = seen.get(card.serial);
      if (before !== undefined) clashes.push(`card ${card.serial} is in both ${before} and ${name}`);
      seen.set(card.serial, name);
      const given = givenIn(card.serial);
      if (given !== undefined && !mine(given)) {
        foreign++;
        example ||= `${card.serial}, given to ${given.to} ${given.id}`;
      }
    }
    if (foreign > 0) {
      clashes.push(
        `${name}: ${foreign} card number${foreign === 1 ? '' : 's'} the register gave to another (${example})`,
      );
    }
    if (numbers === undefined) continue;
    const recorded = register.issued.some(
      (r) => mine(r) && r.series === numbers.series && r.first <= numbers.first && numbers.last <= r.last,
    );
    if (recorded) continue;
    clashes.push(
      numbers.registerId === register.registerId
        ? `${name}: the register has no record of giving these numbers to batch ${batch.batchId} (made from a copy of the register?)`
        : `${name}: its numbers come from register ${numbers.registerId}, which this register gave no numbers to`,
    );
  }
  return clashes;
}
