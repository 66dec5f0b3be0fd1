import { randomBytes } from 'node:crypto';
import {
  createBatch,
  findCard,
  MAX_BATCH_CARDS,
  parseSerial,
  printedKeys,
  readKeyFile,
  renderText,
  SERIAL_LETTERS,
  writeBatchFile,
} from '@nemid-sim/key-card';
import { type Command, InvalidArgumentError } from 'commander';
import type { CliIo } from '../io.js';
import { integerOption } from '../options.js';
import { addBatchOptions, type BatchOpts, openBatch } from './card-batch.js';
import { registerCardPrintCommand } from './card-print.js';

function seriesOption(value: string): string {
  const letter = value.trim().toUpperCase();
  if (letter.length !== 1 || !SERIAL_LETTERS.includes(letter)) {
    throw new InvalidArgumentError(`--series must be one letter of ${SERIAL_LETTERS} (not I or O).`);
  }
  return letter;
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
      '--series <letter>',
      'give every card number this letter (default: a random letter per card)',
      seriesOption,
    )
    .option('--force', 'replace the secrets file if it already exists')
    .action(
      async (opts: { count: number; keyFile: string; out: string; series?: string; force?: boolean }) => {
        const key = await readKeyFile(opts.keyFile);
        const batch = createBatch({ count: opts.count, randomBytes, now: new Date(), series: opts.series });
        await writeBatchFile(opts.out, batch, key, randomBytes, opts.force ?? false);
        io.stdout.write(`batch ${batch.batchId}: ${batch.cards.length} cards written to ${opts.out}\n`);
      },
    );

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
}
