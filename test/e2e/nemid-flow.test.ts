/**
 * The three products working together, as their users would chain them: a print shop makes and
 * prints a batch of key cards, a bank imports it into the verifier, a user logs on with a key read
 * off the printed card, then activates a key display (T-7) and logs on with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevice } from '@nemid-sim/device-sim';
import { readBatchFile, readKeyFile } from '@nemid-sim/key-card';
import {
  type ChallengeView,
  createMemoryStore,
  createVerifier,
  isVerifierError,
} from '@nemid-sim/server-verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nemid } from '../helpers/cli.js';

const START_MS = Date.UTC(2026, 10, 29, 9, 0, 0);
let nowMs = START_MS;
const clock = (): number => nowMs;
let dir = '';

interface ShownCard {
  serial: string;
  keys: { number: string; key: string }[];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-e2e-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cardChallenge(c: ChallengeView) {
  if (c.factor !== 'card') throw new Error(`expected a card challenge, got ${c.factor}`);
  return c;
}

describe('print shop -> bank -> user', () => {
  it('a key printed by `nemid card` logs the user on, once', async () => {
    const key = join(dir, 'batch.key');
    const batchFile = join(dir, 'batch.nemid');
    expect((await nemid(['keygen', '--out', key])).status).toBe(0);
    expect((await nemid(['card', 'new', '--count', '2', '--key-file', key, '--out', batchFile])).status).toBe(
      0,
    );
    const listed = await nemid(['card', 'list', '--secrets', batchFile, '--key-file', key, '--json']);
    expect(listed.status).toBe(0);
    const pdf = await nemid([
      'card',
      'print',
      '--secrets',
      batchFile,
      '--key-file',
      key,
      '--out',
      join(dir, 'cards.pdf'),
    ]);
    expect(pdf.status).toBe(0);

    // The bank reads the same batch file and gives the first card to a new user.
    const batch = await readBatchFile(batchFile, await readKeyFile(key));
    const card = batch.cards[0];
    const shown = JSON.parse(
      (
        await nemid([
          'card',
          'show',
          '--secrets',
          batchFile,
          '--key-file',
          key,
          '--serial',
          card.serial,
          '--json',
        ])
      ).stdout,
    ) as ShownCard;
    expect(shown.serial).toBe(card.serial);
    expect(shown.keys).toHaveLength(148);

    const verifier = createVerifier({
      store: createMemoryStore(),
      masterKey: new Uint8Array(32).fill(9),
      clock,
    });
    await verifier.registerProvider({ id: 'netbank', name: 'Netbank', cprApproved: true, isBank: true });
    const user = await verifier.enrol({ name: 'Karen Jensen', cpr: '010190-1234', password: 'Sommer2026x' });
    const imported = await verifier.importCards([
      { userId: user.userId, serial: card.serial, secret: card.secret },
    ]);
    expect(imported.refused).toEqual([]);

    const logon = {
      userId: user.nemIdNumber,
      password: 'Sommer2026x',
      providerId: 'netbank',
      ip: '192.0.2.7',
    };
    const challenge = cardChallenge(await verifier.startLogon(logon));
    expect(challenge.cardNumber).toBe(card.serial);
    const printed = shown.keys.find((k) => k.number === challenge.keyNumber);
    expect(printed).toBeDefined();
    const result = await verifier.completeLogon(challenge.challengeId, printed?.key ?? '');
    expect(result).toMatchObject({ userId: user.userId, factor: 'card' });
    expect(result.identity).toMatchObject({ kind: 'cpr' });

    // The same key is never asked for again, and typing it again is refused as an old key.
    const next = cardChallenge(await verifier.startLogon(logon));
    expect(next.keyNumber).not.toBe(challenge.keyNumber);
    const replay = await verifier
      .completeLogon(next.challengeId, printed?.key ?? '')
      .catch((e: unknown) => e);
    expect(isVerifierError(replay) && replay.code).toBe('AUTH010');
  });
});

describe('key display: activation by "switch to key display", then log-on with the device', () => {
  it('the first device code activates the token; afterwards log-on asks for the device', async () => {
    const verifier = createVerifier({
      store: createMemoryStore(),
      masterKey: new Uint8Array(32).fill(3),
      clock,
    });
    await verifier.registerProvider({ id: 'shop', name: 'Web shop', cprApproved: false, isBank: false });
    const user = await verifier.enrol({ name: 'Ole Hansen', cpr: '020285-2345', password: 'Efteraar99y' });
    const cardSecret = new Uint8Array(32).fill(5);
    await verifier.issueCard(user.userId, { serial: 'A123-456-785', secret: cardSecret });

    const tokenSecret = new Uint8Array(20).fill(11);
    const device = createDevice({
      secret: tokenSecret,
      startUnix: nowMs / 1000,
      mode: 'totp',
      ppm: 18,
      temperatureC: 8,
      seed: 42,
    });
    await verifier.registerTokens([{ serial: device.config.serial, kind: 'totp', secret: tokenSecret }]);
    await verifier.assignToken(user.userId, device.config.serial);

    // Months in a drawer: the device's clock wanders away from true time.
    nowMs += 200 * 24 * 3600 * 1000;
    const logon = {
      userId: user.nemIdNumber,
      password: 'Efteraar99y',
      providerId: 'shop',
      ip: '198.51.100.4',
    };
    const challenge = cardChallenge(await verifier.startLogon(logon));
    expect(challenge.canSwitchToToken).toBe(true);
    const switched = await verifier.switchToToken(challenge.challengeId);
    expect(switched).toMatchObject({ factor: 'token', activation: true });
    const code = String(device.press(nowMs / 1000)).padStart(6, '0');
    const activated = await verifier.completeLogon(switched.challengeId, code);
    expect(activated).toMatchObject({ factor: 'token', tokenActivated: true });
    // A provider not approved for CPR learns a pseudonym, never the CPR number.
    expect(activated.identity.kind).toBe('pseudonym');
    expect(JSON.stringify(activated.identity)).not.toContain('020285');

    nowMs += 90_000;
    const again = await verifier.startLogon(logon);
    expect(again.factor).toBe('token');
    const second = await verifier.completeLogon(
      again.challengeId,
      String(device.press(nowMs / 1000)).padStart(6, '0'),
    );
    expect(second).toMatchObject({ factor: 'token', tokenActivated: false });
  });
});
