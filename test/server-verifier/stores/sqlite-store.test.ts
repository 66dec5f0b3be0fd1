import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChallengeRecord } from '@nemid-sim/server-verifier';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { storeConformanceSuite } from './conformance.js';
import { T0, user } from './records.js';

// Every test gets a new file in one temp directory, removed when the file's tests are done.
const dir = mkdtempSync(join(tmpdir(), 'nemid-sqlite-store-'));
let n = 0;
const file = () => join(dir, `store-${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeConformanceSuite('sqlite (grouped commits)', async () => openSqliteStore(file()));
storeConformanceSuite('sqlite (a commit per operation)', async () =>
  openSqliteStore(file(), { commitMode: 'each' }),
);

describe('SQLite store specifics', () => {
  it('keeps what was written when the file is opened again, and holds only ciphertext as given', async () => {
    const path = file();
    const a = openSqliteStore(path);
    await a.createUser({
      id: 'u1',
      nemIdNumber: '123456789',
      cpr: null,
      alias: 'anna',
      name: 'Anna',
      address: null,
      mobile: null,
      email: null,
      eligibility: 'full',
      status: 'active',
      siteLogOptIn: true,
      reorderThreshold: 20,
      createdAt: 1,
    });
    expect(await a.useCardKey('A000000001', 7)).toBe('ok');
    await a.close();
    const b = openSqliteStore(path);
    expect(await b.findUserId('alias', 'anna')).toBe('u1');
    expect((await b.getUser('u1'))?.siteLogOptIn).toBe(true);
    expect(await b.useCardKey('A000000001', 7)).toBe('already-used');
    await b.close();
  });

  it('resolves a grouped write only after its commit, visible to a second connection', async () => {
    const path = file();
    const writer = openSqliteStore(path);
    const reader = openSqliteStore(path);
    const pending = writer.useCardKey('A000000001', 1);
    // Not committed yet: the other connection does not see it.
    expect(await reader.listUsedKeys('A000000001')).toEqual([]);
    expect(await pending).toBe('ok');
    expect(await reader.listUsedKeys('A000000001')).toEqual([1]);
    await writer.close();
    await reader.close();
  });

  it('lets two stores of one process write to one file in the same turn without waiting on each other', async () => {
    const path = file();
    // A short busy timeout: were the second store to wait for the first one's lock, it would fail.
    const a = openSqliteStore(path, { busyTimeoutMs: 50 });
    const b = openSqliteStore(path, { busyTimeoutMs: 50 });
    const c = openSqliteStore(path, { busyTimeoutMs: 50, commitMode: 'each' });
    const results = await Promise.all([
      a.useCardKey('A000000001', 1),
      b.useCardKey('A000000001', 2),
      a.useCardKey('A000000001', 2),
      b.useCardKey('A000000001', 1),
      c.useCardKey('A000000001', 3),
      c.useCardKey('A000000001', 1),
    ]);
    expect(results).toEqual(['ok', 'ok', 'already-used', 'already-used', 'ok', 'already-used']);
    await a.close();
    await b.close();
    await c.close();
  });

  for (const commitMode of ['grouped', 'each'] as const) {
    it(`keeps nothing of an answer that fails midway (${commitMode} commits)`, async () => {
      const s = openSqliteStore(file(), { commitMode });
      await s.createUser(user(1));
      const challenge: ChallengeRecord = {
        id: 'c1',
        userId: user(1).id,
        purpose: 'logon',
        factor: 'card',
        cardSerial: 'A000000001',
        keyNumber: 1234,
        tokenSerial: null,
        batchDigest: null,
        providerId: null,
        ip: null,
        data: null,
        createdAt: T0,
        expiresAt: T0 + 60_000,
      };
      expect(await s.createChallenge(challenge)).toBe('ok');
      const broken = new Error('the judge broke');
      // In grouped mode the answer shares its transaction with the write before it, which then
      // fails with it (no half of the answer, the challenge's DELETE, may be committed).
      const before = s.useCardKey('A000000002', 1);
      const answer = s.answerChallenge('c1', T0, () => {
        throw broken;
      });
      await expect(answer).rejects.toBe(broken);
      if (commitMode === 'grouped') await expect(before).rejects.toBe(broken);
      else expect(await before).toBe('ok');
      // The challenge is still there; the store goes on.
      expect((await s.getChallenge('c1'))?.id).toBe('c1');
      expect(await s.listUsedKeys('A000000002')).toEqual(commitMode === 'grouped' ? [] : [1]);
      const again = await s.answerChallenge('c1', T0, () => null);
      expect(again.loaded?.challenge.id).toBe('c1');
      expect(await s.getChallenge('c1')).toBeNull();
      await s.close();
    });
  }
});
