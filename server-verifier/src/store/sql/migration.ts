/**
 * Versioned schema migrations, shared by the SQLite and PostgreSQL stores. Each dialect has its own
 * ordered list; a database records what it has applied in `schema_migrations` (version, name, time),
 * and opening a store applies whatever is missing, in order, inside one transaction that holds a lock
 * so two instances opening at once cannot both migrate.
 */
export interface Migration {
  /** 1, 2, 3, ...: never reused, never reordered once released. */
  readonly version: number;
  /** Short description; recorded with the version so a mixed-up database is noticed. */
  readonly name: string;
  /** One or more statements separated by semicolons. */
  readonly sql: string;
}

/** A version as recorded in `schema_migrations`. */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
}

/** Raised when a database's recorded migrations do not fit the code that opens it. */
export class SchemaMismatchError extends Error {
  override readonly name = 'SchemaMismatchError';
}

/** Throws unless versions run 1, 2, 3, ... without gaps (a programming error caught at first open). */
export function assertWellFormed(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration list out of order: position ${i} has version ${m.version}`);
    }
  });
}

/**
 * The migrations still to apply, given what the database has recorded. Refuses a database that was
 * migrated by newer code (it may hold columns this code does not know how to keep consistent) or
 * whose recorded names differ from ours (a different schema under the same version numbers).
 */
export function pendingMigrations(
  migrations: readonly Migration[],
  applied: readonly AppliedMigration[],
): readonly Migration[] {
  assertWellFormed(migrations);
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const ours = known.get(row.version);
    if (!ours) {
      throw new SchemaMismatchError(
        `the database has schema version ${row.version}, newer than this code knows (${migrations.length}); ` +
          'upgrade the software before opening it',
      );
    }
    if (ours.name !== row.name) {
      throw new SchemaMismatchError(
        `schema version ${row.version} in the database is "${row.name}", expected "${ours.name}"`,
      );
    }
  }
  const done = new Set(applied.map((a) => a.version));
  return migrations.filter((m) => !done.has(m.version));
}
