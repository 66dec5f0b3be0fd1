import type { Batch } from './batch.js';
import type { IssuedRange, NumberRange, Register } from './register.js';
import { sequenceOf } from './serial.js';

function inside(serial: string, r: NumberRange): boolean {
  if (serial[0] !== r.series) return false;
  const n = sequenceOf(serial);
  return n >= r.first && n <= r.last;
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
      const given = register.issued.find((r) => inside(card.serial, r));
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
