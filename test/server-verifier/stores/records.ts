import type { UserRecord } from '@nemid-sim/server-verifier';

/** The moment store tests start at. */
export const T0 = Date.UTC(2026, 0, 1);

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
