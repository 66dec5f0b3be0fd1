/**
 * A full disk under SQLite while log-ons run: the database lives on a small tmpfs mounted for the
 * test (a real file system that runs out of space: ENOSPC, SQLITE_FULL; nothing is simulated), a
 * filler file takes the rest of it, and is deleted again. Clean 503s while it lasts, /ready says
 * so, nothing is accepted twice, and the service is back without a restart. Mounting needs root
 * (CI runs as root); without it the test fails and says so.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@nemid-sim/server-verifier';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolCardUser, raceVerifier } from '../stores/concurrency-setup.js';
import { expectCleanOutcomes, expectNothingAcceptedTwice, LogonLoad } from './fault-load.js';
import { startService, type TestService } from './service.js';

let dir: string;
let mounted = false;
let store: Store;
let s: TestService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`this test mounts a small tmpfs, which needs root (CI runs as root): ${String(err)}`);
  }
  mounted = true;
  store = openSqliteStore(join(dir, 'verifier.db'));
  s = await startService({
    verifier: raceVerifier(store, 'full-disk'),
    rateLimits: { perAddress: { max: 0, windowMs: 60_000 }, perClient: { max: 0, windowMs: 60_000 } },
  });
});
afterAll(async () => {
  await s?.close();
  await store?.close().catch(() => undefined);
  if (mounted) execFileSync('umount', ['-l', dir]);
  rmSync(dir, { recursive: true, force: true });
});

/** Fills the file system with one file; returns its path (delete it to free the space). */
function fillDisk(): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  // Then the last few bytes, so not even a page is left.
  try {
    for (;;) writeSync(fd, chunk.subarray(0, 512));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return filler;
}

describe('SQLite on a full disk', () => {
  it('gives clean 503s while the disk is full, accepts nothing twice, and recovers by itself', async () => {
    const users = [];
    for (let n = 1; n <= 4; n++) users.push(await enrolCardUser(s.verifier, n));
    const load = new LogonLoad(s, users);
    await load.successes(20);

    const filler = fillDisk();
    // Writes fail once SQLite needs a page it cannot have (the WAL or the database file must grow).
    let sawFull = false;
    for (let i = 0; i < 400 && !sawFull; i++) {
      const r = await s.call('/v1/logon', {
        userId: users[0].login,
        password: 'hemmelig42',
        providerId: 'bank',
      });
      if (r.status === 503) {
        expect(r).toMatchObject({ body: { error: { code: 'UNAVAILABLE' } } });
        expect(r.headers.get('retry-after')).toBe('1');
        expect(r.text).not.toMatch(/SQLITE|disk/i);
        sawFull = true;
      } else {
        expect(r.status).toBe(200);
      }
    }
    expect(sawFull).toBe(true);
    expect((await s.call('/ready', undefined, { key: 'none' })).status).toBe(503);
    const full = s.logObjects().find((o) => o.msg === 'database unavailable') as { cause: { code: string } };
    expect(full.cause.code).toBe('SQLITE_FULL');

    unlinkSync(filler);
    await load.successes(20);
    expect((await s.call('/ready', undefined, { key: 'none' })).status).toBe(200);
    const result = await load.stop();
    expectCleanOutcomes(result);
    await expectNothingAcceptedTwice(s, result);
  });
});
