import type { Command } from 'commander';
import { registerServerCardCommands } from './server-card.js';
import { registerServeCommand } from './server-serve.js';
import {
  addStoreOptions,
  addVerifierOptions,
  initStore,
  storeName,
  type VerifierOpts,
  withVerifier,
} from './server-store.js';
import { registerServerTokenCommands } from './server-token.js';
import { registerServerUserCommands } from './server-user.js';

export function registerServerCommands(program: Command): void {
  const server = program
    .command('server')
    .description(
      'the server verifier for operators: set up its database, enrol users, issue key cards and key ' +
        "displays, block and unblock them, read a user's log, and serve it over HTTP. Exit codes: 0 done, " +
        '2 refused (bad input, not found, in conflict, wrong database or master key; one line on stderr), ' +
        '3 internal error, 4 the database cannot answer now (try again).',
    );

  addStoreOptions(
    server
      .command('init')
      .description(
        'create the database (SQLite file, or the tables in a PostgreSQL schema) and give it the master ' +
          'key: from then on every command must use that key, and is refused with another. Make the key ' +
          'first with `nemid keygen --out master.key` and keep it safe: without it the card and token ' +
          'secrets cannot be read. On a database that exists already, init changes nothing (it says so) ' +
          'and only checks the key.',
      ),
  )
    .requiredOption(
      '--master-key-file <file>',
      'the 32-byte master key the database gets (64 hex digits; make one with `nemid keygen --out FILE`)',
    )
    .action(async (opts: VerifierOpts) => {
      const outcome = await initStore(opts);
      const name = storeName(opts);
      const lines = {
        created: `created the verifier database ${name}; its master key is the one in ${opts.masterKeyFile}`,
        existing: `${name} is a verifier database already, with this master key: nothing changed`,
        claimed:
          `${name} is a verifier database already; it had no master key yet and now belongs to the one ` +
          `in ${opts.masterKeyFile}`,
      };
      process.stdout.write(`${lines[outcome]}\n`);
    });

  registerServeCommand(server);

  const provider = server.command('provider').description('service providers users log on to (S-3)');
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

  registerServerUserCommands(server);
  registerServerCardCommands(server);
  registerServerTokenCommands(server);
}
