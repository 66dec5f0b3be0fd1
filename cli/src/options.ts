import { base32ToBytes, hexToBytes } from '@nemid-sim/core';
import { InvalidArgumentError } from 'commander';

/**
 * Parsers for commander options. They throw commander's InvalidArgumentError; its message names
 * the option and what is allowed, and is the one line the user sees (`commanderErrorLine`), with
 * exit code 2.
 */
export function integerOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value.trim());
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

export function numberOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}.`);
    }
    return n;
  };
}

export function choiceOption<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

/** A secret from --secret HEX or --secret-base32 TEXT; exactly one must be given, and not empty. */
export function secretFrom(opts: { secret?: string; secretBase32?: string }): Uint8Array {
  if (opts.secret !== undefined && opts.secretBase32 !== undefined) {
    throw new RangeError('give either --secret or --secret-base32, not both');
  }
  const [option, secret] =
    opts.secret !== undefined
      ? ['--secret', hexToBytes(opts.secret)]
      : opts.secretBase32 !== undefined
        ? ['--secret-base32', base32ToBytes(opts.secretBase32)]
        : [];
  if (secret === undefined)
    throw new RangeError('a secret is required: --secret HEX or --secret-base32 TEXT');
  if (secret.length === 0) throw new RangeError(`the secret is empty: give ${option} at least one byte`);
  return secret;
}
