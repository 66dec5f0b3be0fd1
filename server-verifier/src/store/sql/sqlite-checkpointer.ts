import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies committed WAL pages back into the database file on a worker thread of its own (with its
 * own connection), so the store's event loop does not stall on the copy and the database file's
 * sync. SQLite's PASSIVE checkpoint never blocks the writer or readers, and SQLite coordinates it
 * with the writer through the WAL index like any other connection's checkpoint.
 *
 * The store's own connection keeps a large automatic checkpoint as a backstop: should this thread
 * fall behind or fail, the WAL still cannot grow without bound (see `openSqliteStore`).
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private running = false;
  private wanted = false;
  private failed = false;
  private closed = false;
  private commitsSinceRequest = 0;

  constructor(
    private readonly file: string,
    /** Commits between checkpoints. */
    private readonly everyCommits: number,
    /** Told once if the thread cannot work, so the store can checkpoint on its own again. */
    private readonly onFailure: () => void,
  ) {}

  /** Called after each commit of the store's connection. */
  committed(): void {
    if (this.failed || this.closed || ++this.commitsSinceRequest < this.everyCommits) return;
    this.commitsSinceRequest = 0;
    if (this.running) {
      this.wanted = true;
      return;
    }
    this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker === null) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Unreferenced, the thread would not keep the process alive long enough to close its connection.
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  private start(): void {
    if (this.closed) return;
    this.running = true;
    this.wanted = false;
    this.thread()?.postMessage('checkpoint');
  }

  private thread(): Worker | null {
    if (this.worker !== null) return this.worker;
    // The worker runs as plain CommonJS from a string, so it needs no file of its own next to the
    // compiled (or, under tests, the TypeScript) sources; it loads the same better-sqlite3.
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: this.file } });
    worker.on('message', (m: unknown) => {
      if (m !== 'done') return this.fail();
      this.running = false;
      if (this.wanted) this.start();
    });
    worker.on('error', () => this.fail());
    worker.on('exit', () => {
      if (this.worker === worker) this.fail();
    });
    // After the listeners: adding a 'message' listener references the worker again.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate().catch(() => undefined);
    this.onFailure();
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  // A checkpoint syncs the WAL before copying and the database file after, whatever this says.
  db.pragma('wal_autocheckpoint = 0');
} catch {
  parentPort.postMessage('failed');
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    if (db) db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage('done');
  } catch {
    parentPort.postMessage('failed');
  }
});
`;
