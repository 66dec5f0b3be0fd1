import { type PskcSecrets, readPasswordFile, readPskFile } from '@nemid-sim/pskc';
import { UsageError } from '../errors.js';

/** The --psk-file and --password-file options of every command that reads or writes PSKC. */
export interface KeyOpts {
  pskFile?: string;
  passwordFile?: string;
}

/** The pre-shared key (RFC 6030 6.1) or password (6.2) that protects a PSKC document. */
export function pskcSecrets(opts: KeyOpts, required: boolean): PskcSecrets {
  if (opts.pskFile !== undefined && opts.passwordFile !== undefined) {
    throw new UsageError('give either --psk-file or --password-file, not both');
  }
  if (opts.pskFile !== undefined) return { psk: readPskFile(opts.pskFile) };
  if (opts.passwordFile !== undefined) return { password: readPasswordFile(opts.passwordFile) };
  if (required) {
    throw new UsageError(
      'the delivery needs a key: --psk-file FILE (make one with: nemid keygen --psk --out FILE) or --password-file FILE',
    );
  }
  return {};
}

export const PSK_HELP =
  'the pre-shared key file: 32 hex digits, AES-128 (make one with: nemid keygen --psk --out FILE)';
export const PASSWORD_HELP =
  'a file holding the password that PBKDF2 turns into the key, instead of --psk-file';
