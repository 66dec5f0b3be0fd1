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

  constructor(
    private readonly walPath: string,
    private readonly sync: SyncFile = fdatasyncOnPool,
  ) {}

  /** Resolves once every commit made before this call is on disk. */
  afterCommit(): Promise<void> {
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
      if (next !== null) {
        this.running = this.start();
        this.running.then(next.resolve, next.reject);
      }
    };
    const run = new Promise<void>((resolve) => {
      // Opened on first use: SQLite creates the WAL file with the first write.
      this.fd ??= openSync(this.walPath, 'r');
      resolve(this.sync(this.fd));
    }).then(handOver, (err: unknown) => {
      handOver();
      throw err;
    });
    run.catch(() => undefined);
    return run;
  }
}
