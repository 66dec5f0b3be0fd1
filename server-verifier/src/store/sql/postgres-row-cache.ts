/**
 * Rows the PostgreSQL store read or wrote recently, kept only as advice: `answerChallenge` judges an
 * answer on them and sends them along as expectations, and the settlement function writes nothing
 * unless every one still matches the database ('stale' otherwise, and the store reads fresh rows).
 * So a stale entry costs a round trip, never correctness. Rows are kept the way `to_jsonb` gives
 * them (column names; bytea as '\x' and hex), so they can be compared with `@>` as they are.
 */
export class RowCache {
  private readonly rows = new Map<string, object>();

  constructor(private readonly limit = 8192) {}

  get<R extends object>(key: string): R | undefined {
    return this.rows.get(key) as R | undefined;
  }

  set(key: string, row: object): void {
    // Re-inserting keeps the map in least-recently-written order for eviction.
    this.rows.delete(key);
    this.rows.set(key, row);
    if (this.rows.size > this.limit) {
      const oldest = this.rows.keys().next().value;
      if (oldest !== undefined) this.rows.delete(oldest);
    }
  }

  delete(key: string): void {
    this.rows.delete(key);
  }
}

/** A row with its secret as `to_jsonb` writes a bytea. */
export type JsonBytes<R extends { secret: Uint8Array }> = Omit<R, 'secret'> & { secret: string };

export function toJsonBytes<R extends { secret: Uint8Array }>(r: R): JsonBytes<R> {
  return {
    ...r,
    secret: `\\x${Buffer.from(r.secret.buffer, r.secret.byteOffset, r.secret.byteLength).toString('hex')}`,
  };
}

/** The other way: '\x' and hex digits back to bytes. */
export function fromJsonBytes<R extends { secret: Uint8Array }>(r: JsonBytes<R>): R {
  return { ...r, secret: Buffer.from(r.secret.slice(2), 'hex') } as unknown as R;
}
