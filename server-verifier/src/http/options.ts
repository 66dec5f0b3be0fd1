import { availableParallelism } from 'node:os';

/** What a deployment sets; every field has a default (DEFAULTS) except the API keys. */
export interface ServiceOptions {
  /**
   * `Authorization: Bearer <key>` for the backend's endpoints (log-on, signing, self-service).
   * Without it those endpoints take any caller: only for a service on localhost.
   */
  readonly backendKey?: string;
  /** The key for `/v1/admin/...`. Without it the admin endpoints are off (403). */
  readonly adminKey?: string;
  /**
   * JSON lines (pino), one object per line: request ids, method, path, status, time; never
   * bodies, keys or passwords. Default: no log.
   */
  readonly logStream?: { write(line: string): unknown };
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
  readonly rateLimits?: Partial<RateLimits>;
  readonly timeouts?: Partial<Timeouts>;
  /** How often expired challenges are removed (ms; 0: never). */
  readonly purgeIntervalMs?: number;
  /**
   * Password hashes (scrypt) run on node's thread pool; this many at once at most, so the
   * database's work on the same pool (SQLite's WAL syncs) and the key checks are not starved.
   */
  readonly passwordConcurrency?: number;
}

/** Attempts per time window; `max: 0` turns a limit off. */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

export interface RateLimits {
  /** Per end-user address (the `ip` field), on the starts of log-on, signing and token actions. */
  readonly perAddress: RateLimit;
  /** Per calling client (API key; the socket address without one), on the same starts. */
  readonly perClient: RateLimit;
}

export interface Timeouts {
  /** All request headers must arrive within this (ms). */
  readonly headersMs: number;
  /** The whole request, body included, must arrive within this (ms). */
  readonly requestMs: number;
  /** An idle keep-alive connection is closed after this (ms). */
  readonly keepAliveMs: number;
  /** Shutdown waits this long for requests in flight, then closes what is left (ms). */
  readonly shutdownMs: number;
}

export const DEFAULTS = {
  rateLimits: {
    perAddress: { max: 30, windowMs: 60_000 },
    perClient: { max: 6_000, windowMs: 60_000 },
  } satisfies RateLimits,
  timeouts: {
    headersMs: 10_000,
    requestMs: 30_000,
    keepAliveMs: 5_000,
    shutdownMs: 10_000,
  } satisfies Timeouts,
  purgeIntervalMs: 60_000,
  /** Bodies are small JSON objects; a PSKC import may be larger (a 32 MiB file in base64). */
  bodyLimit: 64 * 1024,
  pskcBodyLimit: 48 * 1024 * 1024,
} as const;

/**
 * Two of node's thread-pool threads stay free for the database (SQLite's WAL syncs), and one core
 * for the event loop that answers the key checks: on two cores, one password step at a time
 * (BENCHMARKS.md, mixed load).
 */
export function defaultPasswordConcurrency(): number {
  const given = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const pool = Number.isInteger(given) && given > 0 ? given : 4;
  return Math.max(1, Math.min(pool - 2, availableParallelism() - 1));
}

/** Refuses settings that would not work, with one sentence naming the setting. */
export function resolveOptions(o: ServiceOptions) {
  const rateLimits = { ...DEFAULTS.rateLimits, ...o.rateLimits };
  const timeouts = { ...DEFAULTS.timeouts, ...o.timeouts };
  for (const [name, limit] of Object.entries(rateLimits)) {
    if (
      !(
        Number.isInteger(limit.max) &&
        limit.max >= 0 &&
        Number.isInteger(limit.windowMs) &&
        limit.windowMs > 0
      )
    )
      throw new RangeError(`rate limit ${name}: max must be a whole number >= 0 and the window > 0 ms`);
  }
  for (const [name, ms] of Object.entries(timeouts)) {
    if (!(Number.isInteger(ms) && ms > 0))
      throw new RangeError(`timeout ${name} must be a whole number of ms > 0`);
  }
  if (timeouts.requestMs < timeouts.headersMs)
    throw new RangeError('the request time limit must not be shorter than the headers time limit');
  for (const [name, key] of [
    ['backend', o.backendKey],
    ['admin', o.adminKey],
  ] as const) {
    if (key !== undefined && key.length < 16)
      throw new RangeError(`the ${name} API key must have 16 characters or more`);
  }
  if (o.backendKey !== undefined && o.backendKey === o.adminKey)
    throw new RangeError('the backend and admin API keys must differ');
  const purgeIntervalMs = o.purgeIntervalMs ?? DEFAULTS.purgeIntervalMs;
  const passwordConcurrency = o.passwordConcurrency ?? defaultPasswordConcurrency();
  if (!(Number.isInteger(passwordConcurrency) && passwordConcurrency >= 1))
    throw new RangeError('passwordConcurrency must be a whole number >= 1');
  return { ...o, rateLimits, timeouts, purgeIntervalMs, passwordConcurrency };
}

export type ResolvedOptions = ReturnType<typeof resolveOptions>;
