/**
 * WalCheckpointer (server-verifier/src/store/sql/sqlite-checkpointer.ts): PASSIVE checkpoints on a
 * worker thread after every `everyCommits` commits, and its use by openSqliteStore.
 *
 * What proves a checkpoint happened: in WAL mode nothing but a checkpoint (or the last connection
 * closing, which these tests only do at the end) writes pages into the main database file, and the
 * connections here run with their own automatic checkpoint off (or far above what they write). So
 * the main file growing to hold every page is the checkpoint's doing. Worker threads are observed
 * through a thin subclass of node's Worker (what was posted to each, whether it exited).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore, type SqliteStore } from '@nemid-sim/server-verifier';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { WalCheckpointer } from '../../server-verifier/src/store/sql/sqlite-checkpointer.js';

interface WorkerRecord {
  readonly posts: unknown[];
  exited: boolean;
  /** To end a thread a test left behind. */
  terminate(): Promise<number>;
}

const spy = vi.hoisted(() => ({ workers: [] as WorkerRecord[] }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:worker_threads')>();
  class RecordedWorker extends actual.Worker {
    private readonly record: WorkerRecord = { posts: [], exited: false, terminate: () => this.terminate() };

    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      super(...args);
      spy.workers.push(this.record);
      this.on('exit', () => {
        this.record.exited = true;
      });
    }

    override postMessage(...args: Parameters<InstanceType<typeof actual.Worker>['postMessage']>): void {
      this.record.posts.push(args[0]);
      super.postMessage(...args);
    }
  }
  return { ...actual, default: { ...actual, Worker: RecordedWorker }, Worker: RecordedWorker };
});

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHECKPOINTER_SOURCE = fileURLToPath(
  new URL('../../server-verifier/src/store/sql/sqlite-checkpointer.ts', import.meta.url),
);

const dir = mkdtempSync(join(tmpdir(), 'nemid-checkpointer-'));
let n = 0;
const fresh = (name: string) => join(dir, `${++n}-${name}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` (at most ~5 s in short waits); returns whether it became true. */
async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

/** Workers created from now on, as the spy records them. */
function newWorkers(): () => WorkerRecord[] {
  const from = spy.workers.length;
  return () => spy.workers.slice(from);
}

const checkpointsAskedOf = (ws: readonly WorkerRecord[]) =>
  ws.flatMap((w) => w.posts).filter((m) => m === 'checkpoint').length;

/** A WAL database whose own connection never checkpoints, with `rows` rows of ~4 KB in the WAL. */
function walDatabase(rows: number) {
  const file = fresh('wal.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (x BLOB)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const write = (count: number) => {
    for (let i = 0; i < count; i++) insert.run(Buffer.alloc(4000, i));
  };
  write(rows);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  /** The size the main file has once every committed page is checkpointed into it. */
  const fullSize = () => (db.pragma('page_count', { simple: true }) as number) * pageSize;
  const mainSize = () => statSync(file).size;
  return { file, db, write, fullSize, mainSize };
}

describe('WalCheckpointer', () => {
  it('asks its worker for a checkpoint on every everyCommits-th commit, and the pages reach the main file', async () => {
    const d = walDatabase(200);
    const before = d.mainSize();
    expect(before).toBeLessThan(d.fullSize());
    const failures = vi.fn();
    const workers = newWorkers();
    const cp = new WalCheckpointer(d.file, 3, failures);
    try {
      cp.committed();
      cp.committed();
      // Two commits of three: no thread, no checkpoint yet.
      expect(workers()).toHaveLength(0);
      expect(d.mainSize()).toBe(before);
      cp.committed();
      expect(workers()).toHaveLength(1);
      expect(checkpointsAskedOf(workers())).toBe(1);
      expect(await eventually(() => d.mainSize() === d.fullSize())).toBe(true);
      // The WAL itself stays (PASSIVE copies, it does not truncate).
      expect(existsSync(`${d.file}-wal`)).toBe(true);
      // Three commits later: the next request, on the same thread; its pages reach the file too.
      d.write(100);
      const mid = d.mainSize();
      expect(mid).toBeLessThan(d.fullSize());
      cp.committed();
      cp.committed();
      expect(d.mainSize()).toBe(mid);
      cp.committed();
      expect(await eventually(() => d.mainSize() === d.fullSize())).toBe(true);
      expect(workers()).toHaveLength(1);
      expect(checkpointsAskedOf(workers())).toBe(2);
      expect(failures).not.toHaveBeenCalled();
    } finally {
      await cp.close();
      d.db.close();
    }
  });

  it('merges the requests made while a checkpoint runs into one more checkpoint after it', async () => {
    const d = walDatabase(50);
    const failures = vi.fn();
    const workers = newWorkers();
    const cp = new WalCheckpointer(d.file, 1, failures);
    try {
      cp.committed();
      // The worker cannot have answered within this synchronous run: these find one running.
      cp.committed();
      cp.committed();
      cp.committed();
      expect(checkpointsAskedOf(workers())).toBe(1);
      // The follow-up comes after the first is done, and there is exactly one.
      expect(await eventually(() => checkpointsAskedOf(workers()) === 2)).toBe(true);
      expect(await eventually(() => d.mainSize() === d.fullSize())).toBe(true);
      // Let a (wrong) third request show up if it were coming; there is none.
      await sleep(200);
      expect(checkpointsAskedOf(workers())).toBe(2);
      expect(failures).not.toHaveBeenCalled();
    } finally {
      await cp.close();
      d.db.close();
    }
  });

  it('calls onFailure once when the worker cannot open the file, and asks nothing more afterwards', async () => {
    const failures = vi.fn();
    const workers = newWorkers();
    const missing = fresh('missing.db');
    const cp = new WalCheckpointer(missing, 2, failures);
    try {
      cp.committed();
      cp.committed();
      expect(await eventually(() => failures.mock.calls.length > 0)).toBe(true);
      // fileMustExist: the worker did not create the file.
      expect(existsSync(missing)).toBe(false);
      for (let i = 0; i < 10; i++) cp.committed();
      // The failed thread is ended; no new one is started for later commits.
      expect(await eventually(() => workers().every((w) => w.exited))).toBe(true);
      await sleep(200);
      expect(failures).toHaveBeenCalledTimes(1);
      expect(workers()).toHaveLength(1);
      expect(checkpointsAskedOf(workers())).toBe(1);
    } finally {
      await cp.close();
    }
  });

  it('close() ends the worker and lets its connection go (the last close then removes the WAL)', async () => {
    const d = walDatabase(20);
    const failures = vi.fn();
    const workers = newWorkers();
    const cp = new WalCheckpointer(d.file, 1, failures);
    cp.committed();
    expect(await eventually(() => d.mainSize() === d.fullSize())).toBe(true);
    await cp.close();
    expect(workers()).toHaveLength(1);
    expect(workers()[0].exited).toBe(true);
    expect(workers()[0].posts.at(-1)).toBe('close');
    expect(failures).not.toHaveBeenCalled();
    // Were the worker's connection still open, ours would not be the last and the WAL would stay.
    d.db.close();
    expect(existsSync(`${d.file}-wal`)).toBe(false);
    // Closing again, or a checkpointer that never started a thread, is fine.
    await cp.close();
    await new WalCheckpointer(d.file, 5, failures).close();
  });

  it('close() during a checkpoint with another one wanted leaves no thread behind', async () => {
    const d = walDatabase(50);
    const failures = vi.fn();
    const workers = newWorkers();
    const cp = new WalCheckpointer(d.file, 1, failures);
    try {
      cp.committed();
      // Wanted while the first runs (the worker cannot have answered within this synchronous run).
      cp.committed();
      await cp.close();
      // Give a late answer of the closed thread the chance to act (were it to start a new thread).
      await sleep(300);
      expect(workers().map((w) => ({ posts: w.posts, exited: w.exited }))).toEqual([
        { posts: ['checkpoint', 'close'], exited: true },
      ]);
      expect(failures).not.toHaveBeenCalled();
    } finally {
      await Promise.all(workers().map((w) => w.terminate()));
      d.db.close();
    }
  });

  /** Runs a process that starts a checkpointer on `file`, makes it checkpoint, maybe closes it, and ends its script. */
  async function childRun(closeIt: boolean) {
    const file = fresh('child.db');
    const setup = new Database(file);
    setup.pragma('journal_mode = WAL');
    setup.exec('CREATE TABLE t (x INTEGER)');
    setup.close();
    const script = fresh('child.mjs');
    writeFileSync(
      script,
      `const { WalCheckpointer } = await import(${JSON.stringify(CHECKPOINTER_SOURCE)});
const cp = new WalCheckpointer(${JSON.stringify(file)}, 1, () => console.log('failed'));
cp.committed();
await new Promise((resolve) => setTimeout(resolve, 200));
if (${closeIt}) await cp.close();
console.log('end of script');
`,
    );
    return new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', script],
        // A generous bound: a process that has not exited by then hangs.
        { cwd: REPO, timeout: 20_000, killSignal: 'SIGKILL', env: { ...process.env, NODE_OPTIONS: '' } },
        (err, stdout) => {
          const e = err as (Error & { code?: number; signal?: string }) | null;
          resolve({ code: e ? (e.code ?? null) : 0, signal: e?.signal ?? null, stdout });
        },
      );
    });
  }

  it('lets a process that closed its checkpointer exit on its own', async () => {
    expect(await childRun(true)).toEqual({ code: 0, signal: null, stdout: 'end of script\n' });
  });

  it('lets a process that never closed its checkpointer exit on its own too (the thread is unreferenced)', async () => {
    expect(await childRun(false)).toEqual({ code: 0, signal: null, stdout: 'end of script\n' });
  });
});

describe('openSqliteStore: checkpoints on the worker thread', () => {
  const connectionOf = (store: SqliteStore) => (store as unknown as { db: Database.Database }).db;

  it('grouped: after 40 commits the WAL pages are in the main file, checkpointed by the worker (every 16 commits)', async () => {
    const file = fresh('store.db');
    const workers = newWorkers();
    const store = openSqliteStore(file);
    try {
      // The store's own automatic checkpoint is raised far above what 40 small commits write.
      expect(connectionOf(store).pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
      const before = statSync(file).size;
      for (let i = 1; i <= 15; i++) expect(await store.useCardKey('A000000001', i)).toBe('ok');
      // 15 commits: no checkpoint asked yet.
      expect(checkpointsAskedOf(workers())).toBe(0);
      expect(statSync(file).size).toBe(before);
      for (let i = 16; i <= 40; i++) expect(await store.useCardKey('A000000001', i)).toBe('ok');
      // Commits 16 and 32 asked for one each (the second maybe after the first was done).
      expect(await eventually(() => checkpointsAskedOf(workers()) === 2)).toBe(true);
      expect(workers()).toHaveLength(1);
      // The schema and the keys (in the WAL so far) reached the main file.
      expect(await eventually(() => statSync(file).size > before)).toBe(true);
      const reader = new Database(file, { readonly: true });
      try {
        const pages = reader.pragma('page_count', { simple: true }) as number;
        const pageSize = reader.pragma('page_size', { simple: true }) as number;
        expect(await eventually(() => statSync(file).size === pages * pageSize)).toBe(true);
      } finally {
        reader.close();
      }
    } finally {
      await store.close();
    }
    expect(workers().every((w) => w.exited)).toBe(true);
  });

  it('each: no worker, and 40 commits leave the main file alone (SQLite checkpoints at 1000 pages)', async () => {
    const file = fresh('each.db');
    const workers = newWorkers();
    const store = openSqliteStore(file, { commitMode: 'each' });
    try {
      expect(connectionOf(store).pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      const before = statSync(file).size;
      for (let i = 1; i <= 40; i++) expect(await store.useCardKey('A000000001', i)).toBe('ok');
      expect(statSync(file).size).toBe(before);
      expect(workers()).toHaveLength(0);
    } finally {
      await store.close();
    }
  });
});
