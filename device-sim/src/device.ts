import { type Algorithm, HASHES } from '@nemid-sim/core';
import { type CellName, cellSpec, DEFAULT_CELL } from './cells.js';
import { drawCrystal } from './crystal.js';
import { type FirmwareState, type OtpMode, TokenFirmware } from './firmware.js';
import { DEFAULT_DISPLAY_SECONDS, DEFAULT_LOADS, type LoadProfile } from './loads.js';
import { Xoshiro128 } from './prng.js';
import { drawSerial, parseSerial } from './serial.js';

/** What it takes to make a device; everything but the secret and the start time has a default. */
export interface DeviceOptions {
  readonly secret: Uint8Array;
  /** True time at which the device is made and its clock set exactly, unix seconds. */
  readonly startUnix: number;
  /** Default 'totp'. */
  readonly mode?: OtpMode;
  /** 16 digits; default drawn from the seed. */
  readonly serial?: string;
  readonly algorithm?: Algorithm;
  /** Default 6. */
  readonly digits?: number;
  /** TOTP time step, default 30 s; t0 default 0. */
  readonly stepSeconds?: number;
  readonly t0Seconds?: number;
  /** How long a code stays on the display, default 30 s. */
  readonly displaySeconds?: number;
  /** Default 'cr2016'. */
  readonly cell?: CellName;
  /** Crystal tolerance at 25 degC, ppm; default drawn from the seed within +-20. */
  readonly ppm?: number;
  /** Crystal ageing in the first year, ppm; default drawn from the seed within +-3. */
  readonly ageingPpm?: number;
  /** Ambient temperature, degC; default 25. */
  readonly temperatureC?: number;
  /** Seed for everything drawn at random; default 0. */
  readonly seed?: number;
  /** Overrides of the load profile (currents and voltage thresholds). */
  readonly loads?: Partial<LoadProfile>;
}

function checkNumber(name: string, x: number, min: number, max: number): number {
  if (!(Number.isFinite(x) && x >= min && x <= max)) {
    throw new RangeError(`${name} must be a number from ${min} to ${max}`);
  }
  return x;
}

function checkInteger(name: string, x: number, min: number, max: number): number {
  if (!(Number.isSafeInteger(x) && x >= min && x <= max)) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return x;
}

/** Limits shared by the library and the command line. */
export const LIMITS = {
  ppm: 500,
  ageingPpm: 100,
  temperatureMinC: -40,
  temperatureMaxC: 85,
  stepMax: 86_400,
  displayMax: 3600,
} as const;

/**
 * Makes a device (or, with `state`, brings a saved one back). Codes, drift and battery follow from
 * the options and the seed alone, so the same call always gives the same device.
 */
export function createDevice(options: DeviceOptions, state?: FirmwareState): TokenFirmware {
  const seed = checkInteger('seed', options.seed ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const temperatureC = checkNumber(
    'temperature',
    options.temperatureC ?? 25,
    LIMITS.temperatureMinC,
    LIMITS.temperatureMaxC,
  );
  if (options.ppm !== undefined) checkNumber('ppm', options.ppm, -LIMITS.ppm, LIMITS.ppm);
  if (options.ageingPpm !== undefined) {
    checkNumber('ageing ppm', options.ageingPpm, -LIMITS.ageingPpm, LIMITS.ageingPpm);
  }
  const mode = options.mode ?? 'totp';
  if (mode !== 'hotp' && mode !== 'totp') throw new RangeError('mode must be hotp or totp');
  const algorithm = options.algorithm ?? 'sha1';
  if (!Object.hasOwn(HASHES, algorithm)) {
    throw new RangeError(`algorithm must be one of ${Object.keys(HASHES).join(', ')}`);
  }
  if (!(options.secret instanceof Uint8Array) || options.secret.length < 10) {
    throw new RangeError('secret must be at least 10 bytes (RFC 4226 asks for 16 or more; 20 is usual)');
  }
  checkNumber('start time', options.startUnix, 0, 1e12);
  const prng = new Xoshiro128(seed);
  const crystal = drawCrystal(prng, temperatureC, options.ppm, options.ageingPpm);
  const drawnSerial = drawSerial(prng);
  const loads: LoadProfile = { ...DEFAULT_LOADS, ...options.loads };
  for (const [key, value] of Object.entries(loads)) checkNumber(key, value, 0, 1e6);
  return new TokenFirmware(
    {
      serial: options.serial === undefined ? drawnSerial : parseSerial(options.serial),
      secret: options.secret.slice(),
      mode,
      algorithm,
      digits: checkInteger('digits', options.digits ?? 6, 6, 9),
      stepSeconds: checkInteger('step', options.stepSeconds ?? 30, 1, LIMITS.stepMax),
      t0Seconds: checkInteger('t0', options.t0Seconds ?? 0, 0, options.startUnix),
      displaySeconds: checkInteger(
        'display time',
        options.displaySeconds ?? DEFAULT_DISPLAY_SECONDS,
        1,
        LIMITS.displayMax,
      ),
      crystal,
      cell: cellSpec(options.cell ?? DEFAULT_CELL),
      loads,
      startUnix: options.startUnix,
    },
    state,
  );
}
