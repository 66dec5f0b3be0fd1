import {
  checkDeviceCanEmulate,
  type DeviceOptions,
  formatOtpauthUri,
  otpauthFromDevice,
  parseOtpauthUri,
} from '@nemid-sim/device-sim';
import { writeFileAtomic } from '@nemid-sim/key-card';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { qrForTerminal, qrSvg } from '../qr.js';
import { DEVICE_HELP, devicePath, loadDevice } from './device-path.js';

/** `device new` options that an otpauth URI sets itself. */
const SET_BY_URI = ['secret', 'mode', 'algorithm', 'digits', 'step'] as const;

/**
 * `device new --uri`: the device settings an otpauth:// URI gives, refused when the device could
 * not show the same codes. HOTP's counter becomes the counter of the device's first press.
 */
export function deviceSettingsFromUri(
  uri: string,
  cmd: Command,
): { options: Partial<DeviceOptions>; counter?: number } {
  const clash = SET_BY_URI.find((name) => cmd.getOptionValueSource(name) === 'cli');
  if (clash) {
    throw new UsageError(
      `--uri gives the secret, type, algorithm, digits and counter or period; leave out --${clash}`,
    );
  }
  const key = parseOtpauthUri(uri);
  checkDeviceCanEmulate(key);
  const serial = key.account.replace(/[\s-]/g, '');
  return {
    options: {
      secret: key.secret,
      mode: key.type,
      algorithm: key.algorithm,
      digits: key.digits,
      ...(key.period === undefined ? {} : { stepSeconds: key.period }),
      ...(/^\d{16}$/.test(serial) ? { serial } : {}),
    },
    counter: key.counter,
  };
}

export function registerDeviceUriCommand(device: Command): void {
  device
    .command('uri')
    .description(
      "print the device's otpauth:// URI (the Key Uri Format), so that a phone authenticator shows the same " +
        "codes: HOTP from the device's next counter on, TOTP by the phone's own clock. The URI holds the secret: " +
        'this is for simulated devices only.',
    )
    .option('--device <file>', DEVICE_HELP)
    .option('--qr', 'draw the URI as a QR code in the terminal instead of printing it')
    .option('--qr-svg <file>', 'also write the QR code as an SVG file (mode 0600)')
    .option('--force', 'replace the SVG file if it exists')
    .action(async (opts: { device?: string; qr?: boolean; qrSvg?: string; force?: boolean }) => {
      const saved = loadDevice(devicePath(opts));
      const uri = formatOtpauthUri(otpauthFromDevice(saved.firmware.config, saved.firmware.counter));
      if (opts.qrSvg !== undefined) {
        await writeFileAtomic(opts.qrSvg, qrSvg(uri), { mode: 0o600, overwrite: opts.force ?? false });
        process.stderr.write(`nemid: wrote the QR code to ${opts.qrSvg} (mode 0600)\n`);
      }
      if (opts.qr) process.stdout.write(`${qrForTerminal(uri)}\n`);
      else if (opts.qrSvg === undefined) process.stdout.write(`${uri}\n`);
    });
}
