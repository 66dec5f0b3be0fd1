import { CARD_SLOTS } from '@nemid-sim/core';
import { findCard, parseSerial } from '@nemid-sim/key-card';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { choiceOption, integerOption } from '../options.js';
import { addBatchOptions, type BatchOpts, openBatch } from './card-batch.js';
import {
  addUserOption,
  addVerifierOptions,
  type UserOpts,
  type VerifierOpts,
  withUser,
  withVerifier,
} from './server-store.js';
import { describeCard } from './server-user.js';

/** `nemid server card ...`: key cards from a print shop's batch to a user, and blocking them (KC-3, KC-5). */
export function registerServerCardCommands(server: Command): void {
  const card = server.command('card').description('key cards held by users');

  addVerifierOptions(
    addBatchOptions(
      addUserOption(
        card
          .command('import')
          .description(
            'issue cards from a key-card batch (`nemid card new`) to a user; the secrets are stored encrypted ' +
              'under the master key. Each card is issued on its own: a refused one (already issued, or the ' +
              'user holds 4 active cards) is named on stderr and the command exits 2.',
          ),
      ).requiredOption(
        '--card <number...>',
        'the card numbers to issue, like A123-456-789 (up to 4 active per user)',
      ),
    ),
  ).action(async (opts: UserOpts & BatchOpts & { card: string[] }) => {
    const batch = await openBatch(opts);
    const cards = opts.card.map((number) => findCard(batch, parseSerial(number)));
    const result = await withUser(opts, (v, u) =>
      v.importCards(cards.map((c) => ({ serial: c.serial, secret: c.secret, userId: u.userId }))),
    );
    for (const serial of result.imported) process.stdout.write(`issued ${serial}\n`);
    for (const r of result.refused) process.stderr.write(`nemid: card ${r.serial} refused: ${r.reason}\n`);
    if (result.refused.length > 0) process.exitCode = 2;
  });

  addVerifierOptions(
    addUserOption(
      card
        .command('list')
        .description(
          "list a user's cards in issue order: number, status (active, exhausted, blocked, revoked), keys " +
            'left, which one is current (the next key is asked from it) and when it was issued',
        ),
    ).option('--json', 'print the cards as a JSON array'),
  ).action(async (opts: UserOpts & { json?: boolean }) => {
    const cards = await withUser(opts, (v, u) => v.listCards(u.userId));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(cards)}\n`);
      return;
    }
    process.stdout.write(
      cards.length === 0 ? 'no cards\n' : cards.map((c) => `${describeCard(c)}\n`).join(''),
    );
  });

  addVerifierOptions(
    card
      .command('block')
      .description(
        'block a card at once by its number (KC-5): lost, or found and handed in (the owner is told). The ' +
          "user's next card, if any, takes over.",
      )
      .requiredOption('--card <number>', 'the card number, like A123-456-789 (its check digit is checked)')
      .addOption(
        new Option('--reason <reason>', 'lost, or found (handed in by someone else)')
          .argParser(choiceOption('--reason', ['lost', 'found'] as const))
          .makeOptionMandatory(),
      ),
  ).action(async (opts: VerifierOpts & { card: string; reason: 'lost' | 'found' }) => {
    const serial = parseSerial(opts.card);
    const blocked = await withVerifier(opts, (v) => v.blockCard(serial, opts.reason));
    if (!blocked) throw new UsageError(`no card ${serial} has been issued`);
    process.stdout.write(`card ${serial} blocked (${opts.reason})\n`);
  });

  addVerifierOptions(
    addUserOption(
      card
        .command('threshold')
        .description(
          'set how many keys left on the current card make the verifier order the next one (KC-3)',
        ),
    ).requiredOption(
      '--keys-left <n>',
      `keys left, 0 to ${CARD_SLOTS - 1}`,
      integerOption('--keys-left', 0, CARD_SLOTS - 1),
    ),
  ).action(async (opts: UserOpts & { keysLeft: number }) => {
    const found = await withUser(opts, async (v, u) => {
      await v.setReorderThreshold(u.userId, opts.keysLeft);
      return u;
    });
    process.stdout.write(`NemID ${found.nemIdNumber}: a new card is ordered at ${opts.keysLeft} keys left\n`);
  });
}
