import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Algorithm, bytesToHex, hexToBytes } from '@nemid-sim/core';
import { CELL_NAMES, type CellName } from './cells.js';
import { createDevice, type DeviceOptions } from './device.js';
import { describeDuration } from './duration.js';
import type { FirmwareState, OtpMode, TokenFirmware } from './firmware.js';

export const DEVICE_FILE_FORMAT = 'nemid-sim-device';
export const DEVICE_FILE_VERSION = 1;
export const SECRET_NOTICE = 'simulation secret: this file is not protected; do not use it for real accounts';

/**
 * How the device's virtual time relates to the computer's clock. `wall`: the device lives in real
 * time, like a token on a desk (it keeps ticking between commands), plus any time skipped with
 * --advance or the speed keys. `virtual`: time moves only when asked, for repeatable runs.
 */
export type ClockSource = 'wall' | 'virtual';

/** A device as saved on disk (JSON, mode 0600). */
export interface DeviceFile {
  format: typeof DEVICE_FILE_FORMAT;
  version: number;
  secretNotice: string;
  serial: string;
  mode: OtpMode;
  algorithm: Algorithm;
  digits: number;
  stepSeconds: number;
  t0Seconds: number;
  displaySeconds: number;
  cell: CellName;
  temperatureC: number;
  tolerancePpm: number;
  ageingPpmFirstYear: number;
  seed: number;
  startUnix: number;
  clock: ClockSource;
  /** Wall mode: seconds the device's true time is ahead of the computer's clock. */
  skewSeconds: number;
  secretHex: string;
  state: FirmwareState;
}

/** A device and the clock bookkeeping that goes with its file. */
export interface SavedDevice {
  readonly firmware: TokenFirmware;
  readonly seed: number;
  clock: ClockSource;
  skewSeconds: number;
}

export function deviceToFile(d: SavedDevice): DeviceFile {
  const c = d.firmware.config;
  return {
    format: DEVICE_FILE_FORMAT,
    version: DEVICE_FILE_VERSION,
    secretNotice: SECRET_NOTICE,
    serial: c.serial,
    mode: c.mode,
    algorithm: c.algorithm,
    digits: c.digits,
    stepSeconds: c.stepSeconds,
    t0Seconds: c.t0Seconds,
    displaySeconds: c.displaySeconds,
    cell: c.cell.name,
    temperatureC: c.crystal.temperatureC,
    tolerancePpm: c.crystal.tolerancePpm,
    ageingPpmFirstYear: c.crystal.ageingPpmFirstYear,
    seed: d.seed,
    startUnix: c.startUnix,
    clock: d.clock,
    skewSeconds: d.skewSeconds,
    secretHex: bytesToHex(c.secret),
    state: d.firmware.snapshot(),
  };
}

class BadFile extends RangeError {}

function field<T>(o: Record<string, unknown>, key: string, check: (v: unknown) => v is T, what: string): T {
  const v = o[key];
  if (!check(v)) throw new BadFile(`field "${key}" must be ${what}`);
  return v;
}
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumberOrNull = (v: unknown): v is number | null => v === null || isNumber(v);
const oneOf =
  <T extends string>(xs: readonly T[]) =>
  (v: unknown): v is T =>
    typeof v === 'string' && (xs as readonly string[]).includes(v);

function parseState(v: unknown): FirmwareState {
  if (typeof v !== 'object' || v === null) throw new BadFile('field "state" must be an object');
  const o = v as Record<string, unknown>;
  return {
    trueUnix: field(o, 'trueUnix', isNumber, 'a number'),
    counter: field(
      o,
      'counter',
      (x): x is number => Number.isSafeInteger(x) && (x as number) >= 0,
      'a counter',
    ),
    presses: field(o, 'presses', isNumber, 'a number'),
    chargeUsedMah: field(o, 'chargeUsedMah', isNumber, 'a number'),
    lowBattery: field(o, 'lowBattery', isBool, 'true or false'),
    lowBatteryAtUnix: field(o, 'lowBatteryAtUnix', isNumberOrNull, 'a number or null'),
    dead: field(o, 'dead', isBool, 'true or false'),
    diedAtUnix: field(o, 'diedAtUnix', isNumberOrNull, 'a number or null'),
    displayUntilUnix: field(o, 'displayUntilUnix', isNumber, 'a number'),
    shownCode: field(o, 'shownCode', isNumber, 'a number'),
  };
}

/** Checks a parsed device file and brings the device back. Errors name the field, never a value. */
export function deviceFromFile(json: unknown): SavedDevice {
  if (
    typeof json !== 'object' ||
    json === null ||
    (json as { format?: unknown }).format !== DEVICE_FILE_FORMAT
  ) {
    throw new BadFile('not a nemid device file');
  }
  const o = json as Record<string, unknown>;
  const version = field(o, 'version', isNumber, 'a number');
  if (version > DEVICE_FILE_VERSION) {
    throw new BadFile(`device file version ${version} is newer than this program (${DEVICE_FILE_VERSION})`);
  }
  const seed = field(o, 'seed', isNumber, 'a number');
  const options: DeviceOptions = {
    secret: hexToBytes(field(o, 'secretHex', isString, 'a hex string')),
    startUnix: field(o, 'startUnix', isNumber, 'a number'),
    mode: field(o, 'mode', oneOf(['hotp', 'totp'] as const), 'hotp or totp'),
    serial: field(o, 'serial', isString, 'a 16-digit serial'),
    algorithm: field(o, 'algorithm', oneOf(['sha1', 'sha256', 'sha512'] as const), 'sha1, sha256 or sha512'),
    digits: field(o, 'digits', isNumber, 'a number'),
    stepSeconds: field(o, 'stepSeconds', isNumber, 'a number'),
    t0Seconds: field(o, 't0Seconds', isNumber, 'a number'),
    displaySeconds: field(o, 'displaySeconds', isNumber, 'a number'),
    cell: field(o, 'cell', oneOf(CELL_NAMES), CELL_NAMES.join(' or ')),
    temperatureC: field(o, 'temperatureC', isNumber, 'a number'),
    ppm: field(o, 'tolerancePpm', isNumber, 'a number'),
    ageingPpm: field(o, 'ageingPpmFirstYear', isNumber, 'a number'),
    seed,
  };
  const state = parseState(o.state);
  if (state.trueUnix < options.startUnix) throw new BadFile('field "state.trueUnix" is before "startUnix"');
  return {
    firmware: createDevice(options, state),
    seed,
    clock: field(o, 'clock', oneOf(['wall', 'virtual'] as const), 'wall or virtual'),
    skewSeconds: field(o, 'skewSeconds', isNumber, 'a number'),
  };
}

/** Reads a device file; a problem with it is one RangeError line naming the file. */
export function readDeviceFile(path: string): SavedDevice {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RangeError(`no such device file: ${path}`);
    if (code === 'EISDIR') throw new RangeError(`${path} is a folder, not a device file`);
    if (code === 'EACCES') throw new RangeError(`permission denied: ${path}`);
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RangeError(`${path}: not a nemid device file (not JSON)`);
  }
  try {
    return deviceFromFile(json);
  } catch (err) {
    if (err instanceof RangeError) throw new RangeError(`${path}: ${err.message}`);
    throw err;
  }
}

/**
 * Saves a device: written to a temporary file in the same folder with mode 0600, flushed, then
 * renamed over the old one, so a crash leaves either the old file or the new one, never half.
 * With `exclusive`, refuses to replace an existing file.
 */
export function writeDeviceFile(
  path: string,
  device: SavedDevice,
  options: { exclusive?: boolean } = {},
): void {
  const text = `${JSON.stringify(deviceToFile(device), null, 2)}\n`;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    // Create the name first so two writers cannot both think the file is new.
    if (options.exclusive) closeSync(openSync(path, 'wx', 0o600));
    fd = openSync(tmp, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new RangeError(`${path} already exists (use --force to replace it)`);
    // Name the folder the user gave, not our temporary file in it.
    if (code === 'ENOENT') throw new RangeError(`no such folder: ${dirname(path)}`);
    if (code === 'ENOTDIR') throw new RangeError(`not a folder: ${dirname(path)}`);
    throw err;
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/**
 * The device's true time now: in wall mode the computer's clock plus the skew (never earlier
 * than the time already simulated), in virtual mode the time already simulated.
 */
export function deviceNow(device: SavedDevice, wallUnix: number): number {
  const t = device.firmware.trueUnix;
  return device.clock === 'wall' ? Math.max(t, wallUnix + device.skewSeconds) : t;
}

/**
 * How far a wall-clock device's true time is ahead of the computer's clock (moved ahead with
 * `--advance` or `--start`): a TOTP server checking its codes against real time refuses them once
 * this is more than its window. 0 for a virtual-clock device, which has no real time to be ahead of.
 */
export function secondsAheadOfWall(device: SavedDevice, wallUnix: number): number {
  return device.clock === 'wall' ? Math.max(0, deviceNow(device, wallUnix) - wallUnix) : 0;
}

/** Says that a device lives `seconds` ahead of real time (see secondsAheadOfWall), for a note. */
export function aheadOfWallWords(seconds: number): string {
  return `this device lives ${describeDuration(seconds)} ahead of real time, so a server checking its codes against real time will refuse them`;
}

/**
 * A copy of a device that runs on its own virtual clock from the same state: what the terminal
 * device shows while time runs faster than real time, so the saved device keeps its real clock.
 */
export function simulationCopy(device: SavedDevice): SavedDevice {
  return { ...deviceFromFile(deviceToFile(device)), clock: 'virtual', skewSeconds: 0 };
}

/** A fresh random secret for a new device (20 bytes, as RFC 4226 recommends for HMAC-SHA-1). */
export function randomSecret(bytes = 20): Uint8Array {
  return new Uint8Array(randomBytes(bytes));
}

/**
 * Moves a saved device's true time to "now" (see `deviceNow`) plus `skipSeconds`, draining its
 * battery on the way, and keeps the wall-mode skew in step. Returns the new true time.
 */
export function bringDeviceToNow(device: SavedDevice, wallUnix: number, skipSeconds = 0): number {
  if (!(Number.isFinite(skipSeconds) && skipSeconds >= 0)) {
    throw new RangeError('time can only move forward');
  }
  const t = deviceNow(device, wallUnix) + skipSeconds;
  device.firmware.advanceTo(t);
  if (device.clock === 'wall') device.skewSeconds = t - wallUnix;
  return t;
}
