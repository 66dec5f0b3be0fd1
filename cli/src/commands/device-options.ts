import { CELL_NAMES, DEFAULT_CELL, LIMITS } from '@nemid-sim/device-sim';
import { Option } from 'commander';
import { choiceOption, integerOption, numberOption } from '../options.js';

// The options that describe a device, shared by `device new` and `device batch`.

export const modeOption = () =>
  new Option(
    '--mode <mode>',
    'hotp: a counter that advances on each press; totp: codes from the device clock',
  )
    .argParser(choiceOption('--mode', ['hotp', 'totp'] as const))
    .default('totp');

export const algorithmOption = () =>
  new Option('--algorithm <name>', 'HMAC hash')
    .argParser(choiceOption('--algorithm', ['sha1', 'sha256', 'sha512'] as const))
    .default('sha1');

export const digitsOption = () =>
  new Option('--digits <n>', 'code length, 6 to 9').argParser(integerOption('--digits', 6, 9)).default(6);

export const stepOption = () =>
  new Option('--step <seconds>', 'TOTP time step')
    .argParser(integerOption('--step', 1, LIMITS.stepMax))
    .default(30);

export const cellOption = () =>
  new Option('--cell <type>', 'the coin cell: cr2016 (90 mAh) or cr2032 (225 mAh)')
    .argParser(choiceOption('--cell', CELL_NAMES))
    .default(DEFAULT_CELL);

export const temperatureOption = () =>
  new Option('--temperature <C>', 'where the device lives, °C (sets clock drift and battery capacity)')
    .argParser(numberOption('--temperature', LIMITS.temperatureMinC, LIMITS.temperatureMaxC))
    .default(25);

export const seedOption = () =>
  new Option(
    '--seed <n>',
    'seed for everything drawn at random: serial, crystal (default: random)',
  ).argParser(integerOption('--seed', 0, 2 ** 32 - 1));

export const startOption = () =>
  new Option(
    '--start <time>',
    'when the device is made: unix seconds or ISO 8601 like 2026-01-31T12:00:00Z (default: now)',
  );

export const clockOption = () =>
  new Option(
    '--clock <source>',
    'wall: the device keeps running in real time between commands, like a token on a desk; ' +
      'virtual: its time only moves with --advance and the speed keys (repeatable runs)',
  )
    .argParser(choiceOption('--clock', ['wall', 'virtual'] as const))
    .default('wall');
