/**
 * The rows the verifier keeps, as plain data. The domain decides every value; a store only keeps
 * them. Times are milliseconds since the Unix epoch (from the domain's injected clock); counters,
 * steps and times fit in 2^53-1. Secrets arrive sealed (AES-256-GCM under a key derived from the
 * master key) and are kept as they are.
 */

/**
 * A lockout counter (ID-3, KC-9): part of the password, card or token it guards, so the row lock
 * that serialises answers for that thing also serialises its counting.
 */
export interface LockoutState {
  /** Wrong tries in the current run (0 again when a lock starts). */
  readonly failures: number;
  /** End of the current lock, or null. A lock whose time has passed is not in force. */
  readonly lockedUntil: number | null;
  /** Locks so far in this run of failures. */
  readonly locks: number;
  /** Blocked for good. */
  readonly blocked: boolean;
}

export const NO_LOCKOUT: LockoutState = { failures: 0, lockedUntil: null, locks: 0, blocked: false };

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

export type UserIdKind = 'nemid' | 'cpr' | 'alias';

export interface PasswordRecord {
  readonly userId: string;
  /**
   * The scrypt hash and whether it is a 4-digit PIN, sealed together under the master key: a copy
   * of the database alone neither tests a password nor tells a PIN user from another.
   */
  readonly sealed: Uint8Array;
  /** Issued by bank/support/SMS (ID-3); the user is asked to choose a new one. */
  readonly temporary: boolean;
  readonly setAt: number;
  readonly lockout: LockoutState;
}

/** The password lockout of a user id nobody has, named by a keyed hash of the id. */
export interface DecoyRecord {
  readonly id: string;
  readonly lockout: LockoutState;
}

/**
 * 'active': usable. 'exhausted': no unused keys left. 'blocked': lost or found (KC-5).
 * 'revoked': too many wrong keys (LOCK003, KC-9). Only 'active' cards count towards the limit.
 */
export type CardStatus = 'active' | 'exhausted' | 'blocked' | 'revoked';

export interface CardRecord {
  /** Card number without dashes, like 'A123456789'; unique across all users. */
  readonly serial: string;
  readonly userId: string;
  readonly secretCiphertext: Uint8Array;
  /** Issue order within the user: 1 for the user's first card, then the highest + 1. */
  readonly sequence: number;
  readonly status: CardStatus;
  readonly issuedAt: number;
  /** When the KC-3 reorder was sent for this card, or null. */
  readonly reorderSentAt: number | null;
  /** One bit per slot of the card (bit i of byte i >> 3): set once the key in that slot is used. */
  readonly usedSlots: Uint8Array;
  readonly lockout: LockoutState;
}

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
  /** Last accepted HOTP counter or TOTP time step; -1 before the first. Only ever increases. */
  readonly lastCounter: number;
  /** TOTP: the device clock's offset in steps (device step - server step), as last evidenced. */
  readonly driftSteps: number;
  /** TOTP: an offset seen once away from `driftSteps`, waiting for a second code to confirm it. */
  readonly pendingDriftSteps: number | null;
  /** A counter (HOTP) or step (TOTP) seen beyond the window, waiting for the next code. */
  readonly resyncCounter: number | null;
  /** When the device's clock was last known to agree with `driftSteps`: registration. */
  readonly registeredAt: number;
  /** Time of the last accepted code, or null. */
  readonly lastUsedAt: number | null;
  readonly activatedAt: number | null;
  readonly lockout: LockoutState;
}

export type ChallengePurpose =
  | 'logon'
  | 'sign'
  | 'token-block'
  | 'token-unblock'
  | 'token-replace'
  | 'self-service';
export type ChallengeFactor = 'card' | 'token';

export interface ChallengeRecord {
  /** Unguessable id chosen by the domain. */
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
  /** Opaque domain data (JSON). */
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
