import { createOtpEngine } from '@nemid-sim/core';
import { deliveryDocument, makeBatch } from '@nemid-sim/device-sim';
import { parsePskc } from '@nemid-sim/pskc';
import { describe, expect, it } from 'vitest';
import { hex, seededRandom } from '../pskc/helpers.js';

const PSK = hex('00112233445566778899aabbccddeeff');
const START = Date.UTC(2026, 0, 1) / 1000;

function batch(mode: 'hotp' | 'totp', algorithm: 'sha1' | 'sha256' | 'sha512', count: number) {
  return makeBatch({
    count,
    mode,
    algorithm,
    digits: 8,
    stepSeconds: 60,
    startUnix: START,
    seed: 7,
    random: seededRandom(11),
    clock: 'virtual',
    wallUnix: START,
  });
}

describe('the token factory', () => {
  it('makes devices with distinct 16-digit serials and secrets as long as the hash output', () => {
    const devices = batch('totp', 'sha256', 200);
    const serials = devices.map((d) => d.firmware.config.serial);
    expect(new Set(serials).size).toBe(200);
    for (const s of serials) expect(s).toMatch(/^\d{16}$/);
    for (const d of devices) expect(d.firmware.config.secret).toHaveLength(32);
    expect(batch('totp', 'sha256', 200).map((d) => d.firmware.config.serial)).toEqual(serials);
    expect(batch('hotp', 'sha1', 1)[0].firmware.config.secret).toHaveLength(20);
    expect(batch('hotp', 'sha512', 1)[0].firmware.config.secret).toHaveLength(64);
    expect(() => batch('hotp', 'sha1', 0)).toThrow('1 to 100000 devices');
  });

  it('HOTP: the delivery gives each device exactly; the codes from it are the codes the device shows', () => {
    const devices = batch('hotp', 'sha1', 5);
    const xml = deliveryDocument(devices, { psk: PSK, manufacturer: 'Acme', random: seededRandom(12) });
    const { keys } = parsePskc(xml, { psk: PSK });
    expect(keys).toEqual(
      devices.map((d) => ({
        id: d.firmware.config.serial,
        kind: 'hotp',
        serial: d.firmware.config.serial,
        manufacturer: 'Acme',
        algorithm: 'sha1',
        digits: 8,
        secret: d.firmware.config.secret,
        counter: 0,
      })),
    );
    devices.forEach((d, i) => {
      const engine = createOtpEngine(keys[i].secret!, keys[i].algorithm);
      for (let press = 0; press < 5; press++) {
        expect(d.firmware.press(START + 3600 * (press + 1))).toBe(
          engine.hotp((keys[i].counter ?? 0) + press, keys[i].digits),
        );
      }
    });
  });

  it('TOTP: the codes from the delivery are what each drifting device shows by its own clock', () => {
    const devices = batch('totp', 'sha512', 4);
    const xml = deliveryDocument(devices, {
      password: 'vendor-bank',
      mac: 'hmac-sha256',
      manufacturer: 'Acme',
      random: seededRandom(13),
    });
    const doc = parsePskc(xml, { password: 'vendor-bank' });
    expect(doc.mac).toBe('hmac-sha256');
    devices.forEach((d, i) => {
      const k = doc.keys[i];
      expect(k).toMatchObject({ kind: 'totp', algorithm: 'sha512', digits: 8, time: 0, timeInterval: 60 });
      const engine = createOtpEngine(k.secret!, k.algorithm);
      for (const days of [1, 90, 400]) {
        const t = START + days * 86_400;
        const shown = d.firmware.press(t);
        expect(shown).toBe(engine.totp(d.firmware.deviceUnixAt(t), k.timeInterval!, k.digits, k.time));
      }
    });
  });
});
