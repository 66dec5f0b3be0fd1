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
} from '../records.js';
import { NO_LOCKOUT } from '../records.js';
import {
  type AnswerRows,
  type AuditQuery,
  type Decision,
  type RowKeys,
  type Rows,
  type Store,
  StoreConflictError,
  type Writes,
} from '../store.js';
import { holdsToken } from '../token-holding.js';

/** Deep enough: records hold only scalars, byte arrays and the lockout object (itself scalars). */
function copy<R extends object>(r: R): R {
  const out: Record<string, unknown> = { ...(r as Record<string, unknown>) };
  for (const [k, v] of Object.entries(out)) {
    if (v instanceof Uint8Array) out[k] = v.slice();
    else if (v !== null && typeof v === 'object') out[k] = { ...v };
  }
  return out as R;
}
const maybe = <R extends object>(r: R | undefined): R | null => (r === undefined ? null : copy(r));

/**
 * The store for tests and demos. Each unit of work runs from load to write without awaiting, and
 * JavaScript runs one callback at a time, so it is atomic just as the SQL stores' transactions are.
 */
export class MemoryStore implements Store {
  private readonly users = new Map<string, UserRecord>();
  private readonly passwords = new Map<string, PasswordRecord>();
  private readonly decoys = new Map<string, DecoyRecord>();
  private readonly cards = new Map<string, CardRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly challenges = new Map<string, ChallengeRecord>();
  private readonly providers = new Map<string, ProviderRecord>();
  private readonly settings = new Map<string, string>();
  private readonly audit: AuditEntry[] = [];

  async getUser(userId: string) {
    return maybe(this.users.get(userId));
  }

  async findUserId(kind: UserIdKind, value: string) {
    for (const u of this.users.values()) {
      const v = kind === 'nemid' ? u.nemIdNumber : kind === 'cpr' ? u.cpr : u.alias;
      if (v !== null && v === value) return u.id;
    }
    return null;
  }

  async getPassword(userId: string) {
    return maybe(this.passwords.get(userId));
  }

  async getCard(serial: string) {
    return maybe(this.cards.get(serial));
  }

  async listCards(userId: string) {
    return this.cardsOf(userId).map(copy);
  }

  async getToken(serial: string) {
    return maybe(this.tokens.get(serial));
  }

  async findUserToken(userId: string) {
    return maybe(this.heldToken(userId));
  }

  async listTokens() {
    return [...this.tokens.values()].sort((a, b) => (a.serial < b.serial ? -1 : 1)).map(copy);
  }

  async getChallenge(id: string) {
    return maybe(this.challenges.get(id));
  }

  async getProvider(id: string) {
    return maybe(this.providers.get(id));
  }

  async listAudit(userId: string, query: AuditQuery = {}) {
    const since = query.since ?? Number.NEGATIVE_INFINITY;
    const until = query.until ?? Number.POSITIVE_INFINITY;
    const mine = this.audit
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.userId === userId && e.at >= since && e.at < until)
      .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
      .map(({ e }) => ({ ...e }));
    return query.limit === undefined ? mine : mine.slice(Math.max(0, mine.length - query.limit));
  }

  async getSetting(name: string) {
    return this.settings.get(name) ?? null;
  }

  async update<T>(keys: RowKeys, decide: (rows: Rows) => Decision<T>): Promise<T> {
    if (keys.decoy !== undefined && !this.decoys.has(keys.decoy)) {
      this.decoys.set(keys.decoy, { id: keys.decoy, lockout: NO_LOCKOUT });
    }
    const challenge = keys.challenge === undefined ? undefined : this.challenges.get(keys.challenge);
    const rows: Rows = {
      user: keys.user === undefined ? null : maybe(this.users.get(keys.user)),
      password: keys.password === undefined ? null : maybe(this.passwords.get(keys.password)),
      decoy: keys.decoy === undefined ? null : maybe(this.decoys.get(keys.decoy)),
      card: keys.card === undefined ? null : maybe(this.cards.get(keys.card)),
      cards: keys.cardsOf === undefined ? [] : this.cardsOf(keys.cardsOf).map(copy),
      token: keys.token === undefined ? null : maybe(this.tokens.get(keys.token)),
      heldToken: keys.tokenOf === undefined ? null : maybe(this.heldToken(keys.tokenOf)),
      challenge: maybe(challenge),
    };
    const decision = decide(rows);
    this.apply(decision.writes);
    if (challenge !== undefined) this.challenges.delete(challenge.id);
    return decision.result;
  }

  async answer<T>(challengeId: string, decide: (rows: AnswerRows | null) => Decision<T>): Promise<T> {
    const c = this.challenges.get(challengeId);
    const decision = decide(
      c === undefined
        ? null
        : {
            challenge: copy(c),
            user: maybe(this.users.get(c.userId)),
            provider: c.providerId === null ? null : maybe(this.providers.get(c.providerId)),
            card: c.cardSerial === null ? null : maybe(this.cards.get(c.cardSerial)),
            token: c.tokenSerial === null ? null : maybe(this.tokens.get(c.tokenSerial)),
          },
    );
    this.apply(decision.writes);
    if (c !== undefined) this.challenges.delete(c.id);
    return decision.result;
  }

  async write(writes: Writes) {
    this.apply(writes);
  }

  async putProvider(provider: ProviderRecord) {
    this.providers.set(provider.id, { ...provider });
  }

  async initSetting(name: string, value: string) {
    if (!this.settings.has(name)) this.settings.set(name, value);
    return this.settings.get(name) as string;
  }

  async purgeExpiredChallenges(now: number) {
    let n = 0;
    for (const [id, c] of this.challenges) {
      if (c.expiresAt <= now && this.challenges.delete(id)) n++;
    }
    return n;
  }

  async close() {}

  private cardsOf(userId: string): CardRecord[] {
    return [...this.cards.values()]
      .filter((c) => c.userId === userId)
      .sort((a, b) => a.sequence - b.sequence);
  }

  private heldToken(userId: string): TokenRecord | undefined {
    for (const t of this.tokens.values()) if (t.userId === userId && holdsToken(t.state)) return t;
    return undefined;
  }

  /** Checks every write before making any, so a conflict leaves the store unchanged. */
  private apply(writes: Writes | undefined): void {
    if (writes === undefined) return;
    const ins = writes.insert ?? {};
    const upd = writes.update ?? {};
    const users = [...(ins.users ?? []), ...(upd.users ?? [])];
    const tokens = [...(ins.tokens ?? []), ...(upd.tokens ?? [])];
    const inserted: [string, ReadonlyMap<string, unknown>, readonly string[]][] = [
      ['users.id', this.users, (ins.users ?? []).map((u) => u.id)],
      ['cards.serial', this.cards, (ins.cards ?? []).map((c) => c.serial)],
      ['tokens.serial', this.tokens, (ins.tokens ?? []).map((t) => t.serial)],
      ['challenges.id', this.challenges, (ins.challenges ?? []).map((c) => c.id)],
    ];
    for (const [what, table, keys] of inserted) this.checkNew(what, table, keys);
    // Only rows whose unique values change can break uniqueness; checking just those keeps an
    // answer's write from copying the whole table.
    const uniques = (u?: UserRecord) => JSON.stringify(u && [u.nemIdNumber, u.cpr, u.alias]);
    const renamed = users.filter((u) => uniques(this.users.get(u.id)) !== uniques(u));
    if (renamed.length > 0)
      checkUnique(
        merged(this.users, users, (u) => u.id),
        renamed,
      );
    const holder = (t?: TokenRecord) => JSON.stringify(t && [t.userId, holdsToken(t.state)]);
    const handedOver = tokens.filter((t) => holder(this.tokens.get(t.serial)) !== holder(t));
    if (handedOver.length > 0)
      checkOneHeldToken(
        merged(this.tokens, tokens, (t) => t.serial),
        handedOver,
      );
    for (const u of users) this.users.set(u.id, copy(u));
    for (const p of [...(ins.passwords ?? []), ...(upd.passwords ?? [])])
      this.passwords.set(p.userId, copy(p));
    for (const d of upd.decoys ?? []) this.decoys.set(d.id, copy(d));
    for (const c of [...(ins.cards ?? []), ...(upd.cards ?? [])]) this.cards.set(c.serial, copy(c));
    for (const t of tokens) this.tokens.set(t.serial, copy(t));
    for (const c of ins.challenges ?? []) this.challenges.set(c.id, copy(c));
    for (const e of ins.audit ?? []) this.audit.push({ ...e });
  }

  private checkNew(what: string, table: ReadonlyMap<string, unknown>, keys: readonly string[]): void {
    const seen = new Set<string>();
    for (const k of keys) {
      if (table.has(k) || seen.has(k)) throw new StoreConflictError(what);
      seen.add(k);
    }
  }
}

/** The table as it would be after the writes. */
function merged<R>(table: ReadonlyMap<string, R>, written: readonly R[], key: (r: R) => string): R[] {
  const next = new Map(table);
  for (const r of written) next.set(key(r), r);
  return [...next.values()];
}

/** The unique user columns, as the SQL schemas enforce them. */
function checkUnique(all: readonly UserRecord[], written: readonly UserRecord[]): void {
  for (const u of written) {
    for (const other of all) {
      if (other.id === u.id) continue;
      if (other.nemIdNumber === u.nemIdNumber) throw new StoreConflictError('users.nem_id_number');
      if (u.cpr !== null && other.cpr === u.cpr) throw new StoreConflictError('users.cpr');
      if (u.alias !== null && other.alias === u.alias) throw new StoreConflictError('users.alias');
    }
  }
}

/** T-5: one held token per user, as the SQL schemas' partial unique index enforces it. */
function checkOneHeldToken(all: readonly TokenRecord[], written: readonly TokenRecord[]): void {
  for (const t of written) {
    if (t.userId === null || !holdsToken(t.state)) continue;
    const held = all.filter((o) => o.userId === t.userId && holdsToken(o.state));
    if (held.length > 1) throw new StoreConflictError('tokens.user_id');
  }
}

export function createMemoryStore(): MemoryStore {
  return new MemoryStore();
}
