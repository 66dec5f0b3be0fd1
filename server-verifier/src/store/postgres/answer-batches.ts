import type pg from 'pg';
import type { CardRecord, ChallengeRecord, ProviderRecord, TokenRecord, UserRecord } from '../records.js';
import { CARDS, CHALLENGES, PROVIDERS, type Table, TOKENS, USERS, WRITABLE } from '../sql/tables.js';
import type { AnswerRows, Decision, TableRows } from '../store.js';
import { postgresError } from './postgres-errors.js';
import { batchWrites } from './set-writes.js';
import { numbered, prepared, type SqlRow } from './sql.js';

interface Pending {
  readonly challengeId: string;
  readonly decide: (rows: AnswerRows | null) => Decision<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** How many answers one transaction takes by default, and how many such transactions run at once. */
export const DEFAULT_ANSWER_BATCH = 32;
const MAX_RUNNING = 4;

/**
 * Group commit of answers. The answers that arrive while earlier ones are being written share one
 * transaction: their challenges, cards and tokens are locked and read with one statement per table
 * (each in key order, and challenges before cards before tokens, as every unit of work locks them,
 * so two transactions never wait for each other in a circle), the domain decides each answer in
 * turn on the rows as the answers before it left them, and all the decisions are written with one
 * statement and one commit. A decision that throws is left out (its challenge stays); the others
 * go on. Nothing resolves before the commit; if the database fails the transaction, every answer
 * in it fails with the (mapped) error and none was written.
 */
export class AnswerBatches {
  private waiting: Pending[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly pool: pg.Pool,
    /** At most this many answers share a transaction (1: a transaction per answer). */
    private readonly maxBatch = DEFAULT_ANSWER_BATCH,
  ) {}

  answer<T>(challengeId: string, decide: (rows: AnswerRows | null) => Decision<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ challengeId, decide, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.start();
        });
      }
    });
  }

  private start(): void {
    while (this.running < MAX_RUNNING && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.running++;
      this.run(batch).finally(() => {
        this.running--;
        this.start();
      });
    }
  }

  private async run(batch: readonly Pending[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      for (const p of batch) p.reject(postgresError(err));
      return;
    }
    // A checked-out client's 'error' (the server ended the session between two queries) would
    // otherwise be uncaught and end the process; the failed query itself reports it.
    const ignore = () => undefined;
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const outcomes = await decideAll(client, batch);
      await client.query('COMMIT');
      for (const o of outcomes) o.settle();
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error('rollback failed');
      });
      for (const p of batch) p.reject(postgresError(err));
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }
}

async function lockedRows<R>(client: pg.PoolClient, table: Table<R>, keys: readonly string[]): Promise<R[]> {
  if (keys.length === 0) return [];
  const sql = `SELECT * FROM ${table.name} WHERE ${table.key} = ANY($1::text[]) ORDER BY ${table.key} FOR UPDATE`;
  return (await prepared(client, sql, [keys])).rows.map((r: SqlRow) => table.fromRow(r));
}

const LOAD_CHALLENGES = `SELECT c.*, row_to_json(u) AS user_row, row_to_json(p) AS provider_row
  FROM challenges c LEFT JOIN users u ON u.id = c.user_id LEFT JOIN providers p ON p.id = c.provider_id
  WHERE c.id = ANY($1::text[]) ORDER BY c.id FOR UPDATE OF c`;

const byKey = <R>(rows: readonly R[], key: (r: R) => string) => new Map(rows.map((r) => [key(r), r]));
const distinct = (xs: readonly (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];

/** Loads and locks the batch's rows, decides each answer in turn, and writes every decision. */
async function decideAll(client: pg.PoolClient, batch: readonly Pending[]): Promise<{ settle(): void }[]> {
  // The challenges locked with their users and providers (read, not locked) in one statement.
  const loaded = await prepared(client, LOAD_CHALLENGES, [distinct(batch.map((p) => p.challengeId))]);
  const challenges = new Map<string, ChallengeRecord>();
  const users = new Map<string, UserRecord>();
  const providers = new Map<string, ProviderRecord>();
  for (const row of loaded.rows) {
    const c = CHALLENGES.fromRow(row);
    challenges.set(c.id, c);
    if (row.user_row !== null) users.set(c.userId, USERS.fromRow(row.user_row as SqlRow));
    if (row.provider_row !== null && c.providerId !== null) {
      providers.set(c.providerId, PROVIDERS.fromRow(row.provider_row as SqlRow));
    }
  }
  const found = [...challenges.values()];
  const cards = byKey(
    await lockedRows<CardRecord>(client, CARDS, distinct(found.map((c) => c.cardSerial))),
    (c) => c.serial,
  );
  const tokens = byKey(
    await lockedRows<TokenRecord>(client, TOKENS, distinct(found.map((c) => c.tokenSerial))),
    (t) => t.serial,
  );
  const inserts: Record<string, unknown[]> = {};
  const updates: Record<string, Map<string, unknown>> = {};
  const consumed: string[] = [];
  const outcomes: { settle(): void }[] = [];
  for (const p of batch) {
    const c = challenges.get(p.challengeId);
    let decision: Decision<unknown>;
    try {
      decision = p.decide(
        c === undefined
          ? null
          : {
              challenge: c,
              user: users.get(c.userId) ?? null,
              provider: (c.providerId !== null && providers.get(c.providerId)) || null,
              card: (c.cardSerial !== null && cards.get(c.cardSerial)) || null,
              token: (c.tokenSerial !== null && tokens.get(c.tokenSerial)) || null,
            },
      );
    } catch (err) {
      outcomes.push({ settle: () => p.reject(err) });
      continue;
    }
    // The next answer sees what this one decided: a challenge is answered once, and a card or
    // token moves on from its latest version.
    if (c !== undefined) {
      challenges.delete(c.id);
      consumed.push(c.id);
    }
    for (const card of decision.writes?.update?.cards ?? []) cards.set(card.serial, card);
    for (const token of decision.writes?.update?.tokens ?? []) tokens.set(token.serial, token);
    for (const [table, rows] of Object.entries(decision.writes?.update ?? {})) {
      const t = WRITABLE[table as keyof typeof WRITABLE] as Table<unknown>;
      const merged = updates[table] ?? new Map<string, unknown>();
      for (const row of rows as unknown[]) merged.set(t.keyOf(row), row);
      updates[table] = merged;
    }
    for (const [table, rows] of Object.entries(decision.writes?.insert ?? {})) {
      inserts[table] = [...(inserts[table] ?? []), ...(rows as unknown[])];
    }
    outcomes.push({ settle: () => p.resolve(decision.result) });
  }
  const updated = Object.fromEntries(Object.entries(updates).map(([t, m]) => [t, [...m.values()]]));
  const write = batchWrites(inserts as TableRows, updated as TableRows, consumed);
  if (write !== null) await prepared(client, numbered(write.sql), write.params);
  return outcomes;
}
