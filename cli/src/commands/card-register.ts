import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import {
  allocate,
  type Batch,
  delegatedRegister,
  describeRange,
  findClashes,
  newRegister,
  numbersLeft,
  type Register,
  randomId,
  readBatchFile,
  readKeyFile,
  readRegisterFile,
  SERIAL_LETTERS,
  updateRegisterFile,
  writeNewRegisterFile,
} from '@nemid-sim/key-card';
import { type Command, InvalidArgumentError } from 'commander';
import { NoMatch, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { integerOption } from '../options.js';

export function seriesOption(value: string): string {
  const letter = value.trim().toUpperCase();
  if (letter.length !== 1 || !SERIAL_LETTERS.includes(letter)) {
    throw new InvalidArgumentError(`--series must be one letter of ${SERIAL_LETTERS} (not I or O).`);
  }
  return letter;
}

const collectSeries = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  seriesOption(value),
];
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * Gives the next `cards` numbers of a register to a new batch, under the register's lock, and
 * returns the range as the batch records it. The register is written before any card is made.
 */
export async function numbersForBatch(
  path: string,
  request: { cards: number; batchId: string; series?: string },
): Promise<NonNullable<Batch['numbers']>> {
  return updateRegisterFile(path, (register) => {
    const { register: next, range } = allocate(register, {
      cards: request.cards,
      to: 'batch',
      id: request.batchId,
      now: new Date(),
      series: request.series,
    });
    const numbers = {
      registerId: register.registerId,
      series: range.series,
      first: range.first,
      last: range.last,
    };
    return { register: next, result: numbers };
  });
}

export function registerCardRegisterCommands(card: Command, io: CliIo): void {
  const register = card
    .command('register')
    .description(
      'the register of card numbers: which numbers a bank may give out and which it has given to each ' +
        'print run, so no two cards ever get the same number (docs/card-numbers.md)',
    );

  register
    .command('new')
    .description(
      "make a register: with --series, the bank's own (whole series letters); with --from and --cards, " +
        'one for a second print shop or machine, holding a block that the --from register gives out to it',
    )
    .requiredOption('--out <file>', 'where to write the register (an existing register is never replaced)')
    .option('--series <letter>', 'a series letter the register owns; repeat for more', collectSeries)
    .option('--from <file>', 'the register to take a block of numbers from')
    .option(
      '--cards <n>',
      'with --from: how many card numbers the block holds',
      integerOption('--cards', 1, 90_909_091),
    )
    .action(async (opts: { out: string; series?: string[]; from?: string; cards?: number }) => {
      if (opts.from === undefined) {
        if (opts.series === undefined || opts.cards !== undefined) {
          throw new UsageError(
            'give either --series (a new register) or --from and --cards (a block of another)',
          );
        }
        const made = newRegister({ series: opts.series ?? [], randomBytes, now: new Date() });
        await writeNewRegisterFile(opts.out, made);
        io.stdout.write(
          `register ${made.registerId}: series ${made.blocks.map((b) => b.series).join(', ')} written to ${opts.out}\n`,
        );
        return;
      }
      if (opts.cards === undefined)
        throw new UsageError('--from needs --cards: how many numbers to give the new register');
      if ((opts.series?.length ?? 0) > 1)
        throw new UsageError('a block given out by --from has one series letter');
      await refuseExisting(opts.out);
      const id = randomId(randomBytes);
      const cards = opts.cards;
      const block = await updateRegisterFile(opts.from, (parent) => {
        const { register: next, range } = allocate(parent, {
          cards,
          to: 'register',
          id,
          now: new Date(),
          series: opts.series?.[0],
        });
        return { register: next, result: range };
      });
      await writeNewRegisterFile(opts.out, delegatedRegister(block, new Date()));
      io.stdout.write(
        `register ${id}: ${block.cards} card numbers (${describeRange(block)}) from ${opts.from} written to ${opts.out}\n`,
      );
    });

  register
    .command('list')
    .description(
      'show what a register owns, what it has given out (to which batch or register) and what is left',
    )
    .requiredOption('--register <file>', 'the register')
    .option('--json', 'print the register itself as JSON, with the numbers left per block')
    .action(async (opts: { register: string; json?: boolean }) => {
      const r = await readRegisterFile(opts.register);
      const left = numbersLeft(r);
      if (opts.json) {
        io.stdout.write(
          `${JSON.stringify({ ...r, left: left.map((b) => ({ ...b.block, next: b.next, cards: b.cards })) }, null, 2)}\n`,
        );
        return;
      }
      io.stdout.write(listing(r, left));
    });

  register
    .command('check')
    .description(
      'check batches against a register before printing them: every card number must come from a range ' +
        'the register gave to that batch (or to the register that made it), and no number may be in two batches. ' +
        'Exit 1 and one line per clash when one is found.',
    )
    .requiredOption('--register <file>', 'the register')
    .requiredOption('--key-file <file>', 'the key file the batches were encrypted with')
    .requiredOption('--secrets <file>', 'a batch file to check; repeat for more', collect)
    .action(async (opts: { register: string; keyFile: string; secrets: string[] }) => {
      const r = await readRegisterFile(opts.register);
      const key = await readKeyFile(opts.keyFile);
      const batches: { name: string; batch: Batch }[] = [];
      for (const path of opts.secrets) batches.push({ name: path, batch: await readBatchFile(path, key) });
      const clashes = findClashes(r, batches);
      for (const clash of clashes) io.stderr.write(`nemid: ${clash}\n`);
      if (clashes.length > 0)
        throw new NoMatch(
          `${clashes.length} clash${clashes.length === 1 ? '' : 'es'}: do not print these batches as they are`,
        );
      io.stdout.write(
        `no clash: ${batches.reduce((n, b) => n + b.batch.cards.length, 0)} card numbers in ${batches.length} batch${batches.length === 1 ? '' : 'es'}\n`,
      );
    });
}

async function refuseExisting(path: string): Promise<void> {
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new UsageError(
      `${path} already exists (a register is never replaced: its numbers would be given out again)`,
    );
  }
}

function listing(r: Register, left: ReturnType<typeof numbersLeft>): string {
  const lines = [`register ${r.registerId}, made ${r.createdAt}`, 'owns:'];
  for (const b of left) lines.push(`  ${describeRange(b.block)}: ${b.cards} card numbers left`);
  lines.push(r.issued.length === 0 ? 'has given out nothing yet' : 'has given out:');
  for (const i of r.issued)
    lines.push(`  ${describeRange(i)}: ${i.cards} cards to ${i.to} ${i.id} at ${i.at}`);
  return `${lines.join('\n')}\n`;
}
