import type { DerivedKeys } from './master-keys.js';
import type { VerifierPolicy } from './policy.js';
import type { Clock, RandomSource } from './runtime.js';
import type { SecretBox } from './secret-box.js';
import type { AuditEntry, AuditFactor, UserRecord } from './store/records.js';
import type { Store } from './store/store.js';
import type { VerifierEvent } from './views.js';

/** What every part of the verifier works with; built once by `createVerifier`. */
export interface VerifierContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly policy: VerifierPolicy;
  readonly box: SecretBox;
  readonly keys: DerivedKeys;
  readonly emit: (event: VerifierEvent) => void;
}

/** Where an attempt came from, for the audit log (S-1). */
export interface Origin {
  readonly ip?: string | null;
  readonly providerId?: string | null;
  /** The website, logged only when the user opted in. */
  readonly site?: string | null;
}

export async function audit(
  ctx: VerifierContext,
  user: UserRecord | null,
  origin: Origin,
  factor: AuditFactor,
  action: string,
  outcome: string,
): Promise<void> {
  await ctx.store.write({
    insert: { audit: [auditEntry(ctx.clock(), user, origin, factor, action, outcome)] },
  });
}

/** One audit line (S-1): the website only for a user who opted in; nothing secret. */
export function auditEntry(
  at: number,
  user: UserRecord | null,
  origin: Origin,
  factor: AuditFactor,
  action: string,
  outcome: string,
): AuditEntry {
  return {
    at,
    userId: user?.id ?? null,
    ip: origin.ip ?? null,
    providerId: origin.providerId ?? null,
    site: user?.siteLogOptIn ? (origin.site ?? null) : null,
    factor,
    action,
    outcome,
  };
}
