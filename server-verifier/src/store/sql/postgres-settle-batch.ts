/**
 * Group commit for PostgreSQL settlements: the settlements that arrive while earlier ones are on
 * their way go to the server together, as one call of nemid_settle_answers (one round trip, one
 * transaction, one WAL flush for all of them) instead of one each. Each settlement inside stays
 * exactly what it is alone (nemid_settle_answer, run in order); they only share the commit.
 *
 * Locks: a batch holds the rows it has settled until it commits, so two batches that touch the same
 * rows must take them in the same order or they could deadlock. Items are sorted by their lock key
 * (the store makes it from the card or token serial, the key number and the challenge id). A batch
 * the server refuses (a deadlock all the same, say) has written nothing, and its items are settled
 * again one by one. A batch whose fate is unknown (the connection was lost, perhaps after the
 * commit) is not retried: its items fail, as a single settlement would.
 */

export interface SettleItem<P> {
  readonly params: P;
  /** Orders items within a batch so that batches lock rows in one order. */
  readonly lockKey: string;
}

export interface SettleRunner<P, R> {
  /** Settles the items in one transaction; one result per item, in order. */
  many(params: readonly P[]): Promise<R[]>;
  /** Settles one item in a transaction of its own. */
  one(params: P): Promise<R>;
  /**
   * Whether a failed `many` certainly wrote nothing, so its items may be settled again one by one
   * (default: yes). A lost connection, for one, leaves it open whether the batch committed.
   */
  retryAlone?(err: unknown): boolean;
}

interface Pending<P, R> extends SettleItem<P> {
  resolve(r: R): void;
  reject(err: unknown): void;
}

export class SettleBatcher<P, R> {
  private queue: Pending<P, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly runner: SettleRunner<P, R>,
    /** Batches on their way at once (each holds a pool connection while it runs). */
    private readonly maxInFlight: number,
    /** Items per batch at most. */
    private readonly maxItems = 64,
  ) {
    if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1))
      throw new RangeError(`batches in flight must be a whole number of at least 1, not ${maxInFlight}`);
    if (!(Number.isInteger(maxItems) && maxItems >= 1))
      throw new RangeError(`items per batch must be a whole number of at least 1, not ${maxItems}`);
  }

  settle(item: SettleItem<P>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject });
      // Items of the same event-loop turn join one batch.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxItems);
      batch.sort((a, b) => (a.lockKey < b.lockKey ? -1 : a.lockKey > b.lockKey ? 1 : 0));
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: Pending<P, R>[]): Promise<void> {
    if (batch.length === 1) {
      const [item] = batch;
      await this.runner.one(item.params).then(item.resolve, item.reject);
      return;
    }
    let results: R[];
    try {
      results = await this.runner.many(batch.map((i) => i.params));
      if (!Array.isArray(results)) throw new Error('the settlement batch returned no rows');
    } catch (err) {
      if (this.runner.retryAlone?.(err) === false) {
        for (const item of batch) item.reject(err);
        return;
      }
      // Nothing of the batch was written: each item on its own, so one cannot fail the others.
      for (const item of batch) await this.runner.one(item.params).then(item.resolve, item.reject);
      return;
    }
    batch.forEach((item, i) => {
      const r = results[i];
      if (r === undefined) item.reject(new Error('the settlement batch returned too few rows'));
      else item.resolve(r);
    });
  }
}
