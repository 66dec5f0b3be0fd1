import type { PskcReadOptions, PskcSecrets } from '@nemid-sim/pskc';
import {
  blockNemId,
  deleteNemId,
  type ProfilePatch,
  setReorderThreshold,
  setSiteLogging,
  unblockNemId,
  updateProfile,
} from './account.js';
import { answerChallenge } from './answer.js';
import { batchDigest } from './batch-digest.js';
import { Engines, tokenContext } from './card-engines.js';
import { addCard, blockCard, cardViews } from './cards.js';
import { challengeView, createChallenge, switchToToken } from './challenges.js';
import { audit, type Origin, type VerifierContext } from './context.js';
import { invalid, VerifierError } from './errors.js';
import { checkMasterKey } from './key-check.js';
import { isLocked } from './lockout.js';
import { deriveKeys } from './master-keys.js';
import { checkPassword } from './password-check.js';
import { type PhoneService, phoneKey } from './phone-key.js';
import { type PolicyOverrides, resolvePolicy } from './policy.js';
import { type ProviderIdentity, PseudonymCache } from './pseudonym.js';
import { pskcFromTokens, vendorTokensFromPskc } from './pskc-tokens.js';
import { type Clock, type RandomSource, systemClock, systemRandom } from './runtime.js';
import { SecretBox } from './secret-box.js';
import { formatCardSerial, formatTokenSerial, normalizeCardSerial, normalizeTokenSerial } from './serials.js';
import type { AuditEntry, ProviderRecord, UserRecord } from './store/records.js';
import { NO_LOCKOUT } from './store/records.js';
import type { AuditQuery, Store } from './store/store.js';
import {
  applyTokenAction,
  assignToken,
  blockToken,
  TOKEN_ACTION_PURPOSES,
  unblockToken,
} from './token-admin.js';
import { registerTokens, tokenView, type VendorToken } from './tokens.js';
import { parseLoginId } from './user-ids.js';
import {
  changePassword,
  changeUser,
  type EnrolInput,
  type Enrolled,
  enrol,
  issueTemporaryPassword,
  requireUser,
  setAlias,
  userView,
} from './users.js';
import type {
  CardView,
  ChallengeView,
  LogonResult,
  PasswordView,
  SigningResult,
  TokenAction,
  TokenActionResult,
  TokenView,
  UserView,
  VerifierEvent,
} from './views.js';

export interface VerifierOptions {
  readonly store: Store;
  /** 32 bytes from the embedding application (a KMS, an env secret). Never stored by the verifier. */
  readonly masterKey: Uint8Array;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly policy?: PolicyOverrides;
  /** Reorders, handovers, blocks: things the application acts on. Must not throw. */
  readonly onEvent?: (event: VerifierEvent) => void;
  /** calls the user and reads the key aloud (see `phoneKey`). */
  readonly phoneService?: PhoneService;
}

export interface LogonRequest extends Origin {
  /** NemID number, CPR number or self-chosen user id (ID-2). */
  readonly userId: string;
  readonly password: string;
  /** The service provider the user logs on to (S-3). */
  readonly providerId: string;
}

export interface SigningRequest extends Origin {
  /** The internal user id from a log-on. */
  readonly userId: string;
  /** KC-7: the exact texts shown to the user; one key approves them all. */
  readonly transactions: readonly string[];
  readonly providerId: string;
}

export interface CardInput {
  /** `A123-456-789` (the key-card package checks the check digit where cards are made). */
  readonly serial: string;
  readonly secret: Uint8Array;
}

/** A key display as the verifier knows it, secret in the clear, for a move to another server. */
export interface ExportedToken extends Required<VendorToken> {
  readonly state: TokenView['state'];
}

/** The verifier a backend embeds. Stateless itself: all state is in the store. */
export class Verifier {
  private readonly ctx: VerifierContext;
  private readonly engines: Engines;
  private readonly pseudonyms: PseudonymCache;
  private readonly phoneService: PhoneService | undefined;
  private readonly listeners = new Set<(event: VerifierEvent) => void>();

  constructor(options: VerifierOptions) {
    const keys = deriveKeys(options.masterKey);
    const random = options.random ?? systemRandom;
    const onEvent = options.onEvent;
    const listeners = this.listeners;
    this.ctx = {
      store: options.store,
      clock: options.clock ?? systemClock,
      random,
      policy: resolvePolicy(options.policy),
      box: new SecretBox(keys.secrets, random),
      keys,
      emit: (e) => {
        onEvent?.(e);
        for (const listen of listeners) listen(e);
      },
    };
    this.engines = new Engines(this.ctx.box);
    this.pseudonyms = new PseudonymCache(keys.pseudonyms);
    this.phoneService = options.phoneService;
  }

  get policy() {
    return this.ctx.policy;
  }

  /**
   * Also sends every event to `listener` (which must not throw), for a part that gets a verifier
   * made elsewhere, such as the HTTP service counting lockouts. Returns the way to stop.
   */
  subscribe(listener: (event: VerifierEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Checks that the master key belongs to the database (a value kept at the first check), so a
   * wrong key is refused at start-up (WRONG_MASTER_KEY) rather than at the first log-on. 'claimed'
   * the first time, when the database takes this key as its own.
   */
  checkMasterKey(): Promise<'ok' | 'claimed'> {
    return checkMasterKey(this.ctx);
  }

  // ---------- users ----------

  enrol(input: EnrolInput): Promise<Enrolled> {
    return enrol(this.ctx, input);
  }

  async getUser(userId: string): Promise<UserView> {
    return userView(await requireUser(this.ctx, userId));
  }

  /** The user with this NemID number, CPR number or self-chosen user id (for support), or null. */
  async findUser(loginId: string): Promise<UserView | null> {
    const id = parseLoginId(loginId);
    const userId = id === null ? null : await this.ctx.store.findUserId(id.kind, id.value);
    const user = userId === null ? null : await this.ctx.store.getUser(userId);
    return user === null || user.status === 'deleted' ? null : userView(user);
  }

  /** ID-2: create, change or (null) remove the self-chosen user id. Returns it as stored. */
  setAlias(userId: string, alias: string | null): Promise<string | null> {
    return setAlias(this.ctx, userId, alias);
  }

  changePassword(userId: string, password: string): Promise<void> {
    return changePassword(this.ctx, userId, password);
  }

  issueTemporaryPassword(userId: string, channel: 'bank' | 'support' | 'sms') {
    return issueTemporaryPassword(this.ctx, userId, channel);
  }

  /** ID-3, for support: whether the password is locked or blocked, and whether it is temporary. */
  async passwordState(userId: string): Promise<PasswordView | null> {
    await requireUser(this.ctx, userId);
    const p = await this.ctx.store.getPassword(userId);
    if (p === null) return null;
    const now = this.ctx.clock();
    const state = p.lockout.blocked ? 'blocked' : isLocked(p.lockout, now) ? 'locked' : 'ok';
    return {
      state,
      lockedUntil: state === 'locked' ? p.lockout.lockedUntil : null,
      failures: p.lockout.failures,
      temporary: p.temporary,
      setAt: p.setAt,
    };
  }

  /**
   * ID-3, for support: lifts a password lock before its 8 hours are over. A password blocked for
   * good needs a new one (`issueTemporaryPassword`).
   */
  async unlockPassword(userId: string): Promise<void> {
    const user = await requireUser(this.ctx, userId);
    await this.ctx.store.update({ password: userId }, ({ password }) => {
      if (password === null) throw new VerifierError('NOT_FOUND', 'the user has no password');
      if (password.lockout.blocked) {
        throw new VerifierError('CONFLICT', 'the password is blocked for good: issue a temporary password');
      }
      return { result: undefined, writes: { update: { passwords: [{ ...password, lockout: NO_LOCKOUT }] } } };
    });
    await audit(this.ctx, user, {}, 'password', 'password-unlocked', 'ok');
  }

  updateProfile(userId: string, patch: ProfilePatch): Promise<void> {
    return updateProfile(this.ctx, userId, patch);
  }

  /** S-1: opt in or out of logging which websites NemID was used on. */
  setSiteLogging(userId: string, on: boolean): Promise<void> {
    return setSiteLogging(this.ctx, userId, on);
  }

  /** KC-3: keys left on the current card at which a new card is ordered. */
  setReorderThreshold(userId: string, keysLeft: number): Promise<void> {
    return setReorderThreshold(this.ctx, userId, keysLeft);
  }

  /** S-4: suspected misuse blocks the whole NemID at once. */
  blockNemId(userId: string, reason: string): Promise<void> {
    return blockNemId(this.ctx, userId, reason);
  }

  unblockNemId(userId: string): Promise<void> {
    return unblockNemId(this.ctx, userId);
  }

  /** KC-8: delete the NemID on request; the user cannot log on after that. */
  deleteNemId(userId: string): Promise<void> {
    return deleteNemId(this.ctx, userId);
  }

  /**
   * S-1: the user's own log, oldest first (`since` inclusive, `until` exclusive). It outlives a
   * deleted NemID (KC-8: evidence for the user, and with a court order for the police).
   */
  async auditLog(userId: string, query?: AuditQuery): Promise<AuditEntry[]> {
    if ((await this.ctx.store.getUser(userId)) === null) throw new VerifierError('NOT_FOUND', 'no such user');
    return this.ctx.store.listAudit(userId, query);
  }

  // ---------- providers (S-3) ----------

  async registerProvider(provider: ProviderRecord): Promise<void> {
    if (typeof provider.id !== 'string' || provider.id.trim() === '')
      throw invalid('a provider id is needed');
    await this.ctx.store.putProvider({ ...provider });
  }

  /** The CPR number for a provider approved for it, else a pseudonym only that provider gets. */
  async identityFor(userId: string, providerId: string): Promise<ProviderIdentity> {
    const user = await requireUser(this.ctx, userId);
    return this.identity(user, await this.ctx.store.getProvider(providerId), providerId);
  }

  private identity(user: UserRecord, provider: ProviderRecord | null, providerId: string): ProviderIdentity {
    if (provider?.cprApproved && user.cpr !== null) return { kind: 'cpr', cpr: user.cpr };
    return { kind: 'pseudonym', pseudonym: this.pseudonyms.get(providerId, user.id) };
  }

  private async provider(providerId: string): Promise<ProviderRecord> {
    const p = await this.ctx.store.getProvider(providerId);
    if (p === null) throw new VerifierError('NOT_FOUND', 'unknown service provider');
    return p;
  }

  // ---------- log-on (ID-1) ----------

  /** Password step; returns the key (or key display) challenge to show. */
  async startLogon(req: LogonRequest): Promise<ChallengeView> {
    const provider = await this.provider(req.providerId);
    const checked = await checkPassword(this.ctx, req.userId, req.password);
    try {
      if (!checked.ok) throw checked.error;
      const user = checked.user;
      if (user.status === 'blocked') throw new VerifierError('AUTH005');
      if (user.eligibility === 'bank-only' && !provider.isBank) throw new VerifierError('AUTH012');
      const challenge = await createChallenge(this.ctx, this.engines, {
        user,
        purpose: 'logon',
        origin: req,
        temporaryPassword: checked.temporary,
      });
      await audit(this.ctx, user, req, 'password', 'logon-password', 'ok');
      return challenge;
    } catch (e) {
      await audit(this.ctx, checked.user, req, 'password', 'logon-password', outcomeOf(e));
      throw e;
    }
  }

  /** T-7: the "switch to key display" link of a card challenge. */
  switchToToken(challengeId: string): Promise<ChallengeView> {
    return switchToToken(this.ctx, challengeId);
  }

  /**
   * the phone service calls the user (on the mobile number on file) and reads the key the
   * challenge asks for aloud. The key never leaves the verifier any other way; the call is logged.
   */
  phoneKey(challengeId: string): Promise<void> {
    return phoneKey(this.ctx, this.engines, this.phoneService, challengeId);
  }

  /** Key step: the key from the card or the code from the key display. */
  async completeLogon(challengeId: string, key: string): Promise<LogonResult> {
    const a = await answerChallenge(this.ctx, this.engines, challengeId, {
      purposes: ['logon'],
      typed: key,
      batchDigest: null,
      action: 'logon',
      logOk: true,
    });
    return {
      userId: a.user.id,
      identity: this.identity(a.user, a.provider, a.challenge.providerId ?? ''),
      factor: a.challenge.factor,
      mustChangePassword: a.data.temporaryPassword,
      tokenActivated: a.tokenActivated,
    };
  }

  // ---------- signing (KC-7) ----------

  async startSigning(req: SigningRequest): Promise<ChallengeView> {
    const user = await requireUser(this.ctx, req.userId);
    const provider = await this.provider(req.providerId);
    if (!Array.isArray(req.transactions) || req.transactions.length === 0) {
      throw invalid('at least one transaction is needed');
    }
    try {
      if (user.status === 'blocked') throw new VerifierError('AUTH005');
      if (user.eligibility === 'bank-only' && !provider.isBank) throw new VerifierError('AUTH012');
      const challenge = await createChallenge(this.ctx, this.engines, {
        user,
        purpose: 'sign',
        origin: req,
        batchDigest: batchDigest(req.transactions),
        transactionCount: req.transactions.length,
      });
      await audit(this.ctx, user, req, 'none', 'sign-start', 'ok');
      return challenge;
    } catch (e) {
      await audit(this.ctx, user, req, 'none', 'sign-start', outcomeOf(e));
      throw e;
    }
  }

  /** Fails with AUTH009 unless `transactions` is exactly the batch the challenge was made for. */
  async completeSigning(
    challengeId: string,
    key: string,
    transactions: readonly string[],
  ): Promise<SigningResult> {
    const digest = batchDigest(transactions);
    const a = await answerChallenge(this.ctx, this.engines, challengeId, {
      purposes: ['sign'],
      typed: key,
      batchDigest: digest,
      action: 'sign',
      logOk: true,
    });
    return {
      userId: a.user.id,
      identity: this.identity(a.user, a.provider, a.challenge.providerId ?? ''),
      batchDigest: digest,
      transactionCount: transactions.length,
      factor: a.challenge.factor,
      tokenActivated: a.tokenActivated,
    };
  }

  // ---------- key cards (KC-*) ----------

  /** Issues a card; without `secret` one is drawn (return it to the printer, then forget it). */
  async issueCard(userId: string, card: { serial: string; secret?: Uint8Array }): Promise<CardInput> {
    const serial = normalizeCardSerial(card.serial);
    if (serial === null) throw invalid('a card number is one letter and 9 digits, like A123-456-789');
    const secret = card.secret ?? this.ctx.random(32);
    if (!(secret instanceof Uint8Array) || secret.length < 16)
      throw invalid('a card secret is at least 16 bytes');
    await addCard(this.ctx, userId, serial, secret);
    return { serial: formatCardSerial(serial), secret };
  }

  /**
   * Cards from a key-card batch, already decrypted by the caller (the CLI reads the batch file
   * with the key-card package). Each is issued on its own; refusals are reported, not thrown.
   */
  async importCards(
    cards: readonly (CardInput & { userId: string })[],
  ): Promise<{ imported: string[]; refused: { serial: string; reason: string }[] }> {
    const imported: string[] = [];
    const refused: { serial: string; reason: string }[] = [];
    for (const c of cards) {
      try {
        imported.push((await this.issueCard(c.userId, c)).serial);
      } catch (e) {
        if (!(e instanceof VerifierError)) throw e;
        refused.push({ serial: c.serial, reason: e.message });
      }
    }
    return { imported, refused };
  }

  async listCards(userId: string): Promise<CardView[]> {
    await requireUser(this.ctx, userId);
    return cardViews(this.ctx, userId);
  }

  /**
   * KC-5: block a card at once, by its number: lost (self-service, bank, support) or found and
   * handed in (the owner is told through the 'card-blocked' event). False if no such card.
   */
  async blockCard(cardNumber: string, reason: 'lost' | 'found'): Promise<boolean> {
    const serial = normalizeCardSerial(cardNumber);
    return serial !== null && blockCard(this.ctx, serial, reason);
  }

  /** KC-3, KC-5: the user orders a new card; the bank prints it on the 'card-ordered' event. */
  async orderCard(userId: string, reason: 'lost' | 'running-out' | 'extra'): Promise<void> {
    const user = await changeUser(this.ctx, userId, `card-ordered-${reason}`, (u) => u);
    this.ctx.emit({ type: 'card-ordered', userId: user.id, reason, at: this.ctx.clock() });
  }

  // ---------- key displays (T-*) ----------

  /** Registers a vendor batch (all or nothing). Secrets are sealed before they reach the store. */
  registerTokens(tokens: readonly VendorToken[]): Promise<number> {
    return registerTokens(this.ctx, tokens);
  }

  /** Every key display with its secret and where its counter or clock stands, for a move elsewhere. */
  async exportTokens(): Promise<ExportedToken[]> {
    return (await this.ctx.store.listTokens()).map((t) => ({
      serial: formatTokenSerial(t.serial),
      kind: t.kind,
      secret: this.ctx.box.open(t.secretCiphertext, tokenContext(t.serial)),
      algorithm: t.algorithm,
      digits: t.digits,
      stepSeconds: t.stepSeconds,
      t0: t.t0,
      counter: t.kind === 'hotp' ? t.lastCounter + 1 : 0,
      driftSteps: t.kind === 'totp' ? t.driftSteps : 0,
      state: t.state,
    }));
  }

  /**
   * T-5: a token vendor's PSKC delivery (RFC 6030), every key of it or none. Every MAC is checked
   * before a secret is used; plain-text secrets, missing MACs and unknown algorithms are refused
   * unless `options` allows them. Returns how many key displays were registered.
   */
  async importPskc(
    input: string | Uint8Array,
    secrets: PskcSecrets,
    options?: PskcReadOptions,
  ): Promise<number> {
    return registerTokens(this.ctx, vendorTokensFromPskc(input, secrets, options));
  }

  /**
   * The key displays in use or in stock as a PSKC document for another server, each with its
   * current counter (HOTP) or clock offset (TOTP), secrets encrypted under `secrets` and MACed.
   * Revoked and retired ones are left out.
   */
  async exportPskc(
    secrets: PskcSecrets,
    options: { mac?: 'hmac-sha1' | 'hmac-sha256' } = {},
  ): Promise<string> {
    const live = (await this.exportTokens()).filter((t) => t.state !== 'revoked' && t.state !== 'retired');
    return pskcFromTokens(live, secrets, { mac: options.mac, random: this.ctx.random });
  }

  /** T-5: gives an ordered key display to a user (one per NemID); it works once activated (T-7). */
  assignToken(userId: string, tokenSerial: string): Promise<TokenView> {
    return assignToken(this.ctx, userId, tokenSerial);
  }

  async getToken(userId: string): Promise<TokenView | null> {
    await requireUser(this.ctx, userId);
    const t = await this.ctx.store.findUserToken(userId);
    return t === null ? null : tokenView(t);
  }

  /** T-8 by phone: support blocks a lost key display without a card key. */
  blockTokenBySupport(userId: string): Promise<TokenView> {
    return blockToken(this.ctx, userId);
  }

  /** T-8 for support: a found key display is unblocked (self-service uses `startTokenAction`). */
  unblockTokenBySupport(userId: string): Promise<TokenView> {
    return unblockToken(this.ctx, userId);
  }

  /**
   * T-3, T-8 in self-service: block, unblock or replace the key display. Always answered with a
   * key from the key card, which is why the card must be kept.
   */
  async startTokenAction(
    req: Origin & { userId: string; action: TokenAction; newTokenSerial?: string },
  ): Promise<ChallengeView> {
    const user = await requireUser(this.ctx, req.userId);
    if (user.status === 'blocked') throw new VerifierError('AUTH005');
    if ((await this.ctx.store.findUserToken(user.id)) === null) {
      throw new VerifierError('NOT_FOUND', 'the user has no key display');
    }
    let newTokenSerial: string | null = null;
    if (req.action === 'replace') {
      newTokenSerial = normalizeTokenSerial(req.newTokenSerial ?? '');
      if (newTokenSerial === null) throw invalid('a replacement needs the new token serial (16 digits)');
    }
    return createChallenge(this.ctx, this.engines, {
      user,
      purpose: TOKEN_ACTION_PURPOSES[req.action],
      origin: req,
      newTokenSerial,
      cardOnly: true,
    });
  }

  async completeTokenAction(challengeId: string, cardKey: string): Promise<TokenActionResult> {
    const c = await this.ctx.store.getChallenge(challengeId);
    const action = c?.purpose ?? 'token-action';
    const a = await answerChallenge(this.ctx, this.engines, challengeId, {
      purposes: ['token-block', 'token-unblock', 'token-replace'],
      typed: cardKey,
      batchDigest: null,
      action,
      logOk: false,
    });
    try {
      return await applyTokenAction(this.ctx, a.user.id, a.challenge.purpose, a.data.newTokenSerial);
    } catch (e) {
      await audit(this.ctx, a.user, {}, 'card', action, outcomeOf(e));
      throw e;
    }
  }

  /** The challenge as the screen shows it (card number and key number again, say). */
  async getChallenge(challengeId: string): Promise<ChallengeView | null> {
    const c = await this.ctx.store.getChallenge(challengeId);
    return c === null || !(this.ctx.clock() < c.expiresAt) ? null : challengeView(c);
  }

  // ---------- housekeeping ----------

  /**
   * Removes expired challenges; returns how many. An embedding backend calls this now and then
   * (say every minute): a challenge nobody answers is otherwise kept for good.
   */
  purgeExpiredChallenges(): Promise<number> {
    return this.ctx.store.purgeExpiredChallenges(this.ctx.clock());
  }
}

function outcomeOf(e: unknown): string {
  return e instanceof VerifierError ? e.code : 'error';
}

export function createVerifier(options: VerifierOptions): Verifier {
  return new Verifier(options);
}
