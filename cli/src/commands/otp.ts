import {
  type Algorithm,
  createOtpEngine,
  formatCode,
  MAX_COUNTER,
  parseCode,
  timeStep,
} from '@nemid-sim/core';
import { type Command, Option } from 'commander';
import { NoMatch, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { choiceOption, integerOption, numberOption, secretFrom } from '../options.js';

interface SecretOpts {
  secret?: string;
  secretBase32?: string;
  digits: number;
  algorithm: Algorithm;
}

const ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;

function addSecretOptions(cmd: Command): Command {
  return cmd
    .option('--secret <hex>', 'the shared secret as hex')
    .option('--secret-base32 <text>', 'the shared secret as base32 (as in otpauth:// URIs)')
    .option('--digits <n>', 'code length, 6 to 9', integerOption('--digits', 6, 9), 6)
    .addOption(
      new Option('--algorithm <name>', 'HMAC hash')
        .argParser(choiceOption('--algorithm', ALGORITHMS))
        .default('sha1'),
    );
}

const NO_MATCH = 'no match in the window';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function registerOtpCommands(program: Command, io: CliIo): void {
  const otp = program
    .command('otp')
    .description('compute and check one-time codes (HOTP, RFC 4226; TOTP, RFC 6238) with the core engine');

  addSecretOptions(
    otp
      .command('hotp')
      .description('print the HOTP code for a counter')
      .requiredOption(
        '--counter <n>',
        'the counter, 0 to 2^53-1',
        integerOption('--counter', 0, MAX_COUNTER),
      ),
  ).action((opts: SecretOpts & { counter: number }) => {
    const engine = createOtpEngine(secretFrom(opts), opts.algorithm);
    io.stdout.write(`${formatCode(engine.hotp(opts.counter, opts.digits), opts.digits)}\n`);
  });

  addSecretOptions(
    otp
      .command('totp')
      .description('print the TOTP code for a moment (now by default)')
      .option(
        '--time <unix-seconds>',
        'the moment, in seconds since 1970 (default: now)',
        numberOption('--time', 0, 1e15),
      )
      .option('--step <seconds>', 'time step', integerOption('--step', 1, 86_400 * 365), 30)
      .option('--t0 <unix-seconds>', 'the start of step 0', integerOption('--t0', 0, MAX_COUNTER), 0),
  ).action((opts: SecretOpts & { time?: number; step: number; t0: number }) => {
    const engine = createOtpEngine(secretFrom(opts), opts.algorithm);
    const code = engine.totp(opts.time ?? nowSeconds(), opts.step, opts.digits, opts.t0);
    io.stdout.write(`${formatCode(code, opts.digits)}\n`);
  });

  addSecretOptions(
    otp
      .command('verify')
      .description(
        'check a code: with --counter, print the first counter from N to N+W that gives it; with --time, ' +
          'print the step offset (-W..+W) of the first step that gives it. Exit 1 when nothing in the window matches.',
      )
      .requiredOption('--code <digits>', 'the code to check')
      .option('--counter <n>', 'HOTP: the first counter to try', integerOption('--counter', 0, MAX_COUNTER))
      .option('--time <unix-seconds>', 'TOTP: the moment the code was typed', numberOption('--time', 0, 1e15))
      .option('--step <seconds>', 'TOTP time step', integerOption('--step', 1, 86_400 * 365), 30)
      .option('--t0 <unix-seconds>', 'TOTP start of step 0', integerOption('--t0', 0, MAX_COUNTER), 0)
      .option(
        '--window <n>',
        'HOTP: counters tried after --counter (default 10); TOTP: steps tried either side (default 1)',
        integerOption('--window', 0, 1_000_000),
      ),
  ).action(
    (
      opts: SecretOpts & {
        code: string;
        counter?: number;
        time?: number;
        step: number;
        t0: number;
        window?: number;
      },
    ) => {
      if ((opts.counter === undefined) === (opts.time === undefined)) {
        throw new UsageError('give exactly one of --counter (HOTP) or --time (TOTP)');
      }
      const code = parseCode(opts.code, opts.digits);
      if (code < 0) throw new UsageError(`--code must be exactly ${opts.digits} digits`);
      const engine = createOtpEngine(secretFrom(opts), opts.algorithm);
      if (opts.counter !== undefined) {
        const window = Math.min(opts.window ?? 10, MAX_COUNTER - opts.counter);
        const found = engine.findHotp(code, opts.counter, window, opts.digits);
        if (found < 0) throw new NoMatch(NO_MATCH);
        io.stdout.write(`${found}\n`);
        return;
      }
      const window = opts.window ?? 1;
      const step = timeStep(opts.time ?? 0, opts.step, opts.t0);
      const first = Math.max(0, step - window);
      const found = engine.findHotp(code, first, step + window - first, opts.digits);
      if (found < 0) throw new NoMatch(NO_MATCH);
      io.stdout.write(`${found - step}\n`);
    },
  );
}
