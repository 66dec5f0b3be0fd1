import { unavailable } from '../../errors.js';
import { StoreConflictError } from '../store.js';

const STORAGE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|PROTOCOL|NOMEM|CORRUPT|NOTADB)/;

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : '';
}

/** The database cannot do its work now (busy beyond the timeout, disk full, I/O error). */
export function isSqliteStorageError(err: unknown): boolean {
  return STORAGE.test(codeOf(err));
}

/**
 * The error a caller sees: a taken unique value as StoreConflictError naming it ('users.cpr'), a
 * storage failure as UNAVAILABLE (the driver's error kept as its cause, for logs), anything else
 * (the domain's own refusals) as it is.
 */
export function sqliteError(err: unknown): unknown {
  const code = codeOf(err);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const m = /constraint failed: ([\w.]+)/.exec((err as Error).message);
    return new StoreConflictError(m?.[1] ?? 'unknown');
  }
  return STORAGE.test(code) ? unavailable(err) : err;
}
