/**
 * What the SQLite store's answerChallenge would otherwise read back from the file: the challenges
 * this connection made, the user, card, token and provider rows it read for earlier answers, the
 * lockout state of the factors it settled, and how many keys of a card are used.
 *
 * Exact, not advice: entries are only used under the write lock, after `validate` has seen that no
 * other connection committed since they were read (SQLite's data_version). Every write of this
 * connection to a user, card, token, provider or lockout row drops that row first (SqliteStore:
 * forgetUser, forgetCard, forgetToken, forgetProvider, forgetLockout); the one exception is the
 * counter advance of an accepted code, which writes what that statement returned into the kept
 * row (`tokenAdvanced`). A key used outside an answer drops its card's count (useCardKey). A
 * challenge is only used after its DELETE removed the row, so one consumed or purged elsewhere is
 * never answered.
 */
import type {
  CardRecord,
  ChallengeRecord,
  LockoutKind,
  LockoutState,
  LockoutSubject,
  ProviderRecord,
  TokenRecord,
  UserRecord,
} from '../store.js';

/** A map that forgets its oldest entries beyond `limit`. */
class Bounded<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.set(key, value);
    if (this.map.size > this.limit) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  take(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) this.map.delete(key);
    return value;
  }

  clear(): void {
    this.map.clear();
  }
}

/** The columns a counter advance writes. */
export type TokenAdvanced = Pick<
  TokenRecord,
  'lastCounter' | 'driftSteps' | 'pendingDriftSteps' | 'resyncCounter' | 'lastUsedAt'
>;

export class SqliteAnswerCache {
  private readonly challenges: Bounded<ChallengeRecord>;
  private readonly users: Bounded<UserRecord>;
  private readonly cards: Bounded<CardRecord>;
  private readonly tokens: Bounded<TokenRecord>;
  private readonly providers: Bounded<ProviderRecord>;
  /** Lockout state by kind, then subject id; frozen, so it is handed out as it is. */
  private readonly lockouts: Readonly<Record<LockoutKind, Bounded<LockoutState>>>;
  /** Used keys per card serial. */
  private readonly usedKeys: Bounded<number>;
  /** data_version when the rows were read; null before the first answer. */
  private version: number | null = null;

  constructor(limit = 16_384) {
    this.challenges = new Bounded(limit);
    this.users = new Bounded(limit);
    this.cards = new Bounded(limit);
    this.tokens = new Bounded(limit);
    this.providers = new Bounded(limit);
    // A map per kind: keyed by the id string itself, a lookup builds no key string.
    this.lockouts = { password: new Bounded(limit), card: new Bounded(limit), token: new Bounded(limit) };
    this.usedKeys = new Bounded(limit);
  }

  /**
   * Call under the write lock with SQLite's current data_version: if another connection committed
   * since the rows were read, they are dropped. Challenges stay (they never change, and the DELETE
   * decides whether one still exists).
   */
  validate(dataVersion: number): void {
    if (this.version !== dataVersion) this.clearRows();
    this.version = dataVersion;
  }

  /** Another connection committed (or a transaction of this one failed): drop every row. */
  clearRows(): void {
    this.users.clear();
    this.cards.clear();
    this.tokens.clear();
    this.providers.clear();
    for (const kept of Object.values(this.lockouts)) kept.clear();
    this.usedKeys.clear();
  }

  /** A transaction of this connection was rolled back: nothing it made can be trusted. */
  clearAll(): void {
    this.clearRows();
    this.challenges.clear();
  }

  /**
   * This connection has just used a key of the card (in the same transaction): the used-key count
   * after it, from the kept count plus one, or from `count` (which already sees the new key).
   */
  keyUsed(serial: string, count: () => number): number {
    const kept = this.usedKeys.get(serial);
    const now = kept === undefined ? count() : kept + 1;
    this.usedKeys.set(serial, now);
    return now;
  }

  /** This connection is about to write the row: the next answer reads it afresh. */
  forgetUser(id: string): void {
    this.users.take(id);
  }

  forgetCard(serial: string): void {
    this.cards.take(serial);
  }

  forgetToken(serial: string): void {
    this.tokens.take(serial);
  }

  /**
   * This connection has just advanced the token's counter, in the transaction that read the kept
   * row: `written` is what that statement wrote, so the kept row plus it is the row as it is now.
   */
  tokenAdvanced(serial: string, written: TokenAdvanced): void {
    const kept = this.tokens.get(serial);
    if (kept !== undefined) this.tokens.set(serial, { ...kept, ...written });
  }

  forgetProvider(id: string): void {
    this.providers.take(id);
  }

  forgetLockout(subject: LockoutSubject): void {
    this.lockouts[subject.kind].take(subject.id);
  }

  forgetUsedKeys(serial: string): void {
    this.usedKeys.take(serial);
  }

  noteChallenge(c: ChallengeRecord): void {
    this.challenges.set(c.id, { ...c });
  }

  /** The challenge, forgotten here (it is about to be consumed), or undefined. */
  takeChallenge(id: string): ChallengeRecord | undefined {
    return this.challenges.take(id);
  }

  forgetChallenge(id: string): void {
    this.challenges.take(id);
  }

  user(id: string, read: () => UserRecord | null): UserRecord | null {
    return copyOf(this.users, id, read, copyUser);
  }

  card(serial: string, read: () => CardRecord | null): CardRecord | null {
    return copyOf(this.cards, serial, read, copyCard);
  }

  token(serial: string, read: () => TokenRecord | null): TokenRecord | null {
    return copyOf(this.tokens, serial, read, copyToken);
  }

  provider(id: string, read: () => ProviderRecord | null): ProviderRecord | null {
    return copyOf(this.providers, id, read, copyProvider);
  }

  /** The subject's lockout state, kept or read by `read` (which returns a fresh object to keep). */
  lockout(subject: LockoutSubject, read: () => LockoutState): LockoutState {
    const kept = this.lockouts[subject.kind];
    let state = kept.get(subject.id);
    if (state === undefined) {
      state = Object.freeze(read());
      kept.set(subject.id, state);
    }
    return state;
  }

  /** Rows the store read itself (the joined read), for the next answers. */
  remember(
    user: UserRecord | null,
    card: CardRecord | null,
    token: TokenRecord | null,
    provider: ProviderRecord | null,
  ): void {
    if (user !== null) this.users.set(user.id, copyUser(user));
    if (card !== null) this.cards.set(card.serial, copyCard(card));
    if (token !== null) this.tokens.set(token.serial, copyToken(token));
    if (provider !== null) this.providers.set(provider.id, copyProvider(provider));
  }
}

// Records handed out are copies (the Store contract), and so are the ones kept.
const copyUser = (u: UserRecord): UserRecord => ({ ...u });
const copyCard = (k: CardRecord): CardRecord => ({ ...k, secretCiphertext: k.secretCiphertext.slice() });
const copyToken = (t: TokenRecord): TokenRecord => ({ ...t, secretCiphertext: t.secretCiphertext.slice() });
const copyProvider = (p: ProviderRecord): ProviderRecord => ({ ...p });

/** A copy of the cached row, or of the row `read` finds (kept for next time); null if none. */
function copyOf<V>(cache: Bounded<V>, key: string, read: () => V | null, copy: (v: V) => V): V | null {
  let v = cache.get(key);
  if (v === undefined) {
    const fresh = read();
    if (fresh === null) return null;
    v = copy(fresh);
    cache.set(key, v);
  }
  return copy(v);
}
