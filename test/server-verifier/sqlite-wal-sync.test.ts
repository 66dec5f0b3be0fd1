/**
 * WalSync (server-verifier/src/store/sql/sqlite-wal-sync.ts): group commit of WAL syncs, and its use
 * by SqliteStore in grouped mode. The sync function is injected, so each test decides when a sync
 * finishes; nothing here depends on how fast anything runs.
 */
import { fstatSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, SqliteStore } from '@nemid-sim/server-verifier';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateSqlite } from '../../server-verifier/src/store/sql/sqlite-migrate.js';
import { openSqliteDatabase } from '../../server-verifier/src/store/sql/sqlite-open.js';
import { SQLITE_MIGRATIONS } from '../../server-verifier/src/store/sql/sqlite-schema.js';
import { type SyncFile, WalSync } from '../../server-verifier/src/store/sql/sqlite-wal-sync.js';
import { user } from './records.js';

const dir = mkdtempSync(join(tmpdir(), 'nemid-wal-sync-'));
let n = 0;
const fresh = (name: string) => join(dir, `${++n}-${name}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One call of the injected sync: the fd it got, and how the test ends it. */
interface SyncCall {
  readonly fd: number;
  release(): void;
  fail(err: unknown): void;
}

/** A sync function that finishes only when the test says so. */
function heldSync(): { readonly calls: SyncCall[]; readonly sync: SyncFile } {
  const calls: SyncCall[] = [];
  const sync: SyncFile = (fd) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ fd, release: resolve, fail: reject });
    });
  return { calls, sync };
}

/** A promise's outcome as it stands, without awaiting it. */
interface Tracked<T> {
  readonly promise: Promise<T>;
  state: 'pending' | 'resolved' | 'rejected';
  value?: T;
  error?: unknown;
}

function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { promise, state: 'pending' };
  promise.then(
    (value) => {
      t.state = 'resolved';
      t.value = value;
    },
    (error: unknown) => {
      t.state = 'rejected';
      t.error = error;
    },
  );
  return t;
}

/** Lets every queued microtask and the callbacks already scheduled with setImmediate run. */
async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const states = (ts: readonly Tracked<unknown>[]) => ts.map((t) => t.state);

/** A file standing in for a WAL (WalSync only opens and syncs it). */
function walFile(): string {
  const path = fresh('test.db-wal');
  writeFileSync(path, 'frames');
  return path;
}

describe('WalSync', () => {
  it('is idle until a commit, syncs the WAL file itself, and is idle again once that sync is done', async () => {
    const path = walFile();
    const { calls, sync } = heldSync();
    const w = new WalSync(path, sync);
    expect(w.pending()).toBeNull();
    const first = track(w.afterCommit());
    // The sync starts at once (nothing else is running) on a descriptor of the WAL file.
    expect(calls).toHaveLength(1);
    expect(fstatSync(calls[0].fd).ino).toBe(statSync(path).ino);
    expect(w.pending()).not.toBeNull();
    await settle();
    expect(first.state).toBe('pending');
    calls[0].release();
    await first.promise;
    expect(w.pending()).toBeNull();
    // The next commit gets a sync of its own, on the same descriptor.
    const second = track(w.afterCommit());
    expect(calls).toHaveLength(2);
    expect(calls[1].fd).toBe(calls[0].fd);
    calls[1].release();
    await second.promise;
    expect(w.pending()).toBeNull();
    await w.close();
  });

  it('makes commits that arrive during a sync share one next sync (1 running + 5 queued = 2 syncs)', async () => {
    const { calls, sync } = heldSync();
    const w = new WalSync(walFile(), sync);
    const running = track(w.afterCommit());
    const queued = [1, 2, 3, 4, 5].map(() => track(w.afterCommit()));
    await settle();
    expect(calls).toHaveLength(1);
    expect(states([running, ...queued])).toEqual(Array(6).fill('pending'));

    calls[0].release();
    await settle();
    // The first sync started before the five commits: it covers only the first one.
    expect(running.state).toBe('resolved');
    expect(states(queued)).toEqual(Array(5).fill('pending'));
    // One sync, started after the first finished, for all five.
    expect(calls).toHaveLength(2);

    calls[1].release();
    await settle();
    expect(states(queued)).toEqual(Array(5).fill('resolved'));
    expect(calls).toHaveLength(2);
    expect(w.pending()).toBeNull();
    await w.close();
  });

  it('never reports a commit made during a sync as synced by that sync, and pending() covers the newest commit', async () => {
    const { calls, sync } = heldSync();
    const w = new WalSync(walFile(), sync);
    const early = track(w.afterCommit());
    // While only the first commit waits, pending() is its sync.
    const coversEarly = track(w.pending()!);
    const late = track(w.afterCommit());
    // A commit is now waiting for a sync that has not started: pending() must wait for that one.
    const coversLate = track(w.pending()!);

    calls[0].release();
    await settle();
    expect(early.state).toBe('resolved');
    expect(coversEarly.state).toBe('resolved');
    expect(late.state).toBe('pending');
    expect(coversLate.state).toBe('pending');
    // pending() now is the second sync, which is running.
    const stillRunning = track(w.pending()!);
    await settle();
    expect(stillRunning.state).toBe('pending');

    calls[1].release();
    await settle();
    expect(states([late, coversLate, stillRunning])).toEqual(['resolved', 'resolved', 'resolved']);
    expect(w.pending()).toBeNull();
    await w.close();
  });

  it('fails for good after a failed sync: the commits it covered, the queued ones and every later one', async () => {
    const { calls, sync } = heldSync();
    const w = new WalSync(walFile(), sync);
    const a = track(w.afterCommit());
    const b = track(w.afterCommit());
    const c = track(w.afterCommit());
    calls[0].fail(new Error('EIO: i/o error, fdatasync'));
    await settle();
    // After a failed fsync the kernel may have dropped pages that b and c rely on: no later sync
    // can vouch for them, so they fail too, and no further sync is even tried.
    expect(states([a, b, c])).toEqual(['rejected', 'rejected', 'rejected']);
    expect(calls).toHaveLength(1);
    expect(w.broken?.message).toMatch(/could not sync the SQLite WAL to disk \(EIO: i\/o error, fdatasync\)/);
    expect([a.error, b.error, c.error]).toEqual([w.broken, w.broken, w.broken]);
    expect(w.pending()).toBeNull();
    const later = track(w.afterCommit());
    await settle();
    expect(later.state).toBe('rejected');
    expect(later.error).toBe(w.broken);
    expect(calls).toHaveLength(1);
    await w.close();
  });

  it('fails for good when the WAL file cannot be opened', async () => {
    const path = fresh('late.db-wal');
    const { calls, sync } = heldSync();
    const w = new WalSync(path, sync);
    const missing = track(w.afterCommit());
    await settle();
    expect(missing.state).toBe('rejected');
    expect((missing.error as Error).message).toMatch(/ENOENT/);
    expect(calls).toHaveLength(0);
    expect(w.pending()).toBeNull();
    writeFileSync(path, 'frames');
    const later = track(w.afterCommit());
    await settle();
    expect(later.state).toBe('rejected');
    expect(calls).toHaveLength(0);
    await w.close();
  });

  it('close() waits for the sync under way and the queued one, then closes the descriptor', async () => {
    const path = walFile();
    const wal = statSync(path);
    const { calls, sync } = heldSync();
    const w = new WalSync(path, sync);
    const a = track(w.afterCommit());
    const b = track(w.afterCommit());
    const closed = track(w.close());
    await settle();
    expect(closed.state).toBe('pending');
    calls[0].release();
    await settle();
    expect(a.state).toBe('resolved');
    // The queued commit's sync is running: close() still waits.
    expect(closed.state).toBe('pending');
    expect(calls).toHaveLength(2);
    // The descriptor is still open while a sync may use it.
    expect(fstatSync(calls[1].fd).ino).toBe(wal.ino);
    calls[1].release();
    await settle();
    expect(b.state).toBe('resolved');
    expect(closed.state).toBe('resolved');
    expect(w.pending()).toBeNull();
    // The descriptor no longer refers to the WAL (closed; the number may have been reused since).
    let stillTheWal: boolean;
    try {
      const st = fstatSync(calls[1].fd);
      stillTheWal = st.ino === wal.ino && st.dev === wal.dev;
    } catch {
      stillTheWal = false;
    }
    expect(stillTheWal).toBe(false);
  });

  it('close() resolves when nothing was ever synced, and waits out a failing sync', async () => {
    await new WalSync(walFile(), heldSync().sync).close();
    const { calls, sync } = heldSync();
    const w = new WalSync(walFile(), sync);
    const a = track(w.afterCommit());
    const closed = track(w.close());
    await settle();
    expect(closed.state).toBe('pending');
    calls[0].fail(new Error('EIO'));
    await settle();
    expect(a.state).toBe('rejected');
    // A failed sync does not make close() fail.
    expect(closed.state).toBe('resolved');
  });
});

/** A grouped-mode store whose WAL syncs the test releases by hand; a second connection to look. */
function storeWithHeldSync(maxGroupOps = 32) {
  const path = fresh('store.db');
  const db = openSqliteDatabase(path, { durability: 'normal' });
  migrateSqlite(db, SQLITE_MIGRATIONS);
  const { calls, sync } = heldSync();
  const walSync = new WalSync(`${path}-wal`, sync);
  const store = new SqliteStore(db, { commitMode: 'grouped', walSync, maxGroupOps, checkpointer: null });
  const other = new Database(path, { readonly: true });
  const committedKeys = (serial: string) =>
    other
      .prepare('SELECT key_number FROM card_used_keys WHERE card_serial = ? ORDER BY key_number')
      .pluck()
      .all(serial) as number[];
  const close = async () => {
    // Releases every sync, including those the close itself starts (an open group), until closed.
    const closing = track(store.close());
    for (let i = 0; i < 20 && closing.state === 'pending'; i++) {
      for (const c of calls) c.release();
      await settle(1);
    }
    await closing.promise;
    other.close();
  };
  return { path, store, calls, committedKeys, close };
}

describe('SqliteStore with a WalSync (grouped commits)', () => {
  it('fails a read that throws while a sync is pending only after the sync, and never as unhandled', async () => {
    const s = storeWithHeldSync();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const write = track(s.store.useCardKey('A000000001', 1));
      await settle();
      expect(s.calls).toHaveLength(1);
      // A storage error in a read (the statement is replaced for the test).
      const statements = (s.store as unknown as { s: { usedKeys: { all: () => unknown } } }).s;
      statements.usedKeys.all = () => {
        throw new Error('disk I/O error');
      };
      const read = track(s.store.listUsedKeys('A000000001'));
      await settle();
      expect(read.state).toBe('pending');
      s.calls[0].release();
      await settle();
      expect(write.state).toBe('resolved');
      expect(read.state).toBe('rejected');
      expect((read.error as Error).message).toBe('disk I/O error');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await s.close();
    }
  });

  it('resolves a write only after the sync that follows its commit, and a later read waits for it too', async () => {
    const s = storeWithHeldSync();
    try {
      const write = track(s.store.useCardKey('A000000001', 1));
      await settle();
      // Committed (another connection sees it) and handed to the sync, but not reported yet.
      expect(s.committedKeys('A000000001')).toEqual([1]);
      expect(s.calls).toHaveLength(1);
      expect(write.state).toBe('pending');
      // A read outside any group sees the commit: it must not resolve before that commit is durable.
      const read = track(s.store.listUsedKeys('A000000001'));
      await settle();
      expect(write.state).toBe('pending');
      expect(read.state).toBe('pending');
      s.calls[0].release();
      await settle();
      expect(write).toMatchObject({ state: 'resolved', value: 'ok' });
      expect(read).toMatchObject({ state: 'resolved', value: [1] });
      // Nothing unsynced: a read resolves without any sync.
      expect(await s.store.listUsedKeys('A000000001')).toEqual([1]);
      expect(s.calls).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('lets the commits of later turns share the next sync while one runs', async () => {
    const s = storeWithHeldSync();
    try {
      const first = track(s.store.useCardKey('A000000001', 1));
      await settle();
      expect(s.calls).toHaveLength(1);
      // Two more turns, two more commits, while the first sync runs.
      const second = track(s.store.useCardKey('A000000001', 2));
      await settle();
      const third = track(s.store.createUser(user(1)));
      await settle();
      expect(s.committedKeys('A000000001')).toEqual([1, 2]);
      expect(s.calls).toHaveLength(1);
      // A read now waits for the sync that covers the newest commit, not just the running one.
      const read = track(s.store.getUser('user-1'));
      s.calls[0].release();
      await settle();
      expect(first.state).toBe('resolved');
      expect(states([second, third, read])).toEqual(['pending', 'pending', 'pending']);
      expect(s.calls).toHaveLength(2);
      s.calls[1].release();
      await settle();
      expect(states([second, third, read])).toEqual(['resolved', 'resolved', 'resolved']);
      expect(read.value).toMatchObject({ id: 'user-1' });
      expect(s.calls).toHaveLength(2);
    } finally {
      await s.close();
    }
  });

  it('rejects the writes of a commit whose sync failed, and refuses all work after it', async () => {
    const s = storeWithHeldSync();
    try {
      const write = track(s.store.useCardKey('A000000001', 1));
      await settle();
      s.calls[0].fail(new Error('EIO'));
      await settle();
      expect(write.state).toBe('rejected');
      expect((write.error as Error).message).toMatch(
        /could not sync the SQLite WAL to disk \(EIO\).*reopen it/,
      );
      // Neither writes nor reads run any more: nothing more is written that cannot be made durable.
      await expect(s.store.useCardKey('A000000001', 2)).rejects.toThrow(/could not sync/);
      await expect(s.store.listUsedKeys('A000000001')).rejects.toThrow(/could not sync/);
      expect(s.committedKeys('A000000001')).toEqual([1]);
      expect(s.calls).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('with maxGroupOps 2 commits (and syncs) within the turn: 5 writes in one turn make 3 commits', async () => {
    const s = storeWithHeldSync(2);
    try {
      const writes = [1, 2, 3, 4, 5].map((k) => track(s.store.useCardKey('A000000001', k)));
      // Still in the same turn: writes 1-2 and 3-4 are committed, write 5 is in the open group.
      expect(s.committedKeys('A000000001')).toEqual([1, 2, 3, 4]);
      // The first commit's sync has started; the second commit waits for the next one.
      expect(s.calls).toHaveLength(1);
      await settle();
      // The turn ended: the third group (write 5) committed and joined the waiting commit.
      expect(s.committedKeys('A000000001')).toEqual([1, 2, 3, 4, 5]);
      expect(s.calls).toHaveLength(1);
      expect(states(writes)).toEqual(Array(5).fill('pending'));
      s.calls[0].release();
      await settle();
      expect(states(writes)).toEqual(['resolved', 'resolved', 'pending', 'pending', 'pending']);
      expect(s.calls).toHaveLength(2);
      s.calls[1].release();
      await settle();
      expect(writes.map((w) => w.value)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(s.calls).toHaveLength(2);
    } finally {
      await s.close();
    }
  });

  it('without the limit, the 5 writes of one turn make one commit at the end of the turn', async () => {
    const s = storeWithHeldSync(32);
    try {
      const writes = [1, 2, 3, 4, 5].map((k) => track(s.store.useCardKey('A000000001', k)));
      expect(s.committedKeys('A000000001')).toEqual([]);
      expect(s.calls).toHaveLength(0);
      await settle();
      expect(s.committedKeys('A000000001')).toEqual([1, 2, 3, 4, 5]);
      expect(s.calls).toHaveLength(1);
      s.calls[0].release();
      await settle();
      expect(writes.map((w) => w.value)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    } finally {
      await s.close();
    }
  });

  it('close() waits for the sync of the last commit', async () => {
    const s = storeWithHeldSync();
    const write = track(s.store.useCardKey('A000000001', 1));
    await settle();
    const closed = track(s.store.close());
    await settle();
    expect(closed.state).toBe('pending');
    expect(write.state).toBe('pending');
    s.calls[0].release();
    await settle();
    expect(write.state).toBe('resolved');
    expect(closed.state).toBe('resolved');
    await s.close();
  });
});

describe('openSqliteStore: who syncs the WAL', () => {
  // The synchronous setting is per connection and the store does not expose its connection, so
  // these tests read the private `db` field (TypeScript-private only) of the store.
  const connectionOf = (store: SqliteStore) => (store as unknown as { db: Database.Database }).db;
  const SYNC = { 0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA' } as const;
  const synchronous = (db: Database.Database) =>
    SYNC[db.pragma('synchronous', { simple: true }) as keyof typeof SYNC];

  it('openSqliteDatabase maps durability to the synchronous pragma', () => {
    for (const [durability, want] of [
      [undefined, 'FULL'],
      ['full', 'FULL'],
      ['normal', 'NORMAL'],
    ] as const) {
      const db = openSqliteDatabase(fresh('plain.db'), durability === undefined ? {} : { durability });
      try {
        expect(synchronous(db)).toBe(want);
      } finally {
        db.close();
      }
    }
  });

  it('grouped + full (the default) runs the connection with NORMAL, since its WalSync syncs', async () => {
    const store = openSqliteStore(fresh('grouped.db'));
    try {
      expect(synchronous(connectionOf(store))).toBe('NORMAL');
      // And its own WalSync really syncs: a write resolves (with the real fdatasync).
      expect(await store.useCardKey('A000000001', 1)).toBe('ok');
    } finally {
      await store.close();
    }
  });

  it('keeps FULL for commitMode each, and NORMAL when normal durability is asked for', async () => {
    const each = openSqliteStore(fresh('each.db'), { commitMode: 'each' });
    const normal = openSqliteStore(fresh('normal.db'), { durability: 'normal' });
    // In memory there is no file to sync: SQLite's own setting stays.
    const memory = openSqliteStore(':memory:');
    try {
      expect(synchronous(connectionOf(each))).toBe('FULL');
      expect(synchronous(connectionOf(normal))).toBe('NORMAL');
      expect(synchronous(connectionOf(memory))).toBe('FULL');
    } finally {
      await each.close();
      await normal.close();
      await memory.close();
    }
  });
});
