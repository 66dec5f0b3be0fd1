// STORE INTERFACE READY
//
// The persistence contract of the verifier. The domain (everything above this file) holds no state
// of its own, so several backend instances can share one database. Every check-and-update is ONE
// method here, and a SQL store must do it as one atomic statement or transaction: two instances
// racing on the same code, key or password must see exactly one winner.
//
// Conventions for implementers:
// - Times are milliseconds since the Unix epoch (from the domain's injected clock), as numbers.
// - Counters, time steps and times fit in 2^53-1 (use BIGINT in SQL; return JS numbers).
// - Secrets arrive already encrypted (`secretCiphertext`); store the bytes as they are.
// - Records returned are copies: mutating them must not change the store.
// - "Not found" is `null` (or `false` / a reason string where stated), never an exception.
//   Exceptions are for broken storage only.
// - The shared contract is tested by test/server-verifier/conformance.ts; run it on your store.
//
// Change log (newest first):
// - 19:10 UTC: `answerChallenge` (consume + load + judge + settle in one atomic step) and its types
//   `LoadedChallenge`, `AnswerVerdict`, `AnswerUse`, `SettleResult`, `AnswerResult`: one store call
//   (one transaction) per verification instead of about eleven.
// - 18:26 UTC: ProviderRecord gained `isBank: boolean` (ID-5: a bank-only NemID logs on at banks only).

/** When a lockout counter locks and when it blocks for good. */
export interface LockoutPolicy {
  /** Wrong tries in a row that lock (ID-3: 5; 4-digit PIN: 3; cards/tokens: quarantine). */
  readonly maxFailures: number;
  /** How long a lock lasts (ID-3: 8 hours). */
  readonly lockMs: number;
  /**
   * How many locks may happen before the next full run of failures blocks for good. ID-3 is 1:
   * 5 wrong lock for 8 hours, the next 5 wrong block (LOCK002 / LOCK003).
   */
  readonly locksBeforeBlock: number;
}

/** Which lockout counter: one per password (user id), per card (serial) and per token (serial). */
export type LockoutKind = 'password' | 'card' | 'token';

export interface LockoutSubject {
  readonly kind: LockoutKind;
  /** The user id for 'password', the card serial for 'card', the token serial for 'token'. */
  readonly id: string;
}

export interface LockoutState {
  /** Wrong tries in the current run (reset to 0 when a lock starts). */
  readonly failures: number;
  /** End of the current lock, or null. A lock whose time has passed is not in force. */
  readonly lockedUntil: number | null;
  /** Locks so far in this run of failures (reset by `resetFailures`). */
  readonly locks: number;
  /** Blocked for good; only `clearLockout` lifts it. */
  readonly blocked: boolean;
}

/**
 * Result of `recordFailure`:
 * - 'counted': the try was counted; `state` is the new state (it may have just locked or blocked).
 * - 'locked': refused without counting, a lock is in force at `now`.
 * - 'blocked': refused without counting, the subject is blocked for good.
 */
export interface FailureResult {
  readonly outcome: 'counted' | 'locked' | 'blocked';
  readonly state: LockoutState;
}

export type UserStatus = 'active' | 'blocked' | 'deleted';
/** ID-5: full NemID (18+ with CPR) or bank-only (18+ without CPR). */
export type Eligibility = 'full' | 'bank-only';

export interface UserRecord {
  /** Opaque internal id chosen by the domain; never shown to providers. */
  readonly id: string;
  /** 9 digits, unique. */
  readonly nemIdNumber: string;
  /** 10 digits without the dash (DDMMYYSSSS), unique when present. */
  readonly cpr: string | null;
  /** Self-chosen user id, lower-cased by the domain, unique when present. */
  readonly alias: string | null;
  readonly name: string;
  readonly address: string | null;
  readonly mobile: string | null;
  readonly email: string | null;
  readonly eligibility: Eligibility;
  /** 'blocked' is S-4 (misuse), 'deleted' is KC-8; neither can log on. */
  readonly status: UserStatus;
  /** S-1: the user opted in to logging which websites NemID was used on. */
  readonly siteLogOptIn: boolean;
  /** KC-3: unused keys left on the current card at which a new card is ordered. */
  readonly reorderThreshold: number;
  readonly createdAt: number;
}

/** Fields `updateUser` may change (identifiers have their own methods). */
export type UserPatch = Partial<
  Pick<
    UserRecord,
    'name' | 'address' | 'mobile' | 'email' | 'eligibility' | 'status' | 'siteLogOptIn' | 'reorderThreshold'
  >
>;

export type UserIdKind = 'nemid' | 'cpr' | 'alias';

export interface PasswordRecord {
  /** Self-describing scrypt hash (parameters, salt, hash), built and parsed by the domain. */
  readonly hash: string;
  /** ID-4: a 4-digit password (3 wrong tries lock it instead of 5). */
  readonly isPin: boolean;
  /** Issued by bank/support/SMS (ID-3); the user is asked to choose a new one. */
  readonly temporary: boolean;
  readonly setAt: number;
}

/**
 * 'active': usable. 'exhausted': no unused keys left. 'blocked': lost or found (KC-5).
 * 'revoked': too many wrong keys (LOCK003, KC-9). Only 'active' cards count towards the limit of 4.
 */
export type CardStatus = 'active' | 'exhausted' | 'blocked' | 'revoked';

export interface CardRecord {
  /** Card number without dashes, like 'A123456789'; unique across all users. */
  readonly serial: string;
  readonly userId: string;
  /** AES-256-GCM ciphertext of the card secret (nonce, ciphertext and tag, as the domain packs it). */
  readonly secretCiphertext: Uint8Array;
  /** Issue order within the user, assigned by the store: 1 for the user's first card, then max + 1. */
  readonly sequence: number;
  readonly status: CardStatus;
  readonly issuedAt: number;
  /** When the KC-3 reorder event was emitted for this card, or null. */
  readonly reorderSentAt: number | null;
}

/** What the domain hands to `addCard`; the store assigns `sequence`. */
export type NewCard = Omit<CardRecord, 'sequence' | 'reorderSentAt' | 'status'>;

export type AddCardResult =
  | { readonly ok: true; readonly card: CardRecord }
  | { readonly ok: false; readonly reason: 'limit' | 'duplicate-serial' | 'no-user' };

export type TokenKind = 'hotp' | 'totp';
export type TokenAlgorithm = 'sha1' | 'sha256' | 'sha512';
/**
 * 'stock': registered from a vendor batch, no user. 'assigned': given to a user, not yet activated
 * (T-7). 'active': the user's factor. 'blocked': lost (T-8), can be unblocked. 'revoked': too many
 * wrong codes (LOCK003). 'retired': replaced or given up; never used again.
 */
export type TokenState = 'stock' | 'assigned' | 'active' | 'blocked' | 'revoked' | 'retired';

export interface TokenRecord {
  /** 16 digits without spaces; unique. */
  readonly serial: string;
  readonly kind: TokenKind;
  readonly algorithm: TokenAlgorithm;
  readonly digits: number;
  /** TOTP step in seconds (ignored for HOTP). */
  readonly stepSeconds: number;
  /** TOTP T0 in Unix seconds (ignored for HOTP). */
  readonly t0: number;
  readonly secretCiphertext: Uint8Array;
  readonly userId: string | null;
  readonly state: TokenState;
  /**
   * Last accepted HOTP counter or TOTP time step; -1 before the first. Only ever increases, and
   * only through `advanceTokenCounter`.
   */
  readonly lastCounter: number;
  /** TOTP: the device clock's offset in steps (device step - server step), as last evidenced. */
  readonly driftSteps: number;
  /** TOTP: an offset seen once far from `driftSteps`, waiting for a second code to confirm it. */
  readonly pendingDriftSteps: number | null;
  /** HOTP: a counter seen beyond the look-ahead window, waiting for the next consecutive code. */
  readonly resyncCounter: number | null;
  /** Time of the last accepted code, or null. */
  readonly lastUsedAt: number | null;
  readonly activatedAt: number | null;
}

/** What a vendor batch registers; everything else starts empty ('stock', counter -1, drift 0). */
export type NewToken = Pick<
  TokenRecord,
  'serial' | 'kind' | 'algorithm' | 'digits' | 'stepSeconds' | 't0' | 'secretCiphertext'
>;

/** Written together with a successful counter advance. */
export interface TokenAdvance {
  readonly driftSteps: number;
  readonly pendingDriftSteps: number | null;
  readonly lastUsedAt: number;
  /** The advance clears `resyncCounter` always. */
}

export type AssignTokenResult = 'ok' | 'not-in-stock' | 'user-has-token' | 'no-token' | 'no-user';

export type ChallengePurpose =
  | 'logon'
  | 'sign'
  | 'token-block'
  | 'token-unblock'
  | 'token-replace'
  | 'self-service';
export type ChallengeFactor = 'card' | 'token';

export interface ChallengeRecord {
  /** Random, unguessable id chosen by the domain. */
  readonly id: string;
  readonly userId: string;
  readonly purpose: ChallengePurpose;
  readonly factor: ChallengeFactor;
  /** Card challenges: the card and the key number asked for. */
  readonly cardSerial: string | null;
  readonly keyNumber: number | null;
  /** Token challenges: the token asked for. */
  readonly tokenSerial: string | null;
  /** KC-7: hex digest of the exact batch of transactions shown, for 'sign'. */
  readonly batchDigest: string | null;
  readonly providerId: string | null;
  readonly ip: string | null;
  /** Opaque domain data (JSON), e.g. the token serial a 'token-replace' moves to. */
  readonly data: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface ProviderRecord {
  readonly id: string;
  readonly name: string;
  /** S-3: approved to receive the CPR number. */
  readonly cprApproved: boolean;
  /** ID-5: a bank, where a bank-only NemID may log on. */
  readonly isBank: boolean;
}

export type AuditFactor = 'password' | 'card' | 'token' | 'none';

/** S-1: one line per attempt or change. Nothing secret: no passwords, keys, codes or secrets. */
export interface AuditEntry {
  readonly at: number;
  readonly userId: string | null;
  readonly ip: string | null;
  readonly providerId: string | null;
  /** Only filled when the user opted in to logging sites (S-1). */
  readonly site: string | null;
  readonly factor: AuditFactor;
  /** What was attempted, e.g. 'logon', 'sign', 'card-issued', 'token-activated'. */
  readonly action: string;
  /** 'ok' or a DanID-style error code. */
  readonly outcome: string;
}

export interface AuditQuery {
  /** Entries at or after this time. */
  readonly since?: number;
  /** The newest `limit` entries (after `since`), still returned oldest first. */
  readonly limit?: number;
}

/** What `answerChallenge` reads for the domain's judge, besides the challenge itself. */
export interface LoadedChallenge {
  readonly challenge: ChallengeRecord;
  readonly user: UserRecord | null;
  /** Card challenges: the card asked from (null if it does not exist). */
  readonly card: CardRecord | null;
  /** Token challenges: the token asked for (null if it does not exist). */
  readonly token: TokenRecord | null;
  readonly provider: ProviderRecord | null;
}

/** The single use a right answer makes: a card key (insert-if-absent) or a token counter (compare-and-set). */
export type AnswerUse =
  | { readonly kind: 'card-key'; readonly serial: string; readonly keyNumber: number }
  | {
      readonly kind: 'token-counter';
      readonly serial: string;
      readonly expectedLast: number;
      readonly newValue: number;
      readonly advance: TokenAdvance;
    };

/** The domain's judgement of an answer, which `answerChallenge` applies atomically. */
export interface AnswerVerdict {
  /** The lockout counter of the card or token answered with. */
  readonly subject: LockoutSubject;
  readonly policy: LockoutPolicy;
  /** The answer was right: make this use. Null: the answer was wrong. */
  readonly use: AnswerUse | null;
  /** Written in the same atomic step, only when the answer is accepted (S-1). */
  readonly audit: AuditEntry | null;
}

/**
 * What settling a verdict did:
 * - 'accepted': the use was made, failures reset, the audit entry written. `usedKeys`: keys used on
 *   the card now (card keys; 0 for tokens).
 * - 'counted': a wrong answer, counted as a failure (`state` is the new state; it may just have locked).
 * - 'replayed': a right answer whose key or counter was used meanwhile; counted as a failure.
 * - 'locked' / 'blocked': refused without counting and without using anything.
 * - 'gone': the challenge was used (or expired) meanwhile; nothing written.
 */
export type SettleResult =
  | { readonly outcome: 'accepted'; readonly usedKeys: number }
  | { readonly outcome: 'counted' | 'replayed' | 'locked' | 'blocked'; readonly state: LockoutState }
  | { readonly outcome: 'gone' };

export interface AnswerResult {
  /** Null when the challenge is unknown, used or expired. */
  readonly loaded: LoadedChallenge | null;
  /** Null when there was nothing to judge or the judge gave no verdict. */
  readonly settled: SettleResult | null;
}

/**
 * Synchronous and pure (it computes codes); must not throw. Null refuses (the challenge is still
 * spent). A store may call it more than once for one answer (on rows it had cached, then on fresh
 * ones); only the last call's verdict counts.
 */
export type AnswerJudge = (loaded: LoadedChallenge) => AnswerVerdict | null;

export interface Store {
  // ---- users ----
  /** 'duplicate' when the id, NemID number, CPR or alias is already taken (nothing is written). */
  createUser(user: UserRecord): Promise<'ok' | 'duplicate'>;
  getUser(userId: string): Promise<UserRecord | null>;
  /** Exact match on the stored (normalised) value. */
  findUserId(kind: UserIdKind, value: string): Promise<string | null>;
  /** Returns false when the user does not exist. */
  updateUser(userId: string, patch: UserPatch): Promise<boolean>;
  /** Atomically sets or removes (null) the alias: 'taken' when another user has it. */
  setAlias(userId: string, alias: string | null): Promise<'ok' | 'taken' | 'no-user'>;

  // ---- passwords ----
  /** Replaces the password and, in the same transaction, clears the password lockout fully. */
  setPassword(userId: string, password: PasswordRecord): Promise<boolean>;
  getPassword(userId: string): Promise<PasswordRecord | null>;

  // ---- lockout counters (passwords, cards, tokens) ----
  /** The state, all zero / null / false for a subject never seen. */
  getLockout(subject: LockoutSubject): Promise<LockoutState>;
  /**
   * Atomically: if blocked, return 'blocked'. If a lock is in force at `now`, return 'locked'.
   * Otherwise (an expired lock is cleared) add one failure; when failures reach
   * `policy.maxFailures`: if `locks < policy.locksBeforeBlock` start a lock (lockedUntil = now +
   * lockMs, locks + 1, failures 0), else block for good (blocked, failures 0, lockedUntil null).
   * The domain calls this BEFORE checking a secret (an attempt counts as wrong until proven right)
   * so that parallel guesses can never exceed the policy, and `resetFailures` when it was right.
   */
  recordFailure(subject: LockoutSubject, now: number, policy: LockoutPolicy): Promise<FailureResult>;
  /** After a right answer: failures 0, lockedUntil null, locks 0. Never lifts a block. */
  resetFailures(subject: LockoutSubject): Promise<void>;
  /** Lifts everything, including a block (new password, unblocked token). */
  clearLockout(subject: LockoutSubject): Promise<void>;

  // ---- key cards ----
  /**
   * Atomically adds a card with status 'active' and the next sequence, unless the user already
   * holds `maxActiveCards` active cards ('limit') or the serial exists ('duplicate-serial').
   */
  addCard(card: NewCard, maxActiveCards: number): Promise<AddCardResult>;
  getCard(serial: string): Promise<CardRecord | null>;
  /** All the user's cards in any status, by sequence ascending. */
  listCards(userId: string): Promise<CardRecord[]>;
  setCardStatus(serial: string, status: CardStatus): Promise<boolean>;
  /** Atomic insert-if-absent of a used key: 'ok' the first time, 'already-used' ever after. */
  useCardKey(serial: string, keyNumber: number): Promise<'ok' | 'already-used'>;
  /** Key numbers used on the card, ascending. */
  listUsedKeys(serial: string): Promise<number[]>;
  /** Sets reorderSentAt if it is null: true only for the first caller, ever. */
  markReorderSent(serial: string, now: number): Promise<boolean>;

  // ---- tokens ----
  /** All or nothing: 'duplicate-serial' (and nothing written) if any serial exists. */
  addTokens(tokens: readonly NewToken[]): Promise<'ok' | 'duplicate-serial'>;
  getToken(serial: string): Promise<TokenRecord | null>;
  /** The user's token in state assigned, active or blocked (at most one exists), or null. */
  findUserToken(userId: string): Promise<TokenRecord | null>;
  /**
   * Atomically gives a 'stock' token to a user (state 'assigned'), unless the user already has a
   * token in state assigned, active or blocked (T-5: one per NemID).
   */
  assignToken(serial: string, userId: string): Promise<AssignTokenResult>;
  /**
   * Compare-and-set of the state: true only if the state was `from` (then it becomes `to`).
   * Moving to 'active' from 'assigned' also sets activatedAt = now.
   */
  setTokenState(serial: string, from: TokenState, to: TokenState, now: number): Promise<boolean>;
  /**
   * Compare-and-set of the counter: true only if lastCounter === expectedLast and newValue >
   * expectedLast; then lastCounter = newValue, the advance fields are written and resyncCounter
   * becomes null. Two racers with the same expectedLast: exactly one gets true.
   */
  advanceTokenCounter(
    serial: string,
    expectedLast: number,
    newValue: number,
    advance: TokenAdvance,
  ): Promise<boolean>;
  /** Remembers (or forgets, with null) an HOTP resync candidate; false if no such token. */
  setTokenResync(serial: string, counter: number | null): Promise<boolean>;

  // ---- challenges ----
  /** 'duplicate' if the id exists. */
  createChallenge(challenge: ChallengeRecord): Promise<'ok' | 'duplicate'>;
  /** Reads without consuming (for showing the card number and key number again). */
  getChallenge(id: string): Promise<ChallengeRecord | null>;
  /**
   * Atomically removes the challenge and returns it if it exists and `now < expiresAt`; otherwise
   * null (an expired challenge is removed too). Single use: of two callers at most one gets it.
   */
  consumeChallenge(id: string, now: number): Promise<ChallengeRecord | null>;
  /**
   * Answers a challenge in one atomic step (a verification's only store call on the hot path).
   * Loads the challenge (unknown or expired: `loaded` null, an expired one is removed) with its
   * user, card or token and provider, and calls `judge`. The challenge is consumed in every case
   * (single use). A verdict is settled atomically together with the consumption: if the challenge
   * was consumed meanwhile, 'gone'. Else if the subject is blocked, 'blocked'; if a lock is in
   * force at `now`, 'locked' (nothing counted or used). Else a `use` is made (insert-if-absent of
   * the key, or compare-and-set of the counter as in `advanceTokenCounter`); when it takes,
   * failures are reset (never a block) and `audit` appended: 'accepted'. Otherwise (no use, or it
   * did not take) one failure is counted by the rule of `recordFailure`: 'counted' / 'replayed'.
   * Of two concurrent answers using the same challenge, key or counter, exactly one is accepted.
   */
  answerChallenge(id: string, now: number, judge: AnswerJudge): Promise<AnswerResult>;
  /** Removes challenges with expiresAt <= now; returns how many. */
  purgeExpiredChallenges(now: number): Promise<number>;

  // ---- providers (S-3) ----
  putProvider(provider: ProviderRecord): Promise<void>;
  getProvider(id: string): Promise<ProviderRecord | null>;

  // ---- audit (S-1) ----
  appendAudit(entry: AuditEntry): Promise<void>;
  /** The user's entries, oldest first (ties in insertion order). */
  listAudit(userId: string, query?: AuditQuery): Promise<AuditEntry[]>;
}

/** What the conformance suite and embedding apps get from a store factory. */
export interface ClosableStore extends Store {
  close(): Promise<void>;
}
