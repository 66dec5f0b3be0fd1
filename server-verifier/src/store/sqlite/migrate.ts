import type Database from 'better-sqlite3';
import { type AppliedMigration, type Migration, pendingMigrations } from '../sql/migration.js';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/**
 * Brings a SQLite database up to the newest migration. Runs in one IMMEDIATE transaction: the write
 * lock is taken before `schema_migrations` is read, so a second process opening the same file waits
 * (busy_timeout) and then finds nothing left to do. SQLite DDL is transactional, so a failing
 * migration leaves the file as it was. Returns the versions applied now.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[]): number[] {
  const run = db.transaction((): number[] => {
    db.exec(CREATE_TABLE);
    const applied = db
      .prepare('SELECT version, name FROM schema_migrations ORDER BY version')
      .all() as AppliedMigration[];
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const done: number[] = [];
    for (const m of pendingMigrations(migrations, applied)) {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      done.push(m.version);
    }
    return done;
  });
  return run.immediate();
}

/** The versions recorded in the database, oldest first (for status output and tests). */
export function sqliteSchemaVersions(db: Database.Database): AppliedMigration[] {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!exists) return [];
  return db
    .prepare('SELECT version, name FROM schema_migrations ORDER BY version')
    .all() as AppliedMigration[];
}
