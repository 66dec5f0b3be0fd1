import { type Algorithm, HASHES } from '@nemid-sim/core';
import { type MacAlgorithm, type PskcKeyInput, writePskc } from '@nemid-sim/pskc';
import type { CellName } from './cells.js';
import { createDevice } from './device.js';
import type { ClockSource, SavedDevice } from './device-file.js';
import type { OtpMode } from './firmware.js';
import { Xoshiro128 } from './prng.js';

/** A production run of devices, as the token vendor makes it. */
export interface BatchOptions {
  count: number;
  mode: OtpMode;
  algorithm: Algorithm;
  digits: number;
  stepSeconds: number;
  /** When the devices are made and their clocks set (unix seconds). */
  startUnix: number;
  /** Draws every device's seed, and so its serial and crystal: the same seed, the same devices. */
  seed: number;
  /** Random bytes for the secrets (node:crypto's randomBytes, or a seeded source in tests). */
  random: (bytes: number) => Uint8Array;
  cell?: CellName;
  temperatureC?: number;
  clock: ClockSource;
  /** Wall clock: the computer's time now, so that the device's skew is startUnix - now. */
  wallUnix: number;
}

export const MAX_BATCH = 100_000;

/**
 * Makes `count` devices with distinct serials. Each secret is as long as its hash's output (RFC
 * 2104's recommended key length: 20 bytes for SHA-1, 32 for SHA-256, 64 for SHA-512).
 */
export function makeBatch(options: BatchOptions): SavedDevice[] {
  if (!(Number.isSafeInteger(options.count) && options.count >= 1 && options.count <= MAX_BATCH)) {
    throw new RangeError(`a batch has 1 to ${MAX_BATCH} devices`);
  }
  const prng = new Xoshiro128(options.seed);
  const serials = new Set<string>();
  const devices: SavedDevice[] = [];
  const secretBytes = HASHES[options.algorithm].digestBytes;
  while (devices.length < options.count) {
    const seed = prng.nextUint32();
    const firmware = createDevice({
      secret: options.random(secretBytes),
      startUnix: options.startUnix,
      mode: options.mode,
      algorithm: options.algorithm,
      digits: options.digits,
      stepSeconds: options.stepSeconds,
      cell: options.cell,
      temperatureC: options.temperatureC,
      seed,
    });
    // Serials are 16 random digits; a repeat is astronomically rare, but a batch never has one.
    if (serials.has(firmware.config.serial)) continue;
    serials.add(firmware.config.serial);
    devices.push({
      firmware,
      seed,
      clock: options.clock,
      skewSeconds: options.clock === 'wall' ? options.startUnix - options.wallUnix : 0,
    });
  }
  return devices;
}

/** What the vendor tells the bank about a device: its PSKC key, with the counter or time it starts at. */
export function deviceToPskcKey(device: SavedDevice, manufacturer: string): PskcKeyInput {
  const c = device.firmware.config;
  return {
    id: c.serial,
    kind: c.mode,
    serial: c.serial,
    manufacturer,
    algorithm: c.algorithm,
    digits: c.digits,
    secret: c.secret,
    ...(c.mode === 'hotp'
      ? { counter: device.firmware.counter }
      : { time: c.t0Seconds, timeInterval: c.stepSeconds }),
  };
}

export interface DeliveryOptions {
  psk?: Uint8Array;
  password?: string;
  mac?: MacAlgorithm;
  manufacturer: string;
  random: (bytes: number) => Uint8Array;
  id?: string;
}

/** The vendor's delivery document for the bank: one PSKC key per device, encrypted and MACed. */
export function deliveryDocument(devices: readonly SavedDevice[], options: DeliveryOptions): string {
  return writePskc(
    devices.map((d) => deviceToPskcKey(d, options.manufacturer)),
    {
      psk: options.psk,
      password: options.password,
      mac: options.mac,
      random: options.random,
      id: options.id,
    },
  );
}
