import { existsSync } from 'node:fs';
import { formatCode, hexToBytes } from '@nemid-sim/core';
import {
  aheadOfWallWords,
  bringDeviceToNow,
  CELL_NAMES,
  type CellName,
  type ClockSource,
  createDevice,
  DEFAULT_CELL,
  DEFAULT_DISPLAY_SECONDS,
  formatSerial,
  LIMITS,
  type OtpMode,
  parseDuration,
  randomSecret,
  readDeviceFile,
  runDeviceUi,
  type SavedDevice,
  secondsAheadOfWall,
  writeDeviceFile,
} from '@nemid-sim/device-sim';
import { type Command, Option } from 'commander';
import { NoMatch, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { choiceOption, integerOption, numberOption } from '../options.js';
import { registerDeviceLifeCommand } from './device-life.js';
import { parseStartTime, wallUnix } from './device-time.js';

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
  force?: boolean;
}

/** The device file to use: --device, else $NEMID_DEVICE; undefined when neither is set. */
function devicePath(opts: { device?: string }): string | undefined {
  return opts.device ?? (process.env.NEMID_DEVICE || undefined);
}

const DEVICE_HELP = 'the device file (default: $NEMID_DEVICE)';

function loadDevice(path: string | undefined): SavedDevice {
  if (path === undefined) {
    throw new UsageError(
      'no device: give --device FILE or set NEMID_DEVICE (create one with: nemid device new --out FILE)',
    );
  }
  return readDeviceFile(path);
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
    .addOption(
      new Option(
        '--mode <mode>',
        'hotp: a counter that advances on each press; totp: codes from the device clock',
      )
        .argParser(choiceOption('--mode', ['hotp', 'totp'] as const))
        .default('totp'),
    )
    .option('--serial <digits>', '16-digit serial number (default: drawn from the seed)')
    .option('--secret <hex>', 'the shared secret as hex, 10 bytes or more (default: 20 random bytes)')
    .addOption(
      new Option('--algorithm <name>', 'HMAC hash')
        .argParser(choiceOption('--algorithm', ['sha1', 'sha256', 'sha512'] as const))
        .default('sha1'),
    )
    .option('--digits <n>', 'code length, 6 to 9', integerOption('--digits', 6, 9), 6)
    .option('--step <seconds>', 'TOTP time step', integerOption('--step', 1, LIMITS.stepMax), 30)
    .option(
      '--display-seconds <n>',
      'how long a code stays on the display',
      integerOption('--display-seconds', 1, LIMITS.displayMax),
      DEFAULT_DISPLAY_SECONDS,
    )
    .addOption(
      new Option('--cell <type>', 'the coin cell: cr2016 (90 mAh) or cr2032 (225 mAh)')
        .argParser(choiceOption('--cell', CELL_NAMES))
        .default(DEFAULT_CELL),
    )
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
    .option(
      '--temperature <C>',
      'where the device lives, °C (sets clock drift and battery capacity)',
      numberOption('--temperature', LIMITS.temperatureMinC, LIMITS.temperatureMaxC),
      25,
    )
    .option(
      '--seed <n>',
      'seed for everything drawn at random: serial, crystal (default: random)',
      integerOption('--seed', 0, 2 ** 32 - 1),
    )
    .option(
      '--start <time>',
      'when the device is made: unix seconds or ISO 8601 like 2026-01-31T12:00:00Z (default: now)',
    )
    .addOption(
      new Option(
        '--clock <source>',
        'wall: the device keeps running in real time between commands, like a token on a desk; ' +
          'virtual: its time only moves with --advance and the speed keys (repeatable runs)',
      )
        .argParser(choiceOption('--clock', ['wall', 'virtual'] as const))
        .default('wall'),
    )
    .option('--force', 'replace an existing file')
    .action((opts: NewOpts) => {
      const wall = wallUnix();
      const startUnix = opts.start === undefined ? Math.floor(wall) : parseStartTime(opts.start);
      if (!opts.force && existsSync(opts.out)) {
        throw new UsageError(`${opts.out} exists already (use --force to replace it)`);
      }
      const seed = opts.seed ?? randomSecret(4).reduce((a, b) => a * 256 + b, 0) >>> 0;
      const firmware = createDevice({
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
      });
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
