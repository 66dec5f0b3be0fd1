import type Database from 'better-sqlite3';
import { isSqliteStorageError, sqliteError } from './sqlite-errors.js';

interface Job {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs the units of work that arrive in one turn of the event loop in one transaction, so they
 * share one commit (with `synchronous=FULL`, one sync of the WAL). Each runs in a savepoint of its
 * own: one that throws is rolled back alone and the others go on. Nothing resolves before the
 * commit has returned, so nothing is reported that is not durable. A storage failure (disk full,
 * I/O error, the write lock not granted within the busy timeout) can take the whole transaction
 * with it; then every unit of the turn fails with UNAVAILABLE, and none was reported.
 */
export class TurnBatch {
  private jobs: Job[] = [];
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.savepoint = db.prepare('SAVEPOINT unit');
    this.release = db.prepare('RELEASE unit');
    this.rollbackTo = db.prepare('ROLLBACK TO unit');
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (this.jobs.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const jobs = this.jobs;
    this.jobs = [];
    try {
      this.begin.run();
    } catch (err) {
      for (const job of jobs) job.reject(sqliteError(err));
      return;
    }
    const done: { job: Job; value: unknown }[] = [];
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i];
      try {
        this.savepoint.run();
        const value = job.work();
        this.release.run();
        done.push({ job, value });
      } catch (err) {
        if (!this.undo(err)) {
          // The transaction is gone (SQLite rolls it back itself on some storage errors).
          for (const j of [...done.map((d) => d.job), ...jobs.slice(i)]) j.reject(sqliteError(err));
          return;
        }
        job.reject(sqliteError(err));
      }
    }
    try {
      this.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const { job } of done) job.reject(sqliteError(err));
      return;
    }
    for (const { job, value } of done) job.resolve(value);
  }

  /** Rolls back one unit; false when the whole transaction is already gone or must go. */
  private undo(err: unknown): boolean {
    if (!this.db.inTransaction) return false;
    try {
      this.rollbackTo.run();
      this.release.run();
    } catch {
      this.db.exec('ROLLBACK');
      return false;
    }
    if (isSqliteStorageError(err)) {
      this.db.exec('ROLLBACK');
      return false;
    }
    return true;
  }
}
