import { closeSync, fdatasync, openSync } from 'node:fs';

/** Makes a file's written data durable; node:fs's fdatasync on the thread pool by default. */
export type SyncFile = (fd: number) => Promise<void>;

const fdatasyncOnPool: SyncFile = (fd) =>
  new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));

interface Waiter {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function waiter(): Waiter {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A failure reaches every caller through the promise it was given; none may crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * Durability of SQLite WAL commits without blocking the event loop: the connection runs with
 * synchronous=NORMAL (a commit appends its frames to the WAL and returns), and this syncs the WAL
 * file on node's thread pool before a commit is reported. SQLite recovers a WAL as its longest
 * prefix of valid commits, so a sync that starts after a commit makes that commit and every earlier
 * one durable. Commits that arrive while a sync runs share the next one (group commit), and the
 * event loop goes on executing the next operations meanwhile.
 */
export class WalSync {
  private fd: number | null = null;
  private running: Promise<void> | null = null;
  /** Commits made while `running` was under way: they need a sync that starts after it. */
  private queued: Waiter | null = null;
  /**
   * Set for good by the first failed sync. After a failed fsync the kernel may have dropped the
   * unwritten pages, so no later sync can vouch for the commits before it: every later commit fails
   * with this error too, and the store refuses to go on (reopen it once the disk is sound).
   */
  broken: Error | null = null;

  constructor(
    private readonly walPath: string,
    private readonly sync: SyncFile = fdatasyncOnPool,
  ) {}

  /** Resolves once every commit made before this call is on disk. */
  afterCommit(): Promise<void> {
    if (this.broken !== null) return Promise.reject(this.broken);
    if (this.running === null) {
      this.running = this.start();
      return this.running;
    }
    this.queued ??= waiter();
    return this.queued.promise;
  }

  /** The sync that covers the newest commit, or null when every commit is known to be on disk. */
  pending(): Promise<void> | null {
    return this.queued?.promise ?? this.running;
  }

  /** Waits for the syncs under way, then lets the file go. */
  async close(): Promise<void> {
    for (let p = this.pending(); p !== null; p = this.pending()) await p.catch(() => undefined);
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private start(): Promise<void> {
    const handOver = (): void => {
      this.running = null;
      const next = this.queued;
      this.queued = null;
      if (next === null) return;
      if (this.broken !== null) {
        next.reject(this.broken);
        return;
      }
      this.running = this.start();
      this.running.then(next.resolve, next.reject);
    };
    const run = new Promise<void>((resolve) => {
      // Opened on first use: SQLite creates the WAL file with the first write.
      this.fd ??= openSync(this.walPath, 'r');
      resolve(this.sync(this.fd));
    }).then(handOver, (err: unknown) => {
      this.broken ??= new Error(
        `could not sync the SQLite WAL to disk (${err instanceof Error ? err.message : String(err)}); commits since the last sync may be lost, so the store refuses further work: reopen it once the disk is sound`,
      );
      handOver();
      throw this.broken;
    });
    run.catch(() => undefined);
    return run;
  }
}
