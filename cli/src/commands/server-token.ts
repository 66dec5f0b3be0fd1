import { readFile } from 'node:fs/promises';
import type { TokenView, VendorToken } from '@nemid-sim/server-verifier';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { registerServerPskcCommands } from './server-pskc.js';
import {
  addUserOption,
  addVerifierOptions,
  type UserOpts,
  type VerifierOpts,
  withUser,
  withVerifier,
} from './server-store.js';

/** `nemid server token ...`: key displays from a vendor to a user, and blocking them (T-5, T-7, T-8). */
export function registerServerTokenCommands(server: Command): void {
  const token = server.command('token').description('key displays (nøgleviser)');

  addVerifierOptions(
    token
      .command('register')
      .description(
        'register key displays from device files made by `nemid device new` (all or nothing); their secrets ' +
          'are stored encrypted under the master key. A vendor delivery in PSKC goes through `token import`.',
      )
      .requiredOption('--device <file...>', 'one or more device files'),
  ).action(async (opts: VerifierOpts & { device: string[] }) => {
    const tokens = await Promise.all(opts.device.map(readDeviceFile));
    const n = await withVerifier(opts, (v) => v.registerTokens(tokens));
    process.stdout.write(`registered ${n} key display${n === 1 ? '' : 's'}\n`);
  });

  registerServerPskcCommands(token);

  addVerifierOptions(
    addUserOption(
      token
        .command('assign')
        .description(
          'give a key display from stock to a user (one per NemID); it works once activated by its first ' +
            'code after "switch to key display" (T-7)',
        ),
    ).requiredOption('--serial <digits>', 'the 16-digit serial'),
  ).action(async (opts: UserOpts & { serial: string }) => {
    const view = await withUser(opts, (v, u) => v.assignToken(u.userId, opts.serial));
    process.stdout.write(
      `assigned ${view.tokenSerial} (${view.kind}); activate it with "switch to key display"\n`,
    );
  });

  addVerifierOptions(
    addUserOption(
      token
        .command('block')
        .description(
          "block a user's lost key display at once (T-8, support on the phone); the card keys still work",
        ),
    ),
  ).action(async (opts: UserOpts) => {
    const view = await withUser(opts, (v, u) => v.blockTokenBySupport(u.userId));
    process.stdout.write(tokenLine(view, 'blocked'));
  });

  addVerifierOptions(
    addUserOption(
      token
        .command('unblock')
        .description(
          'unblock a key display that was found again (T-8); one never activated waits for activation again',
        ),
    ),
  ).action(async (opts: UserOpts) => {
    const view = await withUser(opts, (v, u) => v.unblockTokenBySupport(u.userId));
    process.stdout.write(tokenLine(view, 'unblocked'));
  });
}

function tokenLine(view: TokenView, done: string): string {
  return `key display ${view.tokenSerial} ${done} (now ${view.state})\n`;
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
