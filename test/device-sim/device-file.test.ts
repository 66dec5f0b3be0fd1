import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bringDeviceToNow,
  createDevice,
  DEVICE_FILE_VERSION,
  deviceNow,
  readDeviceFile,
  type SavedDevice,
  SECRET_NOTICE,
  writeDeviceFile,
} from '@nemid-sim/device-sim';
import { beforeEach, describe, expect, it } from 'vitest';

const SECRET_HEX = '3132333435363738393031323334353637383930';
const SECRET = new TextEncoder().encode('12345678901234567890');
const START = 1_767_225_600;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-device-'));
});

function saved(clock: 'wall' | 'virtual' = 'virtual', skewSeconds = 0): SavedDevice {
  return {
    firmware: createDevice({ secret: SECRET, startUnix: START, mode: 'hotp', seed: 11 }),
    seed: 11,
    clock,
    skewSeconds,
  };
}

describe('device files', () => {
  it('round-trip: a saved device comes back with the same codes, counter, battery and clock', () => {
    const path = join(dir, 'd.json');
    const a = saved();
    a.firmware.press(START + 5);
    a.firmware.press(START + 86_400);
    writeDeviceFile(path, a);
    const b = readDeviceFile(path);
    expect(b.firmware.config.serial).toBe(a.firmware.config.serial);
    expect(b.firmware.config.crystal).toEqual(a.firmware.config.crystal);
    expect(b.firmware.snapshot()).toEqual(a.firmware.snapshot());
    expect(b.firmware.press(START + 90_000)).toBe(a.firmware.press(START + 90_000));
  });

  it('is written with mode 0600, says plainly the secret is a simulation secret, and has a version', () => {
    const path = join(dir, 'd.json');
    writeDeviceFile(path, saved());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json.format).toBe('nemid-sim-device');
    expect(json.version).toBe(DEVICE_FILE_VERSION);
    expect(json.secretNotice).toBe(SECRET_NOTICE);
    expect(json.secretHex).toBe(SECRET_HEX);
  });

  it('writes atomically: no temporary file is left behind, and a replaced file is 0600 too', () => {
    const path = join(dir, 'd.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    writeDeviceFile(path, saved());
    expect(readdirSync(dir)).toEqual(['d.json']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('exclusive writes refuse to replace a file', () => {
    const path = join(dir, 'd.json');
    writeDeviceFile(path, saved(), { exclusive: true });
    expect(() => writeDeviceFile(path, saved(), { exclusive: true })).toThrow(/EEXIST|exists/);
  });

  it('bad files give one line that names the problem but never the secret', () => {
    const path = join(dir, 'd.json');
    writeFileSync(path, 'not json');
    expect(() => readDeviceFile(path)).toThrow(/not a nemid device file/);
    writeFileSync(path, JSON.stringify({ format: 'something else' }));
    expect(() => readDeviceFile(path)).toThrow(/not a nemid device file/);
    writeDeviceFile(path, saved());
    const good = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...good, secretHex: `${SECRET_HEX}zz` }));
    let message = '';
    try {
      readDeviceFile(path);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/hex/);
    expect(message).not.toContain(SECRET_HEX);
    writeFileSync(path, JSON.stringify({ ...good, version: DEVICE_FILE_VERSION + 1 }));
    expect(() => readDeviceFile(path)).toThrow(/newer/);
    writeFileSync(path, JSON.stringify({ ...good, state: { ...good.state, counter: -1 } }));
    expect(() => readDeviceFile(path)).toThrow(/counter/);
    writeFileSync(path, JSON.stringify({ ...good, mode: 'both' }));
    expect(() => readDeviceFile(path)).toThrow(/mode/);
  });
});

describe('device time', () => {
  it('virtual clock: time moves only when asked', () => {
    const d = saved('virtual');
    expect(deviceNow(d, START + 1000)).toBe(START);
    expect(bringDeviceToNow(d, START + 1000, 60)).toBe(START + 60);
    expect(d.firmware.trueUnix).toBe(START + 60);
  });

  it('wall clock: the device follows the computer clock plus what was skipped', () => {
    const d = saved('wall', 0);
    expect(bringDeviceToNow(d, START + 100)).toBe(START + 100);
    expect(bringDeviceToNow(d, START + 200, 3600)).toBe(START + 3800);
    expect(d.skewSeconds).toBe(3600);
    // Later, the skip is remembered.
    expect(deviceNow(d, START + 300)).toBe(START + 3900);
    // A computer clock set back never moves the device backwards.
    expect(deviceNow(d, START - 10_000)).toBe(START + 3800);
  });

  it('refuses to skip backwards', () => {
    expect(() => bringDeviceToNow(saved(), START, -1)).toThrow(RangeError);
  });
});
