import { readFile } from 'node:fs/promises';
import { findCard } from '@nemid-sim/key-card';
import type { VendorToken } from '@nemid-sim/server-verifier';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { addBatchOptions, type BatchOpts, openBatch } from './card-batch.js';
import { registerServeCommand } from './server-serve.js';
import {
  addStoreOptions,
  addVerifierOptions,
  openStore,
  readStdinLine,
  resolveUser,
  type StoreOpts,
  type VerifierOpts,
  withVerifier,
} from './server-store.js';

const compactSerial = (s: string): string => s.replace(/[\s-]/g, '').toUpperCase();

export function registerServerCommands(program: Command): void {
  const server = program
    .command('server')
    .description('the server verifier: set up its database, add users and cards, and serve it over HTTP');

  addStoreOptions(
    server.command('init').description('create the database (or schema) and bring it to the newest version'),
  ).action(async (opts: StoreOpts) => {
    const store = await openStore(opts, true);
    await store.close();
    process.stdout.write(`database ready: ${opts.db ?? `PostgreSQL schema ${opts.pgSchema ?? 'public'}`}\n`);
  });

  registerServeCommand(server);

  const provider = server.command('provider').description('service providers (S-3)');
  addVerifierOptions(
    provider
      .command('add')
      .description('register (or update) a service provider that users log on to')
      .requiredOption('--id <id>', 'the provider id backends send, like "bank" or "skat"')
      .requiredOption('--name <name>', 'the name shown in logs')
      .option('--cpr-approved', 'the provider may receive the CPR number (else a per-provider pseudonym)')
      .option('--bank', 'the provider is a bank (a bank-only NemID may log on here)'),
  ).action(
    async (opts: VerifierOpts & { id: string; name: string; cprApproved?: boolean; bank?: boolean }) => {
      await withVerifier(opts, (v) =>
        v.registerProvider({
          id: opts.id,
          name: opts.name,
          cprApproved: opts.cprApproved ?? false,
          isBank: opts.bank ?? false,
        }),
      );
      process.stdout.write(`provider ${opts.id} registered\n`);
    },
  );

  const user = server.command('user').description('NemID users');
  addVerifierOptions(
    user
      .command('add')
      .description('enrol a user; the password is read from the first line of standard input')
      .requiredOption('--name <name>', 'full name')
      .option('--cpr <DDMMYY-SSSS>', 'CPR number (a full NemID); without it the NemID is bank-only')
      .option('--birth-date <YYYY-MM-DD>', 'birth date, for a person without CPR number')
      .option('--alias <id>', 'a self-chosen user id')
      .option('--mobile <number>', 'mobile number')
      .option('--email <address>', 'e-mail address')
      .requiredOption(
        '--password-stdin',
        'read the password from standard input (never from the command line)',
      ),
  ).action(
    async (
      opts: VerifierOpts & {
        name: string;
        cpr?: string;
        birthDate?: string;
        alias?: string;
        mobile?: string;
        email?: string;
      },
    ) => {
      const password = await readStdinLine();
      if (password === '') throw new UsageError('give the password on the first line of standard input');
      const enrolled = await withVerifier(opts, (v) =>
        v.enrol({
          name: opts.name,
          cpr: opts.cpr ?? null,
          birthDate: opts.birthDate ?? null,
          alias: opts.alias ?? null,
          mobile: opts.mobile ?? null,
          email: opts.email ?? null,
          password,
        }),
      );
      process.stdout.write(
        `user ${enrolled.userId}\nNemID number ${enrolled.nemIdNumber}\neligibility ${enrolled.eligibility}\n`,
      );
    },
  );

  const card = server.command('card').description('key cards held by users');
  addVerifierOptions(
    addBatchOptions(
      card
        .command('import')
        .description(
          'issue cards from a key-card batch (`nemid card new`) to a user; the secrets are stored encrypted ' +
            'under the master key',
        )
        .requiredOption('--user <id>', 'the user: NemID number, CPR number, alias or internal user id')
        .requiredOption(
          '--card <number...>',
          'the card numbers to issue, like A123-456-789 (up to 4 per user)',
        ),
    ),
  ).action(async (opts: VerifierOpts & BatchOpts & { user: string; card: string[] }) => {
    const batch = await openBatch(opts);
    const result = await withVerifier(opts, async (v) => {
      const userId = await resolveUser(v, opts.user);
      const cards = opts.card.map((number) => {
        const inBatch = batch.cards.find((c) => compactSerial(c.serial) === compactSerial(number));
        const found = inBatch ?? findCard(batch, number);
        return { serial: found.serial, secret: found.secret, userId };
      });
      return v.importCards(cards);
    });
    for (const serial of result.imported) process.stdout.write(`issued ${serial}\n`);
    for (const r of result.refused) process.stderr.write(`nemid: card ${r.serial} refused: ${r.reason}\n`);
    if (result.refused.length > 0) process.exitCode = 1;
  });

  const token = server.command('token').description('key displays (nøgleviser)');
  addVerifierOptions(
    token
      .command('register')
      .description(
        'register key displays from device files made by `nemid device new` (all or nothing); their secrets ' +
          'are stored encrypted under the master key',
      )
      .requiredOption('--device <file...>', 'one or more device files'),
  ).action(async (opts: VerifierOpts & { device: string[] }) => {
    const tokens = await Promise.all(opts.device.map(readDeviceFile));
    const n = await withVerifier(opts, (v) => v.registerTokens(tokens));
    process.stdout.write(`registered ${n} key display${n === 1 ? '' : 's'}\n`);
  });
  addVerifierOptions(
    token
      .command('assign')
      .description('give a registered key display to a user (one per NemID); it works once activated (T-7)')
      .requiredOption('--user <id>', 'the user: NemID number, CPR number, alias or internal user id')
      .requiredOption('--serial <digits>', 'the 16-digit serial'),
  ).action(async (opts: VerifierOpts & { user: string; serial: string }) => {
    const view = await withVerifier(opts, async (v) =>
      v.assignToken(await resolveUser(v, opts.user), opts.serial),
    );
    process.stdout.write(
      `assigned ${view.tokenSerial} (${view.kind}); activate it with "switch to key display"\n`,
    );
  });
}

/** A simulated device's file, as a vendor batch entry. Errors never quote the file (it holds the secret). */
async function readDeviceFile(path: string): Promise<VendorToken> {
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== undefined) throw err;
    throw new UsageError(`${path} is not a device file (not JSON)`);
  }
  const secretHex = d.secretHex;
  const kind = d.mode;
  if (
    d.format !== 'nemid-sim-device' ||
    typeof d.serial !== 'string' ||
    (kind !== 'hotp' && kind !== 'totp') ||
    typeof secretHex !== 'string' ||
    !/^([0-9a-f]{2}){10,}$/i.test(secretHex)
  ) {
    throw new UsageError(`${path} is not a device file made by \`nemid device new\``);
  }
  const algorithm = d.algorithm === 'sha256' || d.algorithm === 'sha512' ? d.algorithm : 'sha1';
  return {
    serial: d.serial,
    kind,
    secret: Uint8Array.from(Buffer.from(secretHex, 'hex')),
    algorithm,
    digits: typeof d.digits === 'number' ? d.digits : 6,
    stepSeconds: typeof d.stepSeconds === 'number' ? d.stepSeconds : 30,
    t0: typeof d.t0Seconds === 'number' ? d.t0Seconds : 0,
  };
}
