import { batchDigest } from '@nemid-sim/server-verifier';
import { describe, expect, it } from 'vitest';
import { BANK, cardChallenge, codeOf, enrolWithCard, keyFor, makeHarness } from './harness.js';

const BATCH = ['Pay 1,250.00 DKK to DK50 0040 0440 1162 43', 'Pay 99.95 DKK to DK12 3456 7890 1234 56'];

async function signer() {
  const h = makeHarness();
  const u = await enrolWithCard(h);
  const start = (transactions: readonly string[]) =>
    h.verifier.startSigning({ userId: u.userId, transactions, providerId: BANK, ip: '198.51.100.4' });
  return { h, u, start };
}

describe('signing a batch with one key (KC-7)', () => {
  it('approves the whole batch shown with one key', async () => {
    const { h, u, start } = await signer();
    const c = cardChallenge(await start(BATCH));
    expect(c.purpose).toBe('sign');
    expect(c.batchDigest).toBe(batchDigest(BATCH));
    const r = await h.verifier.completeSigning(c.challengeId, keyFor(u.secret, c.keyNumber), BATCH);
    expect(r).toMatchObject({
      userId: u.userId,
      batchDigest: batchDigest(BATCH),
      transactionCount: 2,
      factor: 'card',
    });
  });

  it('fails for any other batch, and the key stays unused', async () => {
    for (const other of [
      [BATCH[0]],
      [...BATCH].reverse(),
      [BATCH[0], `${BATCH[1]}0`],
      [...BATCH, BATCH[1]],
    ]) {
      const { h, u, start } = await signer();
      const c = cardChallenge(await start(BATCH));
      const key = keyFor(u.secret, c.keyNumber);
      expect(await codeOf(h.verifier.completeSigning(c.challengeId, key, other))).toBe('AUTH009');
      // Single use: the challenge is spent, even with the right batch now.
      expect(await codeOf(h.verifier.completeSigning(c.challengeId, key, BATCH))).toBe('AUTH003');
      expect((await h.verifier.listCards(u.userId))[0].keysLeft).toBe(148);
    }
  });

  it('does not let a log-on challenge sign, nor a signing challenge log on', async () => {
    const { h, u, start } = await signer();
    const s = cardChallenge(await start(BATCH));
    expect(await codeOf(h.verifier.completeLogon(s.challengeId, keyFor(u.secret, s.keyNumber)))).toBe(
      'AUTH003',
    );
    const l = cardChallenge(
      await h.verifier.startLogon({ userId: u.nemIdNumber, password: 'hemmelig42', providerId: BANK }),
    );
    expect(
      await codeOf(h.verifier.completeSigning(l.challengeId, keyFor(u.secret, l.keyNumber), BATCH)),
    ).toBe('AUTH003');
  });

  it('digests length-prefixed texts, so joining or splitting transactions changes the digest', () => {
    expect(batchDigest(['ab', 'c'])).not.toBe(batchDigest(['a', 'bc']));
    expect(batchDigest(['abc'])).not.toBe(batchDigest(['ab', 'c']));
    expect(batchDigest([])).not.toBe(batchDigest(['']));
    expect(batchDigest(BATCH)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('needs at least one transaction', async () => {
    const { start } = await signer();
    expect(await codeOf(start([]))).toBe('INVALID_INPUT');
  });
});
