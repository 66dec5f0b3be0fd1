import { existsSync } from 'node:fs';
import { writeFileAtomic } from '@nemid-sim/key-card';
import { MAX_PSKC_BYTES, type MacAlgorithm, parsePskc, readPskcFile } from '@nemid-sim/pskc';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { choiceOption } from '../options.js';
import { type KeyOpts, PASSWORD_HELP, PSK_HELP, pskcSecrets } from './pskc-keys.js';
import { addVerifierOptions, type VerifierOpts, withVerifier } from './server-store.js';

interface ImportOpts extends VerifierOpts, KeyOpts {
  pskc: string;
  allowPlaintext?: boolean;
  allowMissingMac?: boolean;
  skipUnsupported?: boolean;
}

interface ExportOpts extends VerifierOpts, KeyOpts {
  pskc: string;
  mac: MacAlgorithm;
  force?: boolean;
}

const KEY_PACKAGE = /<(?:[\w.-]+:)?KeyPackage[\s>]/g;

/** `nemid server token import|export`: key displays in PSKC (RFC 6030), from a vendor or to another server. */
export function registerServerPskcCommands(token: Command): void {
  addVerifierOptions(
    token
      .command('import')
      .description(
        "register a vendor's PSKC delivery (RFC 6030, as `nemid device batch` writes it): every key or none. " +
          'Every MAC is checked before a secret is decrypted; secrets in plain text, encrypted ones without ' +
          `a MAC, and keys of an unknown algorithm refuse the file unless allowed below. A file over ${MAX_PSKC_BYTES / 2 ** 20} MiB ` +
          'is refused before it is read. The key displays go to stock, each at its counter or clock offset.',
      )
      .requiredOption('--pskc <file>', 'the PSKC document')
      .option('--psk-file <file>', PSK_HELP)
      .option('--password-file <file>', PASSWORD_HELP)
      .option('--allow-plaintext', 'accept secrets that are not encrypted (only from a trusted channel)')
      .option('--allow-missing-mac', 'accept encrypted secrets without a MAC (they cannot be checked)')
      .option(
        '--skip-unsupported',
        'leave out keys of an unknown algorithm (each named on stderr) instead of refusing the file',
      ),
  ).action(async (opts: ImportOpts) => {
    const xml = readPskcFile(opts.pskc);
    const secrets = pskcSecrets(opts, false);
    const options = {
      allowPlaintext: opts.allowPlaintext,
      allowMissingMac: opts.allowMissingMac,
      skipUnsupportedKeys: opts.skipUnsupported,
    };
    // The verifier reports only how many it registered; the reader says which keys it left out.
    const skipped = opts.skipUnsupported ? parsePskc(xml, secrets, options).skipped : [];
    const n = await withVerifier(opts, (v) => v.importPskc(xml, secrets, options));
    for (const s of skipped) process.stderr.write(`nemid: skipped key ${s.id}: ${s.reason}\n`);
    process.stdout.write(`registered ${n} key display${n === 1 ? '' : 's'} from ${opts.pskc}\n`);
  });

  addVerifierOptions(
    token
      .command('export')
      .description(
        'write the key displays in use or in stock as a PSKC document (RFC 6030) for another server, ' +
          'each with its current counter (HOTP) or clock offset (TOTP), secrets encrypted under the ' +
          'pre-shared key or password and MACed. The file is mode 0600; the server that imports it goes ' +
          'on where this one stopped, so stop using these key displays here.',
      )
      .requiredOption('--pskc <file>', 'the PSKC document to write (an existing file is left alone)')
      .option('--psk-file <file>', PSK_HELP)
      .option('--password-file <file>', PASSWORD_HELP)
      .addOption(
        new Option('--mac <algorithm>', 'the MAC over each encrypted secret')
          .argParser(choiceOption('--mac', ['hmac-sha1', 'hmac-sha256'] as const))
          .default('hmac-sha1'),
      )
      .option('--force', 'replace the file if it exists'),
  ).action(async (opts: ExportOpts) => {
    const secrets = pskcSecrets(opts, true);
    // Checked first so that no secret is decrypted for nothing; the write refuses a race as well.
    if (!opts.force && existsSync(opts.pskc)) {
      throw new UsageError(`${opts.pskc} already exists (use --force to replace it)`);
    }
    const xml = await withVerifier(opts, (v) =>
      v.exportPskc(secrets, { mac: opts.mac === 'hmac-sha256' ? 'hmac-sha256' : 'hmac-sha1' }),
    );
    await writeFileAtomic(opts.pskc, xml, { mode: 0o600, overwrite: opts.force ?? false });
    const n = xml.match(KEY_PACKAGE)?.length ?? 0;
    process.stdout.write(`exported ${n} key display${n === 1 ? '' : 's'} to ${opts.pskc} (mode 0600)\n`);
  });
}
