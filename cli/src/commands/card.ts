import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  createBatch,
  describeRange,
  findCard,
  MAX_BATCH_CARDS,
  parseSerial,
  printedKeys,
  randomId,
  readKeyFile,
  renderText,
  writeBatchFile,
} from '@nemid-sim/key-card';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { integerOption } from '../options.js';
import { addBatchOptions, type BatchOpts, openBatch } from './card-batch.js';
import { registerCardPrintCommand } from './card-print.js';
import { numbersForBatch, registerCardRegisterCommands, seriesOption } from './card-register.js';

interface NewOpts {
  count: number;
  keyFile: string;
  out: string;
  register?: string;
  series?: string;
  force?: boolean;
}

export function registerCardCommands(program: Command, io: CliIo): void {
  const card = program
    .command('card')
    .description(
      'key cards (nøglekort): make batches of cards, list and show them, and print them for a print shop',
    );

  card
    .command('new')
    .description(
      'make a batch of new cards, each with a fresh random 32-byte secret and its own card number, and ' +
        'write it encrypted (XChaCha20-Poly1305) to one secrets file',
    )
    .requiredOption(
      '--count <n>',
      `how many cards, 1 to ${MAX_BATCH_CARDS}`,
      integerOption('--count', 1, MAX_BATCH_CARDS),
    )
    .requiredOption(
      '--key-file <file>',
      'the key file to encrypt the batch with (make one with `nemid keygen`)',
    )
    .requiredOption('--out <file>', 'where to write the secrets file (an existing file is left alone)')
    .option(
      '--register <file>',
      'take the card numbers from this register (`nemid card register new`), which records them, so no ' +
        'other batch from it gets them (default: numbers drawn at random, unique within this batch only)',
    )
    .option(
      '--series <letter>',
      "the card numbers' letter (default: with --register, the first series with room; without, a random letter per card)",
      seriesOption,
    )
    .option('--force', 'replace the secrets file if it already exists')
    .action(async (opts: NewOpts) => {
      const key = await readKeyFile(opts.keyFile);
      if (opts.register === undefined) {
        const batch = createBatch({ count: opts.count, randomBytes, now: new Date(), series: opts.series });
        await writeBatchFile(opts.out, batch, key, randomBytes, opts.force ?? false);
        io.stdout.write(`batch ${batch.batchId}: ${batch.cards.length} cards written to ${opts.out}\n`);
        io.stderr.write(
          'nemid: note: these card numbers were drawn at random and are recorded nowhere; another batch may ' +
            'draw the same ones. For cards a bank will issue, use --register.\n',
        );
        return;
      }
      // Fail before the register gives out numbers that would then never be used.
      if (!opts.force && existsSync(opts.out)) {
        throw new UsageError(`${opts.out} already exists (use --force to replace it)`);
      }
      const batchId = randomId(randomBytes);
      const numbers = await numbersForBatch(opts.register, {
        cards: opts.count,
        batchId,
        series: opts.series,
      });
      const batch = createBatch({ count: opts.count, randomBytes, now: new Date(), batchId, numbers });
      await writeBatchFile(opts.out, batch, key, randomBytes, opts.force ?? false);
      io.stdout.write(
        `batch ${batch.batchId}: ${batch.cards.length} card${batch.cards.length === 1 ? '' : 's'}, ${describeRange(numbers)}, written to ${opts.out}\n`,
      );
    });

  addBatchOptions(
    card
      .command('list')
      .description('print the card numbers in a batch, one a line')
      .option('--json', 'print {"batchId", "createdAt", "cards": [{"serial"}, ...]} instead'),
  ).action(async (opts: BatchOpts & { json?: boolean }) => {
    const batch = await openBatch(opts);
    if (opts.json) {
      const out = {
        batchId: batch.batchId,
        createdAt: batch.createdAt,
        cards: batch.cards.map((c) => ({ serial: c.serial })),
      };
      io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    io.stdout.write(batch.cards.map((c) => `${c.serial}\n`).join(''));
  });

  addBatchOptions(
    card
      .command('show')
      .description(
        'print one card as plain text: its card number and 148 key numbers and keys in printed order',
      )
      .requiredOption(
        '--serial <card-number>',
        'the card number, like A123-456-789 (dashes and spaces optional)',
      )
      .option(
        '--json',
        'print {"serial", "keys": [{"number", "key"}, ...]} with all 148 keys in printed order',
      ),
  ).action(async (opts: BatchOpts & { serial: string; json?: boolean }) => {
    const serial = parseSerial(opts.serial);
    const found = findCard(await openBatch(opts), serial);
    if (opts.json) {
      io.stdout.write(`${JSON.stringify({ serial, keys: printedKeys(found.secret) }, null, 2)}\n`);
      return;
    }
    io.stdout.write(renderText(found));
  });

  registerCardPrintCommand(card, io);
  registerCardRegisterCommands(card, io);
}
