import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allocate,
  createBatch,
  delegatedRegister,
  describeRange,
  findClashes,
  formatRegister,
  formatSerial,
  type IssuedRange,
  issuableIn,
  newRegister,
  numbersLeft,
  parseRegister,
  type Register,
  readRegisterFile,
  serialAt,
  serialCheckDigit,
  serialsIn,
  updateRegisterFile,
  validateRegister,
  writeNewRegisterFile,
} from '@nemid-sim/key-card';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CREATED, seededRandomBytes, tempDir } from './helpers.js';

const random = seededRandomBytes('register');
const id = (n: number): string => n.toString(16).padStart(32, '0');
const root = (): Register => newRegister({ series: ['K'], randomBytes: random, now: CREATED });

function give(register: Register, cards: number, n: number, series?: string) {
  return allocate(register, { cards, to: 'batch', id: id(n), now: CREATED, series });
}

describe('counting card numbers', () => {
  it('issuableIn counts exactly the sequence numbers that have a check digit', () => {
    let walked = 0;
    for (let n = 0; n <= 30_000; n++) {
      if (serialAt('K', n) !== null) walked++;
      if (n % 997 === 0) expect(issuableIn('K', 0, n)).toBe(walked);
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'),
        fc.integer({ min: 0, max: 99_999_000 }),
        fc.integer({ min: 0, max: 999 }),
        (letter, first, size) => {
          let count = 0;
          for (let n = first; n <= first + size; n++) if (serialAt(letter, n) !== null) count++;
          expect(issuableIn(letter, first, first + size)).toBe(count);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('serialAt gives the printed card number, or null when the check digit would be 10', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'),
        fc.integer({ min: 0, max: 99_999_999 }),
        (letter, n) => {
          const digits = String(n).padStart(8, '0');
          expect(serialAt(letter, n)).toBe(
            serialCheckDigit(letter, digits) < 0 ? null : formatSerial(letter, digits),
          );
        },
      ),
    );
  });

  it('a series holds 90,909,091 card numbers: 24 series about 2.2 billion', () => {
    expect(numbersLeft(root())[0].cards).toBe(90_909_091);
  });
});

describe('the register gives out ranges', () => {
  it('one after another, each with exactly the cards asked for, never overlapping', () => {
    let register = root();
    const ranges = [];
    for (let n = 1; n <= 200; n++) {
      const given = give(register, 50_000, n);
      register = given.register;
      ranges.push(given.range);
      expect(issuableIn('K', given.range.first, given.range.last)).toBe(50_000);
    }
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].first).toBe(ranges[i - 1].last + 1);
    // Ten million cards from one register: the numbers left went down by exactly that many.
    expect(numbersLeft(register)[0].cards).toBe(90_909_091 - 10_000_000);
    // And the card numbers themselves (a sample of whole batches) are all different.
    const seen = new Set<string>();
    for (const r of ranges.slice(0, 4)) for (const s of serialsIn(r)) seen.add(s);
    expect(seen.size).toBe(4 * 50_000);
  });

  it('in the series asked for, and refuses when no block has room', () => {
    let register = newRegister({ series: ['K', 'L'], randomBytes: random, now: CREATED });
    const l = give(register, 5, 1, 'L');
    expect(l.range.series).toBe('L');
    register = l.register;
    expect(() => give(register, 100_000_000, 2)).toThrow(/card numbers left, not 100000000/);
    expect(() => give(register, 5, 3, 'M')).toThrow(/0 card numbers left in series M/);
  });

  it('never twice to the same batch', () => {
    const { register } = give(root(), 5, 1);
    expect(() => give(register, 5, 1)).toThrow(/has given numbers to .* already/);
  });

  it('to another register a block that register alone then gives out', () => {
    const bank = root();
    const first = give(bank, 100, 1);
    const block = allocate(first.register, { cards: 1_000_000, to: 'register', id: id(99), now: CREATED });
    const shop = delegatedRegister(block.range, CREATED);
    const shopBatch = give(shop, 500, 2);
    const bankBatch = give(block.register, 500, 3);
    expect(shopBatch.range.first).toBe(block.range.first);
    expect(shopBatch.range.last).toBeLessThanOrEqual(block.range.last);
    expect(bankBatch.range.first).toBe(block.range.last + 1);
    expect(describeRange(block.range)).toMatch(/^K\d{3}-\d{3}-\d{3} to K\d{3}-\d{3}-\d{3}$/);
  });
});

describe('a register that is not consistent is refused', () => {
  const valid = give(give(root(), 10, 1).register, 10, 2).register;

  it.each([
    [
      'a range given out twice',
      (r: Register) => ({ ...r, issued: [...r.issued, { ...r.issued[0], id: id(7) }] }),
    ],
    [
      'overlapping ranges',
      (r: Register) => ({ ...r, issued: [r.issued[0], { ...r.issued[1], first: r.issued[0].last }] }),
    ],
    ['a range outside the blocks', (r: Register) => ({ ...r, issued: [{ ...r.issued[0], series: 'L' }] })],
    ['a wrong card count', (r: Register) => ({ ...r, issued: [{ ...r.issued[0], cards: 11 }] })],
    [
      'overlapping blocks',
      (r: Register) => ({ ...r, blocks: [...r.blocks, { series: 'K', first: 5, last: 6 }] }),
    ],
    [
      'a batch given numbers twice',
      (r: Register) => ({ ...r, issued: [r.issued[0], { ...r.issued[1], id: r.issued[0].id }] }),
    ],
  ])('%s', (_, change) => {
    expect(() => validateRegister(valid)).not.toThrow();
    expect(() => validateRegister(change(valid))).toThrow();
    expect(() =>
      parseRegister(JSON.stringify({ ...JSON.parse(formatRegister(valid)), ...change(valid) })),
    ).toThrow();
  });

  it('text that is not a register, or a newer version', () => {
    expect(() => parseRegister('{')).toThrow(/not JSON/);
    expect(() => parseRegister('{"format":"other"}')).toThrow(/not a card-number register/);
    const newer = { ...JSON.parse(formatRegister(valid)), version: 2 };
    expect(() => parseRegister(JSON.stringify(newer))).toThrow(/version 2 is not supported/);
  });
});

describe('the register file', () => {
  const dir = tempDir('nemid-register-');

  it('is written with mode 0600, never replaced, and read back as written', async () => {
    const path = join(dir, 'bank.json');
    const register = root();
    await writeNewRegisterFile(path, register);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await readRegisterFile(path)).toEqual(register);
    await expect(writeNewRegisterFile(path, root())).rejects.toThrow(
      /already exists \(a register is never replaced/,
    );
    expect(await readRegisterFile(path)).toEqual(register);
  });

  it('is changed under a lock: a second change at the same time is refused, and the lock goes away', async () => {
    const path = join(dir, 'locked.json');
    await writeNewRegisterFile(path, root());
    const first = updateRegisterFile(path, (r) => ({ register: give(r, 5, 1).register, result: 1 }));
    const second = updateRegisterFile(path, (r) => ({ register: give(r, 5, 2).register, result: 2 }));
    const results = await Promise.allSettled([first, second]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected');
    expect(String((refused as PromiseRejectedResult).reason)).toMatch(/in use by another run/);
    expect((await readRegisterFile(path)).issued).toHaveLength(1);
    // The lock is gone: the next change goes through.
    await updateRegisterFile(path, (r) => ({ register: give(r, 5, 3).register, result: 3 }));
    expect((await readRegisterFile(path)).issued).toHaveLength(2);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a change that throws leaves the register as it was', async () => {
    const path = join(dir, 'unchanged.json');
    await writeNewRegisterFile(path, root());
    const before = readFileSync(path, 'utf8');
    await expect(
      updateRegisterFile(path, (r) => give(r, 100_000_000, 1) && { register: r, result: 0 }),
    ).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('a changed file that gives a number out twice is refused when read', async () => {
    const path = join(dir, 'tampered.json');
    const register = give(give(root(), 10, 1).register, 10, 2).register;
    const json = JSON.parse(formatRegister(register));
    json.issued[1].first = json.issued[0].first;
    json.issued[1].last = json.issued[0].last;
    writeFileSync(path, JSON.stringify(json));
    await expect(readRegisterFile(path)).rejects.toThrow(
      /tampered.json: .*overlaps numbers given out before/,
    );
  });
});

describe('batches numbered from a register', () => {
  it('carry their range, and clashes are found before printing', () => {
    let register = root();
    const numbered = (n: number) => {
      const given = give(register, 20, n);
      register = given.register;
      const numbers = { registerId: register.registerId, ...given.range };
      return createBatch({ count: 20, randomBytes: random, now: CREATED, batchId: id(n), numbers });
    };
    const a = numbered(1);
    const b = numbered(2);
    expect(a.numbers).toMatchObject({ series: 'K', first: 0 });
    expect(a.cards.map((c) => c.serial)).toEqual(serialsIn(a.numbers ?? { series: 'K', first: 0, last: 0 }));
    expect(
      findClashes(register, [
        { name: 'a', batch: a },
        { name: 'b', batch: b },
      ]),
    ).toEqual([]);
    // A batch of random numbers that hit a range given to batch a.
    const stray = createBatch({ count: 1, randomBytes: random, now: CREATED });
    stray.cards[0].serial = a.cards[3].serial;
    expect(
      findClashes(register, [
        { name: 'a', batch: a },
        { name: 'stray', batch: stray },
      ]),
    ).toEqual([
      `card ${a.cards[3].serial} is in both a and stray`,
      `stray: 1 card number the register gave to another (${a.cards[3].serial}, given to batch ${id(1)})`,
    ]);
    // Among many ranges in two series, each stray number is found in the range it was given in.
    let wide = newRegister({ series: ['K', 'L'], randomBytes: random, now: CREATED });
    const given: IssuedRange[] = [];
    for (let n = 1; n <= 60; n++) {
      const next = give(wide, 3 + n, 100 + n, n % 2 ? 'K' : 'L');
      wide = next.register;
      given.push(next.range);
    }
    const strays = createBatch({ count: 60, randomBytes: random, now: CREATED });
    strays.cards.forEach((card, i) => {
      card.serial = serialsIn(given[i]).at(i % 3) ?? '';
    });
    const [line] = findClashes(wide, [{ name: 'strays', batch: strays }]);
    expect(line).toBe(
      `strays: 60 card numbers the register gave to another (${strays.cards[0].serial}, given to batch ${id(101)})`,
    );
    // A batch made from a copy of the register: the register has no record of it.
    const copy = { ...b, batchId: id(9) };
    expect(findClashes(register, [{ name: 'copy', batch: copy }])).toContainEqual(
      expect.stringMatching(/^copy: the register has no record of giving these numbers to batch/),
    );
  });
});
