import type { CardView, PasswordView, TokenView, UserView } from '@nemid-sim/server-verifier';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { choiceOption } from '../options.js';
import { registerServerAuditCommand } from './server-audit.js';
import {
  addUserOption,
  addVerifierOptions,
  readStdinLine,
  type UserOpts,
  type VerifierOpts,
  withUser,
  withVerifier,
} from './server-store.js';

const CHANNELS = ['bank', 'support', 'sms'] as const;

/** `nemid server user ...`: a NemID's whole life, from enrolment to deletion (ID-2..ID-5, S-4, KC-8). */
export function registerServerUserCommands(server: Command): void {
  const user = server
    .command('user')
    .description('NemID users: enrol, look up, passwords, block, delete, log');

  addVerifierOptions(
    user
      .command('add')
      .description('enrol a user; the password is read from the first line of standard input')
      .requiredOption('--name <name>', 'full name')
      .option('--cpr <DDMMYY-SSSS>', 'CPR number (a full NemID); without it the NemID is bank-only')
      .option('--birth-date <YYYY-MM-DD>', 'birth date, for a person without CPR number')
      .option('--alias <id>', 'a self-chosen user id')
      .option('--mobile <number>', 'mobile number (needed for temporary passwords by SMS)')
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

  addVerifierOptions(
    addUserOption(
      user
        .command('show')
        .description(
          'find a user by NemID number, CPR number or alias and show the NemID, its password state (locked, ' +
            'blocked, temporary), its key cards and key display (no secrets)',
        ),
    ).option('--json', 'print {"user", "password", "cards", "token"} as JSON'),
  ).action(async (opts: UserOpts & { json?: boolean }) => {
    const state = await withUser(opts, async (v, found) => ({
      user: found,
      password: await v.passwordState(found.userId),
      cards: await v.listCards(found.userId),
      token: await v.getToken(found.userId),
    }));
    process.stdout.write(opts.json ? `${JSON.stringify(state)}\n` : describeUser(state));
  });

  addVerifierOptions(
    addUserOption(
      user
        .command('temporary-password')
        .description(
          'issue a temporary password (ID-3): it works at once, lifts a lock or block of the password, and ' +
            'the user is asked to choose a new one at the next log-on. Printed for the bank or support to ' +
            'hand over; for --channel sms, with the mobile number on file to send it to.',
        ),
    ).addOption(
      new Option('--channel <channel>', 'who hands it over: bank, support or sms')
        .argParser(choiceOption('--channel', CHANNELS))
        .makeOptionMandatory(),
    ),
  ).action(async (opts: UserOpts & { channel: (typeof CHANNELS)[number] }) => {
    const issued = await withUser(opts, (v, u) => v.issueTemporaryPassword(u.userId, opts.channel));
    const sendTo = issued.sendTo === null ? '' : `send by SMS to ${issued.sendTo}\n`;
    process.stdout.write(`temporary password ${issued.password}\n${sendTo}`);
  });

  addVerifierOptions(
    addUserOption(
      user
        .command('unlock')
        .description(
          'lift a password lock (ID-3) before its 8 hours are over; a password blocked for good needs a ' +
            'temporary password instead',
        ),
    ),
  ).action(async (opts: UserOpts) => {
    const found = await withUser(opts, async (v, u) => {
      await v.unlockPassword(u.userId);
      return u;
    });
    process.stdout.write(`password of NemID ${found.nemIdNumber} unlocked\n`);
  });

  addVerifierOptions(
    addUserOption(
      user
        .command('block')
        .description(
          'block the whole NemID at once on suspected misuse (S-4): no log-on or signing with any card or ' +
            'key display until it is unblocked',
        ),
    ),
  ).action(async (opts: UserOpts) => {
    const found = await withUser(opts, async (v, u) => {
      await v.blockNemId(u.userId, 'blocked by an operator (nemid server user block)');
      return u;
    });
    process.stdout.write(`NemID ${found.nemIdNumber} blocked\n`);
  });

  addVerifierOptions(
    addUserOption(user.command('unblock').description('lift the block of a NemID (S-4)')),
  ).action(async (opts: UserOpts) => {
    const found = await withUser(opts, async (v, u) => {
      await v.unblockNemId(u.userId);
      return u;
    });
    process.stdout.write(`NemID ${found.nemIdNumber} unblocked\n`);
  });

  addVerifierOptions(
    addUserOption(
      user
        .command('delete')
        .description(
          "delete a NemID on the holder's request (KC-8): it can never log on again; name, address, " +
            'contact details and alias are removed, active cards blocked and the key display retired. The ' +
            'audit log and the CPR number stay (the person may enrol again). Cannot be undone.',
        ),
    ).option('--yes', 'confirm: the deletion cannot be undone'),
  ).action(async (opts: UserOpts & { yes?: boolean }) => {
    if (!opts.yes) throw new UsageError('deleting a NemID cannot be undone: add --yes to confirm');
    const found = await withUser(opts, async (v, u) => {
      await v.deleteNemId(u.userId);
      return u;
    });
    process.stdout.write(`NemID ${found.nemIdNumber} deleted\n`);
  });

  registerServerAuditCommand(user);
}

const time = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

export function describeCard(c: CardView): string {
  return `${c.cardNumber}  ${c.status}  ${c.keysLeft} keys left${c.current ? '  current' : ''}  issued ${time(c.issuedAt)}`;
}

function describeToken(t: TokenView | null): string {
  if (t === null) return 'none';
  return (
    `${t.tokenSerial}  ${t.kind.toUpperCase()}  ${t.state}  activated ${time(t.activatedAt)}  ` +
    `last used ${time(t.lastUsedAt)}`
  );
}

/** The state of a NemID as support reads it, one fact a line. */
function describePassword(p: PasswordView | null): string {
  if (p === null) return 'none';
  const state = p.state === 'locked' ? `locked until ${time(p.lockedUntil)}` : p.state;
  return `${state}${p.failures > 0 ? `  ${p.failures} wrong in a row` : ''}${p.temporary ? '  temporary' : ''}  set ${time(p.setAt)}`;
}

export function describeUser(state: {
  user: UserView;
  password: PasswordView | null;
  cards: CardView[];
  token: TokenView | null;
}): string {
  const u = state.user;
  const rows: [string, string][] = [
    ['user', u.userId],
    ['NemID number', u.nemIdNumber],
    ['CPR number', u.cpr ?? '-'],
    ['alias', u.alias ?? '-'],
    ['name', u.name],
    ['address', u.address ?? '-'],
    ['mobile', u.mobile ?? '-'],
    ['e-mail', u.email ?? '-'],
    ['eligibility', u.eligibility],
    ['status', u.status],
    ['password', describePassword(state.password)],
    ['site logging', u.siteLogOptIn ? 'on' : 'off'],
    ['reorder at', `${u.reorderThreshold} keys left`],
    ...(state.cards.length === 0
      ? [['card', 'none'] as [string, string]]
      : state.cards.map((c): [string, string] => ['card', describeCard(c)])),
    ['key display', describeToken(state.token)],
  ];
  return rows.map(([k, v]) => `${k.padEnd(14)}${v}\n`).join('');
}
