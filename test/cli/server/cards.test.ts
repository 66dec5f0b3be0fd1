/** `nemid server card ...`: issuing key cards from a batch, listing and blocking them (KC-3, KC-5). */
import { randomBytes } from 'node:crypto';
import { createCardEngine, formatCode } from '@nemid-sim/core';
import { randomSerial } from '@nemid-sim/key-card';
import type { CardChallengeView } from '@nemid-sim/server-verifier';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../helpers/cli-in-process.js';
import {
  cardBatch,
  enrol,
  newServer,
  ok,
  PASSWORD,
  refused,
  type ServerFixture,
  verifierOn,
} from './fixture.js';

let f: ServerFixture;
let nemId: string;
let batch: Awaited<ReturnType<typeof cardBatch>>;
beforeAll(async () => {
  f = await newServer();
  const { verifier, close } = await verifierOn(f);
  nemId = (await enrol(verifier, '010190-1234')).nemId;
  await close();
  batch = await cardBatch(f, 4);
});

const server = (...args: string[]) => ['server', ...args, ...f.opts];
const serial = (i: number) => batch.cards[i].serial;

describe('nemid server card import', () => {
  it('issues cards from a batch; the user logs on with a key from the first', async () => {
    expect(
      await ok(server('card', 'import', ...batch.files, '--user', nemId, '--card', serial(0), serial(1))),
    ).toBe(`issued ${serial(0)}\nissued ${serial(1)}\n`);
    const { verifier, close } = await verifierOn(f);
    try {
      const challenge = (await verifier.startLogon({
        userId: nemId,
        password: PASSWORD,
        providerId: 'bank',
      })) as CardChallengeView;
      expect(challenge.cardNumber).toBe(serial(0));
      const engine = createCardEngine(batch.cards[0].secret);
      const key = formatCode(engine.key(engine.slotOf(Number(challenge.keyNumber))), 6);
      expect(await verifier.completeLogon(challenge.challengeId, key)).toMatchObject({ factor: 'card' });
    } finally {
      await close();
    }
  });

  it('refuses a card already issued with exit 2 (was 1), issuing the others', async () => {
    const r = await runInProcess(
      server('card', 'import', ...batch.files, '--user', nemId, '--card', serial(1), serial(2)),
    );
    expect(r).toEqual({
      status: 2,
      stdout: `issued ${serial(2)}\n`,
      stderr: `nemid: card ${serial(1)} refused: That card number is already issued.\n`,
    });
  });

  it('refuses a card not in the batch, a mistyped number and an unknown user before issuing any', async () => {
    const other = randomSerial(randomBytes);
    const imp = (user: string, ...cards: string[]) =>
      server('card', 'import', ...batch.files, '--user', user, '--card', ...cards);
    expect(await refused(imp(nemId, serial(3), other))).toMatch(
      new RegExp(`^card ${other} is not in batch `),
    );
    const typo = `${serial(3).slice(0, -1)}${(Number(serial(3).at(-1)) + 1) % 10}`;
    expect(await refused(imp(nemId, typo))).toMatch(/has a wrong check digit \(mistyped\?\)$/);
    expect(await refused(imp('999999999', serial(3)))).toBe('no user with the id 999999999');
    expect(await ok(server('card', 'list', '--user', nemId))).not.toContain(serial(3));
  });
});

describe('nemid server card list, block, threshold', () => {
  it('lists the cards; a lost card is blocked at once and the next one takes over', async () => {
    const listed = await ok(server('card', 'list', '--user', nemId));
    expect(listed).toMatch(
      new RegExp(
        `^${serial(0)}  active  147 keys left  current  issued 20\\S+\\n${serial(1)}  active  148 keys left  issued `,
      ),
    );
    expect(
      await ok(server('card', 'block', '--card', serial(0).replaceAll('-', ''), '--reason', 'lost')),
    ).toBe(`card ${serial(0)} blocked (lost)\n`);
    expect(await ok(server('card', 'block', '--card', serial(2), '--reason', 'found'))).toBe(
      `card ${serial(2)} blocked (found)\n`,
    );
    const cards = JSON.parse(await ok(server('card', 'list', '--user', nemId, '--json')));
    expect(
      cards.map((c: { cardNumber: string; status: string; current: boolean }) => [
        c.cardNumber,
        c.status,
        c.current,
      ]),
    ).toEqual([
      [serial(0), 'blocked', false],
      [serial(1), 'active', true],
      [serial(2), 'blocked', false],
    ]);
    const { verifier, close } = await verifierOn(f);
    try {
      const challenge = (await verifier.startLogon({
        userId: nemId,
        password: PASSWORD,
        providerId: 'bank',
      })) as CardChallengeView;
      expect(challenge.cardNumber).toBe(serial(1));
    } finally {
      await close();
    }
    expect(await refused(server('card', 'block', '--card', serial(3), '--reason', 'lost'))).toBe(
      `no card ${serial(3)} has been issued`,
    );
    const r = await runInProcess(server('card', 'block', '--card', serial(1), '--reason', 'stolen'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--reason must be one of lost, found/);
  });

  it('lists no cards for a new user, and sets the reorder threshold', async () => {
    const { verifier, close } = await verifierOn(f);
    const other = (await enrol(verifier, '020290-1234')).nemId;
    await close();
    expect(await ok(server('card', 'list', '--user', other))).toBe('no cards\n');
    expect(await ok(server('card', 'list', '--user', other, '--json'))).toBe('[]\n');
    expect(await ok(server('card', 'threshold', '--user', other, '--keys-left', '35'))).toBe(
      `NemID ${other}: a new card is ordered at 35 keys left\n`,
    );
    expect(await ok(server('user', 'show', '--user', other))).toContain('reorder at    35 keys left\n');
    const r = await runInProcess(server('card', 'threshold', '--user', other, '--keys-left', '148'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--keys-left must be a whole number from 0 to 147/);
  });
});
