import { randomBytes } from 'node:crypto';
import { writeFileAtomic, writeNewKeyFile } from '@nemid-sim/key-card';
import { formatPskFile, PSK_BYTES } from '@nemid-sim/pskc';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export function registerKeygenCommand(program: Command, io: CliIo): void {
  program
    .command('keygen')
    .description(
      'make a new random key for encrypting key-card batches: 32 bytes as 64 hex digits, written with ' +
        'mode 0600. Keep it secret and backed up; without it a batch cannot be opened. With --psk, a ' +
        'pre-shared key for PSKC token deliveries instead.',
    )
    .requiredOption('--out <file>', 'where to write the key file (an existing file is left alone)')
    .option(
      '--psk',
      'make a PSKC pre-shared key (RFC 6030 6.1): 16 bytes (AES-128) as 32 hex digits, the form privacyIDEA takes',
    )
    .option('--force', 'replace the file if it already exists')
    .action(async (opts: { out: string; psk?: boolean; force?: boolean }) => {
      const overwrite = opts.force ?? false;
      if (opts.psk) {
        await writeFileAtomic(opts.out, formatPskFile(new Uint8Array(randomBytes(PSK_BYTES))), {
          mode: 0o600,
          overwrite,
        });
        io.stderr.write(`nemid: wrote a new PSKC pre-shared key to ${opts.out} (mode 0600)\n`);
        return;
      }
      await writeNewKeyFile(opts.out, randomBytes, overwrite);
      io.stderr.write(`nemid: wrote a new key file to ${opts.out} (mode 0600)\n`);
    });
}
