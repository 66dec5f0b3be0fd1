import { createOtpEngine, formatCode } from '@nemid-sim/core';
import { deliveryDocument, makeBatch } from '@nemid-sim/device-sim';
import { createMemoryStore } from '@nemid-sim/server-verifier';
import { describe, expect, it } from 'vitest';
import { codeOf, enrolWithCard, logonWith, makeHarness, seededRandom } from './harness.js';

const PSK = new Uint8Array(16).fill(0x42);

/** A vendor's run of devices, made at the harness's start, and its delivery document. */
function vendorBatch(mode: 'hotp' | 'totp', count: number, startUnix: number) {
  const devices = makeBatch({
    count,
    mode,
    algorithm: 'sha1',
    digits: 6,
    stepSeconds: 30,
    startUnix,
    seed: 7,
    random: seededRandom(`batch-${mode}`),
    clock: 'virtual',
    wallUnix: startUnix,
  });
  const xml = deliveryDocument(devices, {
    psk: PSK,
    manufacturer: 'Vendor',
    random: seededRandom('delivery'),
  });
  return { devices, xml };
}

describe('PSKC provisioning (RFC 6030)', () => {
  it('registers a vendor batch, and each device logs on with its own codes', async () => {
    const h = makeHarness({ seed: 'pskc' });
    const { devices, xml } = vendorBatch('totp', 3, h.clock.now / 1000);
    expect(await h.verifier.importPskc(xml, { psk: PSK })).toBe(3);
    const u = await enrolWithCard(h);
    const device = devices[1].firmware;
    await h.verifier.assignToken(u.userId, device.config.serial);
    const press = () => formatCode(device.press(h.clock.now / 1000), 6);
    expect(
      (await logonWith(h, u.nemIdNumber, { switchToToken: true, tokenCode: press })).tokenActivated,
    ).toBe(true);
    h.clock.advance(60_000);
    expect((await logonWith(h, u.nemIdNumber, { tokenCode: press })).factor).toBe('token');
  });

  it('refuses a file under the wrong key, or with a serial already registered, and imports nothing', async () => {
    const h = makeHarness({ seed: 'pskc-bad' });
    const { devices, xml } = vendorBatch('hotp', 2, h.clock.now / 1000);
    expect(await codeOf(h.verifier.importPskc(xml, { psk: new Uint8Array(16) }))).toBe('INVALID_INPUT');
    expect(await codeOf(h.verifier.importPskc('<not xml', { psk: PSK }))).toBe('INVALID_INPUT');
    await h.verifier.registerTokens([
      { serial: devices[1].firmware.config.serial, kind: 'hotp', secret: new Uint8Array(20).fill(1) },
    ]);
    expect(await codeOf(h.verifier.importPskc(xml, { psk: PSK }))).toBe('CONFLICT');
    expect(await h.store.getToken(devices[0].firmware.config.serial)).toBeNull();
  });

  it('exports tokens with their counters and drift, and another server imports them and goes on', async () => {
    const h = makeHarness({ seed: 'pskc-out' });
    const u = await enrolWithCard(h);
    const secret = new Uint8Array(20).fill(9);
    const engine = createOtpEngine(secret, 'sha1');
    let counter = 0;
    const press = () => formatCode(engine.hotp(counter++, 6), 6);
    await h.verifier.registerTokens([{ serial: '1111222233334444', kind: 'hotp', secret }]);
    await h.verifier.assignToken(u.userId, '1111222233334444');
    await logonWith(h, u.nemIdNumber, { switchToToken: true, tokenCode: press });
    for (let i = 0; i < 5; i++) await logonWith(h, u.nemIdNumber, { tokenCode: press });
    const xml = await h.verifier.exportPskc({ password: 'migration' });
    expect(xml).not.toContain(Buffer.from(secret).toString('base64'));

    const other = makeHarness({ seed: 'pskc-in', store: createMemoryStore() });
    expect(await other.verifier.importPskc(xml, { password: 'migration' })).toBe(1);
    const moved = await other.store.getToken('1111222233334444');
    expect(moved).toMatchObject({ kind: 'hotp', lastCounter: 5, state: 'stock' });
    const u2 = await enrolWithCard(other);
    await other.verifier.assignToken(u2.userId, '1111222233334444');
    // The next code is accepted; one from before the move is not.
    const old = formatCode(engine.hotp(4, 6), 6);
    expect(
      await codeOf(logonWith(other, u2.nemIdNumber, { switchToToken: true, tokenCode: () => old })),
    ).toBe('AUTH010');
    expect(
      (await logonWith(other, u2.nemIdNumber, { switchToToken: true, tokenCode: press })).tokenActivated,
    ).toBe(true);
  });
});
