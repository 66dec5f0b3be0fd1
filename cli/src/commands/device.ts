import { existsSync } from 'node:fs';
import { formatCode, hexToBytes } from '@nemid-sim/core';
import {
  aheadOfWallWords,
  bringDeviceToNow,
  type CellName,
  type ClockSource,
  createDevice,
  DEFAULT_DISPLAY_SECONDS,
  formatSerial,
  freshState,
  LIMITS,
  type OtpMode,
  parseDuration,
  randomSecret,
  runDeviceUi,
  type SavedDevice,
  secondsAheadOfWall,
  writeDeviceFile,
} from '@nemid-sim/device-sim';
import type { Command } from 'commander';
import { NoMatch, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { integerOption, numberOption } from '../options.js';
import { registerDeviceLifeCommand } from './device-life.js';
import {
  algorithmOption,
  cellOption,
  clockOption,
  digitsOption,
  modeOption,
  seedOption,
  startOption,
  stepOption,
  temperatureOption,
} from './device-options.js';
import { DEVICE_HELP, devicePath, loadDevice } from './device-path.js';
import { registerDevicePskcCommands } from './device-pskc.js';
import { parseStartTime, wallUnix } from './device-time.js';
import { deviceSettingsFromUri, registerDeviceUriCommand } from './device-uri.js';

interface NewOpts {
  out: string;
  mode: OtpMode;
  serial?: string;
  secret?: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  digits: number;
  step: number;
  displaySeconds: number;
  cell: CellName;
  ppm?: number;
  ageingPpm?: number;
  temperature: number;
  seed?: number;
  start?: string;
  clock: ClockSource;
  uri?: string;
  force?: boolean;
}

export function registerDeviceCommands(program: Command, io: CliIo): void {
  const device = program
    .command('device')
    .description(
      'a simulated token device (nøgleviser): one button, a display, a drifting clock and a coin cell. ' +
        'Without a subcommand, runs the device in the terminal (same as "device run").',
    );

  device
    .command('new')
    .description('make a new device and save it to a file (JSON, readable only by you)')
    .requiredOption('--out <file>', 'where to save the device')
    .addOption(modeOption())
    .option('--serial <digits>', '16-digit serial number (default: drawn from the seed)')
    .option('--secret <hex>', 'the shared secret as hex, 10 bytes or more (default: 20 random bytes)')
    .addOption(algorithmOption())
    .addOption(digitsOption())
    .addOption(stepOption())
    .option(
      '--display-seconds <n>',
      'how long a code stays on the display',
      integerOption('--display-seconds', 1, LIMITS.displayMax),
      DEFAULT_DISPLAY_SECONDS,
    )
    .addOption(cellOption())
    .option(
      '--ppm <n>',
      'crystal frequency error at 25 °C in ppm, + runs fast (default: drawn from the seed within ±20)',
      numberOption('--ppm', -LIMITS.ppm, LIMITS.ppm),
    )
    .option(
      '--ageing-ppm <n>',
      'crystal ageing over the first year in ppm (default: drawn from the seed within ±3)',
      numberOption('--ageing-ppm', -LIMITS.ageingPpm, LIMITS.ageingPpm),
    )
    .addOption(temperatureOption())
    .addOption(seedOption())
    .addOption(startOption())
    .addOption(clockOption())
    .option(
      '--uri <otpauth>',
      "take the secret, type, algorithm, digits and counter or period from an otpauth:// URI (a phone app's QR code); " +
        'a 16-digit account name becomes the serial',
    )
    .option('--force', 'replace an existing file')
    .action((opts: NewOpts, cmd: Command) => {
      const wall = wallUnix();
      const startUnix = opts.start === undefined ? Math.floor(wall) : parseStartTime(opts.start);
      if (!opts.force && existsSync(opts.out)) {
        throw new UsageError(`${opts.out} exists already (use --force to replace it)`);
      }
      const fromUri = opts.uri === undefined ? undefined : deviceSettingsFromUri(opts.uri, cmd);
      const seed = opts.seed ?? randomSecret(4).reduce((a, b) => a * 256 + b, 0) >>> 0;
      const firmware = createDevice(
        {
          secret: opts.secret === undefined ? randomSecret() : hexToBytes(opts.secret),
          startUnix,
          mode: opts.mode,
          serial: opts.serial,
          algorithm: opts.algorithm,
          digits: opts.digits,
          stepSeconds: opts.step,
          displaySeconds: opts.displaySeconds,
          cell: opts.cell,
          ppm: opts.ppm,
          ageingPpm: opts.ageingPpm,
          temperatureC: opts.temperature,
          seed,
          ...fromUri?.options,
          ...(opts.serial === undefined ? {} : { serial: opts.serial }),
        },
        fromUri?.counter === undefined ? undefined : { ...freshState(startUnix), counter: fromUri.counter },
      );
      const saved: SavedDevice = {
        firmware,
        seed,
        clock: opts.clock,
        skewSeconds: opts.clock === 'wall' ? startUnix - wall : 0,
      };
      writeDeviceFile(opts.out, saved, { exclusive: !opts.force });
      const c = firmware.config;
      io.stdout.write(
        `made ${c.mode.toUpperCase()} device ${formatSerial(c.serial)} in ${opts.out}: ${c.digits} digits` +
          `${c.mode === 'totp' ? `, ${c.stepSeconds} s step` : ''}, ${c.cell.name.toUpperCase()}, ` +
          `crystal ${signed(c.crystal.tolerancePpm)} ppm (ageing ${signed(c.crystal.ageingPpmFirstYear)} ppm in year 1), ` +
          `${c.crystal.temperatureC} °C, ${opts.clock} clock\n`,
      );
    });

  device
    .command('press')
    .description(
      'press the button: print what the display shows (the code; the code and "[low battery]"; ' +
        'nothing, and exit 1, for a dead device) and save the device',
    )
    .option('--device <file>', DEVICE_HELP)
    .option('--advance <duration>', 'first move the device time forward, e.g. 90s, 3h, 2d, 1w, 1y or 1d12h')
    .option('--json', 'print {"code", "lowBattery", "dead", "counter", "deviceTime", "batteryVolts"} as JSON')
    .action((opts: { device?: string; advance?: string; json?: boolean }) => {
      const path = devicePath(opts);
      const saved = loadDevice(path);
      const skip = opts.advance === undefined ? 0 : parseDuration(opts.advance);
      const fw = saved.firmware;
      const wall = wallUnix();
      const t = bringDeviceToNow(saved, wall, skip);
      const code = fw.press(t);
      writeDeviceFile(path!, saved);
      // A TOTP code a step or more ahead of real time looks right and is refused: say why.
      const ahead = secondsAheadOfWall(saved, wall);
      if (fw.config.mode === 'totp' && ahead >= fw.config.stepSeconds) {
        io.stderr.write(`nemid: note: ${aheadOfWallWords(ahead)}\n`);
      }
      const shown = code < 0 ? '' : formatCode(code, fw.config.digits);
      if (opts.json) {
        io.stdout.write(
          `${JSON.stringify({
            code: code < 0 ? null : shown,
            lowBattery: fw.lowBattery,
            dead: fw.dead,
            counter: fw.config.mode === 'hotp' ? fw.counter - (code < 0 ? 0 : 1) : null,
            deviceTime: fw.dead ? null : new Date(Math.floor(fw.deviceUnixAt(t)) * 1000).toISOString(),
            batteryVolts: Number(fw.batteryVolts.toFixed(3)),
          })}\n`,
        );
      } else if (code >= 0) {
        io.stdout.write(`${shown}${fw.lowBattery ? ' [low battery]' : ''}\n`);
      }
      if (code < 0) throw new NoMatch('the display stays blank: the battery is dead');
    });

  registerDeviceLifeCommand(device, io);
  registerDeviceUriCommand(device);
  registerDevicePskcCommands(device);

  device
    .command('run', { isDefault: true })
    .description(
      'the device in the terminal: a display with large digits, the button, the battery gauge and the ' +
        'device clock. Keys: space or enter presses the button; + and - change the speed of time (real time, ' +
        '1 minute, 1 hour, 1 day or 1 week per second); d and w skip a day or a week; s says the status ' +
        '(plain mode); q, Esc or Ctrl+C quits and saves. Faster time and skips run a simulation on a copy ' +
        'that is not saved (r: back to real time; k: keep it in the device file). Without --device or ' +
        '$NEMID_DEVICE, runs a demo device that is not saved.',
    )
    .option('--device <file>', DEVICE_HELP)
    .option(
      '--plain',
      'plain sentences for screen readers: no box drawing, no colour (also when NO_COLOR is set)',
    )
    .action(async (opts: { device?: string; plain?: boolean }) => {
      if (!process.stdin.isTTY) {
        throw new UsageError('the device needs an interactive terminal; in scripts use: nemid device press');
      }
      const path = devicePath(opts);
      const plain = opts.plain === true || (process.env.NO_COLOR ?? '') !== '';
      if (path === undefined) {
        const wall = wallUnix();
        const firmware = createDevice({ secret: randomSecret(), startUnix: Math.floor(wall), seed: 0 });
        await runDeviceUi({
          device: { firmware, seed: 0, clock: 'wall', skewSeconds: 0 },
          plain,
          note: 'Demo device with a random secret, not saved. Make your own: nemid device new --out FILE, then nemid device run --device FILE.',
        });
        return;
      }
      await runDeviceUi({ device: loadDevice(path), plain, savePath: path });
    });
}

function signed(x: number): string {
  return x >= 0 ? `+${x}` : String(x);
}
