import type {
  AddCardResult,
  AnswerJudge,
  AnswerResult,
  AnswerVerdict,
  AssignTokenResult,
  AuditEntry,
  AuditQuery,
  CardRecord,
  CardStatus,
  ChallengeRecord,
  ClosableStore,
  FailureResult,
  LockoutPolicy,
  LockoutState,
  LockoutSubject,
  NewCard,
  NewToken,
  PasswordRecord,
  ProviderRecord,
  SettleResult,
  TokenAdvance,
  TokenRecord,
  TokenState,
  UserIdKind,
  UserPatch,
  UserRecord,
} from './store.js';

const NO_LOCKOUT: LockoutState = { failures: 0, lockedUntil: null, locks: 0, blocked: false };
const HOLDS_TOKEN: ReadonlySet<TokenState> = new Set(['assigned', 'active', 'blocked']);

const copyCard = (c: CardRecord): CardRecord => ({ ...c, secretCiphertext: c.secretCiphertext.slice() });
const copyToken = (t: TokenRecord): TokenRecord => ({ ...t, secretCiphertext: t.secretCiphertext.slice() });

/**
 * The store for tests and demos. JavaScript runs one callback at a time and no method awaits
 * halfway, so each method is atomic just as the SQL stores' transactions are.
 */
export class MemoryStore implements ClosableStore {
  private readonly users = new Map<string, UserRecord>();
  private readonly passwords = new Map<string, PasswordRecord>();
  private readonly lockouts = new Map<string, LockoutState>();
  private readonly cards = new Map<string, CardRecord>();
  private readonly usedKeys = new Map<string, Set<number>>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly challenges = new Map<string, ChallengeRecord>();
  private readonly providers = new Map<string, ProviderRecord>();
  private readonly audit: AuditEntry[] = [];

  async createUser(user: UserRecord): Promise<'ok' | 'duplicate'> {
    if (this.users.has(user.id)) return 'duplicate';
    for (const u of this.users.values()) {
      if (
        u.nemIdNumber === user.nemIdNumber ||
        (user.cpr !== null && u.cpr === user.cpr) ||
        (user.alias !== null && u.alias === user.alias)
      ) {
        return 'duplicate';
      }
    }
    this.users.set(user.id, { ...user });
    return 'ok';
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    const u = this.users.get(userId);
    return u ? { ...u } : null;
  }

  async findUserId(kind: UserIdKind, value: string): Promise<string | null> {
    for (const u of this.users.values()) {
      const v = kind === 'nemid' ? u.nemIdNumber : kind === 'cpr' ? u.cpr : u.alias;
      if (v !== null && v === value) return u.id;
    }
    return null;
  }

  async updateUser(userId: string, patch: UserPatch): Promise<boolean> {
    const u = this.users.get(userId);
    if (!u) return false;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    this.users.set(userId, { ...u, ...defined });
    return true;
  }

  async setAlias(userId: string, alias: string | null): Promise<'ok' | 'taken' | 'no-user'> {
    const u = this.users.get(userId);
    if (!u) return 'no-user';
    if (alias !== null) {
      for (const other of this.users.values()) {
        if (other.id !== userId && other.alias === alias) return 'taken';
      }
    }
    this.users.set(userId, { ...u, alias });
    return 'ok';
  }

  async setPassword(userId: string, password: PasswordRecord): Promise<boolean> {
    if (!this.users.has(userId)) return false;
    this.passwords.set(userId, { ...password });
    this.lockouts.delete(lockoutKey({ kind: 'password', id: userId }));
    return true;
  }

  async getPassword(userId: string): Promise<PasswordRecord | null> {
    const p = this.passwords.get(userId);
    return p ? { ...p } : null;
  }

  async getLockout(subject: LockoutSubject): Promise<LockoutState> {
    return { ...(this.lockouts.get(lockoutKey(subject)) ?? NO_LOCKOUT) };
  }

  async recordFailure(subject: LockoutSubject, now: number, policy: LockoutPolicy): Promise<FailureResult> {
    const key = lockoutKey(subject);
    const current = this.lockouts.get(key) ?? NO_LOCKOUT;
    const next = applyFailure(current, now, policy);
    if (next.outcome === 'counted') this.lockouts.set(key, next.state);
    return { outcome: next.outcome, state: { ...next.state } };
  }

  async resetFailures(subject: LockoutSubject): Promise<void> {
    const key = lockoutKey(subject);
    const current = this.lockouts.get(key);
    if (current) this.lockouts.set(key, { ...NO_LOCKOUT, blocked: current.blocked });
  }

  async clearLockout(subject: LockoutSubject): Promise<void> {
    this.lockouts.delete(lockoutKey(subject));
  }

  async addCard(card: NewCard, maxActiveCards: number): Promise<AddCardResult> {
    if (!this.users.has(card.userId)) return { ok: false, reason: 'no-user' };
    if (this.cards.has(card.serial)) return { ok: false, reason: 'duplicate-serial' };
    let active = 0;
    let sequence = 0;
    for (const c of this.cards.values()) {
      if (c.userId !== card.userId) continue;
      if (c.status === 'active') active++;
      sequence = Math.max(sequence, c.sequence);
    }
    if (active >= maxActiveCards) return { ok: false, reason: 'limit' };
    const record: CardRecord = {
      serial: card.serial,
      userId: card.userId,
      secretCiphertext: card.secretCiphertext.slice(),
      sequence: sequence + 1,
      status: 'active',
      issuedAt: card.issuedAt,
      reorderSentAt: null,
    };
    this.cards.set(card.serial, record);
    return { ok: true, card: copyCard(record) };
  }

  async getCard(serial: string): Promise<CardRecord | null> {
    const c = this.cards.get(serial);
    return c ? copyCard(c) : null;
  }

  async listCards(userId: string): Promise<CardRecord[]> {
    return [...this.cards.values()]
      .filter((c) => c.userId === userId)
      .sort((a, b) => a.sequence - b.sequence)
      .map(copyCard);
  }

  async setCardStatus(serial: string, status: CardStatus): Promise<boolean> {
    const c = this.cards.get(serial);
    if (!c) return false;
    this.cards.set(serial, { ...c, status });
    return true;
  }

  async useCardKey(serial: string, keyNumber: number): Promise<'ok' | 'already-used'> {
    let used = this.usedKeys.get(serial);
    if (!used) {
      used = new Set();
      this.usedKeys.set(serial, used);
    }
    if (used.has(keyNumber)) return 'already-used';
    used.add(keyNumber);
    return 'ok';
  }

  async listUsedKeys(serial: string): Promise<number[]> {
    return [...(this.usedKeys.get(serial) ?? [])].sort((a, b) => a - b);
  }

  async markReorderSent(serial: string, now: number): Promise<boolean> {
    const c = this.cards.get(serial);
    if (!c || c.reorderSentAt !== null) return false;
    this.cards.set(serial, { ...c, reorderSentAt: now });
    return true;
  }

  async addTokens(tokens: readonly NewToken[]): Promise<'ok' | 'duplicate-serial'> {
    const serials = new Set<string>();
    for (const t of tokens) {
      if (this.tokens.has(t.serial) || serials.has(t.serial)) return 'duplicate-serial';
      serials.add(t.serial);
    }
    for (const t of tokens) {
      this.tokens.set(t.serial, {
        ...t,
        secretCiphertext: t.secretCiphertext.slice(),
        userId: null,
        state: 'stock',
        lastCounter: -1,
        driftSteps: 0,
        pendingDriftSteps: null,
        resyncCounter: null,
        lastUsedAt: null,
        activatedAt: null,
      });
    }
    return 'ok';
  }

  async getToken(serial: string): Promise<TokenRecord | null> {
    const t = this.tokens.get(serial);
    return t ? copyToken(t) : null;
  }

  async findUserToken(userId: string): Promise<TokenRecord | null> {
    const t = this.heldToken(userId);
    return t ? copyToken(t) : null;
  }

  private heldToken(userId: string): TokenRecord | undefined {
    for (const t of this.tokens.values()) {
      if (t.userId === userId && HOLDS_TOKEN.has(t.state)) return t;
    }
    return undefined;
  }

  async assignToken(serial: string, userId: string): Promise<AssignTokenResult> {
    const t = this.tokens.get(serial);
    if (!t) return 'no-token';
    if (!this.users.has(userId)) return 'no-user';
    if (t.state !== 'stock') return 'not-in-stock';
    if (this.heldToken(userId)) return 'user-has-token';
    this.tokens.set(serial, { ...t, userId, state: 'assigned' });
    return 'ok';
  }

  async setTokenState(serial: string, from: TokenState, to: TokenState, now: number): Promise<boolean> {
    const t = this.tokens.get(serial);
    if (!t || t.state !== from) return false;
    const activatedAt = from === 'assigned' && to === 'active' ? now : t.activatedAt;
    this.tokens.set(serial, { ...t, state: to, activatedAt });
    return true;
  }

  async advanceTokenCounter(
    serial: string,
    expectedLast: number,
    newValue: number,
    advance: TokenAdvance,
  ): Promise<boolean> {
    const t = this.tokens.get(serial);
    if (!t || t.lastCounter !== expectedLast || !(newValue > expectedLast)) return false;
    this.tokens.set(serial, {
      ...t,
      lastCounter: newValue,
      driftSteps: advance.driftSteps,
      pendingDriftSteps: advance.pendingDriftSteps,
      lastUsedAt: advance.lastUsedAt,
      resyncCounter: null,
    });
    return true;
  }

  async setTokenResync(serial: string, counter: number | null): Promise<boolean> {
    const t = this.tokens.get(serial);
    if (!t) return false;
    this.tokens.set(serial, { ...t, resyncCounter: counter });
    return true;
  }

  async createChallenge(challenge: ChallengeRecord): Promise<'ok' | 'duplicate'> {
    if (this.challenges.has(challenge.id)) return 'duplicate';
    this.challenges.set(challenge.id, { ...challenge });
    return 'ok';
  }

  async getChallenge(id: string): Promise<ChallengeRecord | null> {
    const c = this.challenges.get(id);
    return c ? { ...c } : null;
  }

  async consumeChallenge(id: string, now: number): Promise<ChallengeRecord | null> {
    const c = this.challenges.get(id);
    if (!c) return null;
    this.challenges.delete(id);
    return now < c.expiresAt ? { ...c } : null;
  }

  async answerChallenge(id: string, now: number, judge: AnswerJudge): Promise<AnswerResult> {
    // Synchronous from consumption to settlement, so atomic like the SQL stores' transaction.
    const c = this.challenges.get(id);
    if (!c) return { loaded: null, settled: null };
    this.challenges.delete(id);
    if (!(now < c.expiresAt)) return { loaded: null, settled: null };
    const user = this.users.get(c.userId);
    const card = c.cardSerial === null ? undefined : this.cards.get(c.cardSerial);
    const token = c.tokenSerial === null ? undefined : this.tokens.get(c.tokenSerial);
    const provider = c.providerId === null ? undefined : this.providers.get(c.providerId);
    const loaded = {
      challenge: { ...c },
      user: user ? { ...user } : null,
      card: card ? copyCard(card) : null,
      token: token ? copyToken(token) : null,
      provider: provider ? { ...provider } : null,
    };
    const verdict = judge(loaded);
    return { loaded, settled: verdict === null ? null : this.settle(verdict, now) };
  }

  private settle(v: AnswerVerdict, now: number): SettleResult {
    const key = lockoutKey(v.subject);
    const state = this.lockouts.get(key) ?? NO_LOCKOUT;
    if (state.blocked) return { outcome: 'blocked', state: { ...state } };
    if (state.lockedUntil !== null && now < state.lockedUntil)
      return { outcome: 'locked', state: { ...state } };
    if (v.use !== null && this.makeUse(v.use)) {
      if (this.lockouts.has(key)) this.lockouts.set(key, { ...NO_LOCKOUT });
      if (v.audit !== null) this.audit.push({ ...v.audit });
      const usedKeys = v.use.kind === 'card-key' ? (this.usedKeys.get(v.use.serial)?.size ?? 0) : 0;
      return { outcome: 'accepted', usedKeys };
    }
    const next = applyFailure(state, now, v.policy).state;
    this.lockouts.set(key, next);
    return { outcome: v.use === null ? 'counted' : 'replayed', state: { ...next } };
  }

  private makeUse(use: NonNullable<AnswerVerdict['use']>): boolean {
    if (use.kind === 'card-key') {
      let used = this.usedKeys.get(use.serial);
      if (!used) {
        used = new Set();
        this.usedKeys.set(use.serial, used);
      }
      if (used.has(use.keyNumber)) return false;
      used.add(use.keyNumber);
      return true;
    }
    const t = this.tokens.get(use.serial);
    if (!t || t.lastCounter !== use.expectedLast || !(use.newValue > use.expectedLast)) return false;
    this.tokens.set(use.serial, {
      ...t,
      lastCounter: use.newValue,
      driftSteps: use.advance.driftSteps,
      pendingDriftSteps: use.advance.pendingDriftSteps,
      lastUsedAt: use.advance.lastUsedAt,
      resyncCounter: null,
    });
    return true;
  }

  async purgeExpiredChallenges(now: number): Promise<number> {
    let n = 0;
    for (const [id, c] of this.challenges) {
      if (c.expiresAt <= now) {
        this.challenges.delete(id);
        n++;
      }
    }
    return n;
  }

  async putProvider(provider: ProviderRecord): Promise<void> {
    this.providers.set(provider.id, { ...provider });
  }

  async getProvider(id: string): Promise<ProviderRecord | null> {
    const p = this.providers.get(id);
    return p ? { ...p } : null;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.audit.push({ ...entry });
  }

  async listAudit(userId: string, query: AuditQuery = {}): Promise<AuditEntry[]> {
    const since = query.since ?? Number.NEGATIVE_INFINITY;
    const mine = this.audit
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.userId === userId && e.at >= since)
      .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
      .map(({ e }) => ({ ...e }));
    return query.limit === undefined ? mine : mine.slice(Math.max(0, mine.length - query.limit));
  }

  async close(): Promise<void> {}
}

function lockoutKey(subject: LockoutSubject): string {
  return `${subject.kind}\u0000${subject.id}`;
}

/**
 * The lockout rule shared by every store (the SQL stores do the same arithmetic inside their
 * transaction): refuse while blocked or locked, else count, lock or block.
 */
export function applyFailure(current: LockoutState, now: number, policy: LockoutPolicy): FailureResult {
  if (current.blocked) return { outcome: 'blocked', state: current };
  if (current.lockedUntil !== null && now < current.lockedUntil) return { outcome: 'locked', state: current };
  const failures = current.failures + 1;
  if (failures < policy.maxFailures) {
    return { outcome: 'counted', state: { ...current, failures, lockedUntil: null } };
  }
  if (current.locks < policy.locksBeforeBlock) {
    return {
      outcome: 'counted',
      state: { failures: 0, lockedUntil: now + policy.lockMs, locks: current.locks + 1, blocked: false },
    };
  }
  return {
    outcome: 'counted',
    state: { failures: 0, lockedUntil: null, locks: current.locks, blocked: true },
  };
}

export function createMemoryStore(): MemoryStore {
  return new MemoryStore();
}
