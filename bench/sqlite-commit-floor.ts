/**
 * The floor under any SQLite store that commits on the event loop: what SQLite itself takes to
 * commit the pages that a group of answers must write, with no verifier around it. Each answer
 * writes at least two pages of its own once a database holds more users than a few pages do: the
 * page of its card or token row and the page of the user's audit-index entry (the benchmark's
 * database, with its few hundred users, measured 1.8 pages an answer). So a group of 64 answers
 * commits at least 128 pages. The table here holds 40,000 rows of 100 bytes (about 1,200 pages);
 * each commit updates 128 rows on different pages, chosen the same way in every run.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface CommitFloor {
  readonly durability: 'full' | 'normal';
  readonly answersPerCommit: number;
  /** Milliseconds per commit of the answers' pages, checkpoints included. */
  readonly msPerCommit: number;
  /** Milliseconds per group to change the rows before the commit. */
  readonly msPerChanges: number;
}

const ROWS = 40_000;
const PAGES_PER_ANSWER = 2;

export function sqliteCommitFloor(
  dir: string,
  durability: 'full' | 'normal',
  answersPerCommit: number,
  commits: number,
): CommitFloor {
  const file = join(dir, `commit-floor-${durability}.db`);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run(i, Buffer.alloc(100, i));
    })();
    const update = db.prepare('UPDATE t SET v = ? WHERE id = ?');
    const begin = db.prepare('BEGIN IMMEDIATE');
    const commit = db.prepare('COMMIT');
    const pages = answersPerCommit * PAGES_PER_ANSWER;
    const value = Buffer.alloc(100);
    let changing = 0;
    let committing = 0;
    for (let k = 0; k < commits; k++) {
      const t0 = performance.now();
      begin.run();
      value.fill(k);
      // 331 rows apart (about ten pages), starting further on each time: a different page each.
      for (let i = 0; i < pages; i++) update.run(value, (i * 331 + k * 7919) % ROWS);
      const t1 = performance.now();
      commit.run();
      committing += performance.now() - t1;
      changing += t1 - t0;
    }
    return {
      durability,
      answersPerCommit,
      msPerCommit: committing / commits,
      msPerChanges: changing / commits,
    };
  } finally {
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
}
