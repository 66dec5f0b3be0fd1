import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Driver = 'better-sqlite3' | 'pg';

/**
 * Loads a database driver when its store is opened, so a backend installs only the one it uses
 * (both are optional peer dependencies). A driver that is missing, or whose native part was never
 * built, gets a message that says what to do instead of node's.
 */
export function loadDriver<T>(name: Driver): T {
  try {
    return require(name) as T;
  } catch (err) {
    throw driverMissing(name, err);
  }
}

/**
 * better-sqlite3 loads its native part only when the first database is opened: an install whose
 * build script did not run (npm 11 runs none it was not allowed to) fails there, not at require.
 */
export function isMissingNativePart(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : '';
  return (
    e?.code === 'ERR_DLOPEN_FAILED' || /Could not locate the bindings file|better_sqlite3\.node/.test(message)
  );
}

export function driverMissing(name: Driver, err: unknown): Error {
  const how =
    name === 'better-sqlite3'
      ? 'The SQLite store needs better-sqlite3 with its native part built: `npm install better-sqlite3`; with ' +
        'npm 11 or later, allow its build script first (add "allowScripts": { "better-sqlite3": true } to your ' +
        'package.json, or run `npm approve-scripts better-sqlite3`), then `npm rebuild better-sqlite3`.'
      : 'The PostgreSQL store needs the pg driver: `npm install pg`.';
  const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new Error(`${how} (${why})`, { cause: err });
}
