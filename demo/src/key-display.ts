import { createDevice, type SavedDevice, writeDeviceFile } from '@nemid-sim/device-sim';
import type { RandomSource, VendorToken } from '@nemid-sim/server-verifier';

/**
 * The key display the demo user has ordered (T-7): a device-sim device file, run in a second
 * terminal with `nemid device --device <file>`, and the same device as the vendor's record for
 * the verifier. Counter-based (HOTP): every press shows a new code, so a user can log on and sign
 * within the same half-minute; the verifier supports time-based devices as well.
 */
export function makeKeyDisplay(path: string, nowMs: number, random: RandomSource): VendorToken {
  const secret = random(20);
  const seedBytes = random(4);
  const seed = ((seedBytes[0] << 24) | (seedBytes[1] << 16) | (seedBytes[2] << 8) | seedBytes[3]) >>> 0;
  const firmware = createDevice({ secret, startUnix: Math.floor(nowMs / 1000), mode: 'hotp', seed });
  // A wall clock: the device lives in real time, like a token on a desk.
  const device: SavedDevice = { firmware, seed, clock: 'wall', skewSeconds: 0 };
  writeDeviceFile(path, device, { exclusive: true });
  const c = firmware.config;
  return { serial: c.serial, kind: 'hotp', secret, algorithm: c.algorithm, digits: c.digits, counter: 0 };
}
