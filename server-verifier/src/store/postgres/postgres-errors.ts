import { unavailable, VerifierError } from '../../errors.js';
import { StoreConflictError } from '../store.js';

/**
 * SQLSTATE classes that mean "the database cannot do this now" rather than "this is wrong":
 * 08 connection exception, 40 serialization failure or deadlock (the transaction was rolled back),
 * 53 insufficient resources (disk full, out of memory, too many connections), 57 operator
 * intervention (shutdown, restart), 58 system error (I/O).
 */
const TRANSIENT = /^(08|40|53|57|58)/;
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** node-postgres's own words for a connection it lost or could not make. */
const CONNECTION = /connection|terminated|timeout exceeded|not queryable|after calling end/i;

/**
 * The error a caller sees: a taken unique value as StoreConflictError naming it (our constraints
 * are named 'table.column'), a database that cannot be reached or cannot work now as UNAVAILABLE
 * (the driver's error kept as its cause, for logs), the domain's own refusals as they are.
 */
export function postgresError(err: unknown): unknown {
  if (err instanceof VerifierError || err instanceof StoreConflictError) return err;
  const e = err as { code?: unknown; constraint?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === '23505')
    return new StoreConflictError(typeof e.constraint === 'string' ? e.constraint : 'unknown');
  if (SQLSTATE.test(code)) return TRANSIENT.test(code) ? unavailable(err) : err;
  // No SQLSTATE: the connection itself failed (refused, reset, timed out, ended by the server).
  const message = err instanceof Error ? err.message : '';
  return /^E[A-Z]+$/.test(code) || CONNECTION.test(message) ? unavailable(err) : err;
}
