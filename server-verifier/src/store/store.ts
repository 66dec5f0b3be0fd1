/**
 * The persistence contract of the verifier. The domain holds no state of its own, so several
 * backend instances can share one database, and it decides everything: a store loads rows and
 * writes what the domain decided, atomically. It never decides.
 *
 * Every check-and-update is one unit of work: `update(keys, decide)` (or `answer(id, decide)` for a
 * challenge) loads the rows named by the keys inside a transaction that holds them (SQLite: the
 * write lock; PostgreSQL: row locks), calls the domain's `decide` once with them, writes the
 * decision's rows and commits. `decide` is synchronous and makes no store calls. If it throws, the
 * unit is rolled back and the error passes through unchanged.
 *
 * Implemented by `createMemoryStore()`, `openSqliteStore()` (`/sqlite`) and `openPostgresStore()`
 * (`/postgres`); test/server-verifier/stores/conformance.ts is the contract's test.
 */
import type {
  AuditEntry,
  CardRecord,
  ChallengeRecord,
  DecoyRecord,
  PasswordRecord,
  ProviderRecord,
  TokenRecord,
  UserIdKind,
  UserRecord,
} from './records.js';

/** Which rows a unit of work needs. Absent keys load nothing. */
export interface RowKeys {
  readonly user?: string;
  /** The password of this user id. */
  readonly password?: string;
  /** A decoy lockout (created empty when missing, so it can be held like any row). */
  readonly decoy?: string;
  readonly card?: string;
  /** Every card of this user id, by sequence. */
  readonly cardsOf?: string;
  readonly token?: string;
  /** The token this user id holds (assigned, active or blocked), if any. */
  readonly tokenOf?: string;
  /** Consumed: removed in the same unit of work, whatever `decide` returns (unless it throws). */
  readonly challenge?: string;
}

/** The rows for `RowKeys`: null (or empty) where a key was not given or has no row. */
export interface Rows {
  readonly user: UserRecord | null;
  readonly password: PasswordRecord | null;
  readonly decoy: DecoyRecord | null;
  readonly card: CardRecord | null;
  readonly cards: readonly CardRecord[];
  readonly token: TokenRecord | null;
  readonly heldToken: TokenRecord | null;
  readonly challenge: ChallengeRecord | null;
}

/** What `answer` loads with a challenge it consumes: the rows the challenge names. */
export interface AnswerRows {
  readonly challenge: ChallengeRecord;
  readonly user: UserRecord | null;
  readonly provider: ProviderRecord | null;
  /** Card challenges: the card asked from (held for the unit of work). */
  readonly card: CardRecord | null;
  /** Token challenges: the token asked for (held for the unit of work). */
  readonly token: TokenRecord | null;
}

/** Rows by table. */
export interface TableRows {
  readonly users?: readonly UserRecord[];
  readonly passwords?: readonly PasswordRecord[];
  readonly decoys?: readonly DecoyRecord[];
  readonly cards?: readonly CardRecord[];
  readonly tokens?: readonly TokenRecord[];
  readonly challenges?: readonly ChallengeRecord[];
  readonly audit?: readonly AuditEntry[];
}

/**
 * What a unit of work writes. `insert`: new rows; a key or unique column already taken fails the
 * whole unit with `StoreConflictError`. `update`: whole rows replacing the ones with the same key
 * (rows loaded in this unit of work, changed by the domain).
 */
export interface Writes {
  readonly insert?: TableRows;
  readonly update?: Omit<TableRows, 'challenges' | 'audit'>;
}

export interface Decision<T> {
  readonly result: T;
  readonly writes?: Writes;
}

/** Tables whose updates `Writes` can carry. */
export type UpdatableTable = keyof NonNullable<Writes['update']>;

export interface AuditQuery {
  /** Entries at or after this time. */
  readonly since?: number;
  /** Entries before this time. */
  readonly until?: number;
  /** The newest `limit` entries in the range, still returned oldest first. */
  readonly limit?: number;
}

export interface Store {
  // Reads: committed rows, outside any unit of work.
  getUser(userId: string): Promise<UserRecord | null>;
  /** Exact match on the stored (normalised) value. */
  findUserId(kind: UserIdKind, value: string): Promise<string | null>;
  getPassword(userId: string): Promise<PasswordRecord | null>;
  getCard(serial: string): Promise<CardRecord | null>;
  /** All the user's cards in any status, by sequence. */
  listCards(userId: string): Promise<CardRecord[]>;
  getToken(serial: string): Promise<TokenRecord | null>;
  /** The token the user holds (assigned, active or blocked), or null. */
  findUserToken(userId: string): Promise<TokenRecord | null>;
  /** Every token, by serial (for exports and stock lists). */
  listTokens(): Promise<TokenRecord[]>;
  getChallenge(id: string): Promise<ChallengeRecord | null>;
  getProvider(id: string): Promise<ProviderRecord | null>;
  /** The user's entries, oldest first (ties in insertion order). */
  listAudit(userId: string, query?: AuditQuery): Promise<AuditEntry[]>;
  /** A value kept under `name` (such as the master key's check value), or null. */
  getSetting(name: string): Promise<string | null>;

  // Units of work.
  update<T>(keys: RowKeys, decide: (rows: Rows) => Decision<T>): Promise<T>;
  /**
   * Consumes the challenge (single use: of two callers at most one gets it) and hands it to
   * `decide` with its rows; null when there is no such challenge. The challenge is gone afterwards
   * whatever `decide` returns, unless it throws.
   */
  answer<T>(challengeId: string, decide: (rows: AnswerRows | null) => Decision<T>): Promise<T>;
  /** A unit of work that only writes. */
  write(writes: Writes): Promise<void>;

  // Plain writes that no rule governs.
  /** Inserts or replaces a provider. */
  putProvider(provider: ProviderRecord): Promise<void>;
  /** Keeps `value` under `name` unless something is kept there already; returns what is kept. */
  initSetting(name: string, value: string): Promise<string>;
  /** Removes challenges with expiresAt <= now; returns how many. */
  purgeExpiredChallenges(now: number): Promise<number>;

  close(): Promise<void>;
}

/**
 * A unit of work tried to insert a key or unique value that exists (`what` names it as
 * `table.column`, e.g. 'users.cpr'); nothing of the unit was written.
 */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(readonly what: string) {
    super(`already taken: ${what}`);
  }
}

/** The name a store gives a unique column in `StoreConflictError`. */
export type UniqueColumn =
  | 'users.id'
  | 'users.nemid_number'
  | 'users.cpr'
  | 'users.alias'
  | 'cards.serial'
  | 'tokens.serial'
  | 'tokens.user_id'
  | 'challenges.id';
