import { SchemaMismatchError } from '../sql/migration.js';
import type { Store } from '../store.js';
import { DEFAULT_ANSWER_BATCH } from './answer-batches.js';
import { migratePostgres, postgresSchemaVersions } from './migrate.js';
import type { PostgresStoreOptions } from './options.js';
import { createPostgresPool } from './pool.js';
import { PostgresStore } from './postgres-store.js';
import { POSTGRES_MIGRATIONS } from './schema.js';

/**
 * Connects, checks the schema and brings it up to date. With `create: false` a schema without the
 * verifier's tables is refused (SchemaMismatchError) instead of filled.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = await createPostgresPool({ ...options, createSchema: options.create !== false });
  try {
    if (options.create === false && (await postgresSchemaVersions(pool)).length === 0) {
      throw new SchemaMismatchError(
        `${options.schema ?? 'the default schema'} holds no verifier tables (run \`nemid server init\` to make them)`,
      );
    }
    await migratePostgres(pool, POSTGRES_MIGRATIONS);
    const batch = options.answerBatch ?? DEFAULT_ANSWER_BATCH;
    if (!(Number.isSafeInteger(batch) && batch >= 1))
      throw new RangeError('answerBatch must be a whole number from 1');
    return new PostgresStore(pool, batch);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
