import { randomBytes } from 'node:crypto';
import { writeNewKeyFile } from '@nemid-sim/key-card';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export function registerKeygenCommand(program: Command, io: CliIo): void {
  program
    .command('keygen')
    .description(
      'make a new random key for encrypting key-card batches: 32 bytes as 64 hex digits, written with ' +
        'mode 0600. Keep it secret and backed up; without it a batch cannot be opened.',
    )
    .requiredOption('--out <file>', 'where to write the key file (an existing file is left alone)')
    .option('--force', 'replace the file if it already exists')
    .action(async (opts: { out: string; force?: boolean }) => {
      await writeNewKeyFile(opts.out, randomBytes, opts.force ?? false);
      io.stderr.write(`nemid: wrote a new key file to ${opts.out} (mode 0600)\n`);
    });
}
