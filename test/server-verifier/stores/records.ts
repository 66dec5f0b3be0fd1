import type {
  AuditEntry,
  CardRecord,
  ChallengeRecord,
  LockoutState,
  PasswordRecord,
  TokenRecord,
  UserRecord,
} from '@nemid-sim/server-verifier';

/** The moment store tests start at. */
export const T0 = Date.UTC(2026, 0, 1);

export const CLEAR: LockoutState = { failures: 0, lockedUntil: null, locks: 0, blocked: false };

/** A plain active user record for store-level tests: `user-<n>`, NemID number 100000000 + n. */
export function user(n: number, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    id: `user-${n}`,
    nemIdNumber: String(100_000_000 + n),
    cpr: null,
    alias: null,
    name: `User ${n}`,
    address: null,
    mobile: null,
    email: null,
    eligibility: 'full',
    status: 'active',
    siteLogOptIn: false,
    reorderThreshold: 20,
    createdAt: T0,
    ...extra,
  };
}

export function password(userId: string, extra: Partial<PasswordRecord> = {}): PasswordRecord {
  return { userId, sealed: new Uint8Array([1, 2, 3]), temporary: false, setAt: T0, lockout: CLEAR, ...extra };
}

export function card(serial: string, userId: string, extra: Partial<CardRecord> = {}): CardRecord {
  return {
    serial,
    userId,
    secretCiphertext: new Uint8Array([1, 2, 3, 0, 255]),
    sequence: 1,
    status: 'active',
    issuedAt: T0,
    reorderSentAt: null,
    usedSlots: new Uint8Array(19),
    lockout: CLEAR,
    ...extra,
  };
}

export function token(serial: string, extra: Partial<TokenRecord> = {}): TokenRecord {
  return {
    serial,
    kind: 'hotp',
    algorithm: 'sha1',
    digits: 6,
    stepSeconds: 30,
    t0: 0,
    secretCiphertext: new Uint8Array([9, 8, 7, 6]),
    userId: null,
    state: 'stock',
    lastCounter: -1,
    driftSteps: 0,
    pendingDriftSteps: null,
    resyncCounter: null,
    registeredAt: T0,
    lastUsedAt: null,
    activatedAt: null,
    lockout: CLEAR,
    ...extra,
  };
}

export function challenge(id: string, extra: Partial<ChallengeRecord> = {}): ChallengeRecord {
  return {
    id,
    userId: 'user-1',
    purpose: 'logon',
    factor: 'card',
    cardSerial: 'A000000001',
    keyNumber: 1234,
    tokenSerial: null,
    batchDigest: null,
    providerId: 'bank',
    ip: '192.0.2.1',
    data: null,
    createdAt: T0,
    expiresAt: T0 + 5 * 60_000,
    ...extra,
  };
}

export function audit(at: number, userId: string | null, action = 'logon'): AuditEntry {
  return {
    at,
    userId,
    ip: '192.0.2.1',
    providerId: 'bank',
    site: null,
    factor: 'password',
    action,
    outcome: 'ok',
  };
}
