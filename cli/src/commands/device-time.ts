import { UsageError } from '../errors.js';

/** The computer's clock in unix seconds (fractional): the one place the device commands read it. */
export function wallUnix(): number {
  return Date.now() / 1000;
}

/** `--start`: unix seconds, or an ISO 8601 date/time (a time without zone counts as UTC). */
export function parseStartTime(text: string): number {
  const clean = text.trim();
  if (/^\d+(\.\d+)?$/.test(clean)) {
    const n = Number(clean);
    if (n > 1e11) throw new UsageError('--start is in unix seconds, not milliseconds');
    return n;
  }
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/i;
  if (!iso.test(clean)) {
    throw new UsageError('--start must be unix seconds or an ISO 8601 time like 2026-01-31T12:00:00Z');
  }
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/i.test(clean);
  const ms = Date.parse(hasZone || !clean.includes('T') ? clean : `${clean}Z`);
  if (!Number.isFinite(ms) || ms < 0) throw new UsageError('--start is not a valid time after 1970');
  return ms / 1000;
}
