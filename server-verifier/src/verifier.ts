import {
  blockNemId,
  deleteNemId,
  type ProfilePatch,
  setReorderThreshold,
  setSiteLogging,
  unblockNemId,
  updateProfile,
} from './account.js';
import { batchDigest } from './batch-digest.js';
import { Engines } from './card-engines.js';
import { addCard, cardViews } from './cards.js';
import {
  type AnswerTrace,
  answerChallenge,
  challengeData,
  createChallenge,
  switchToToken,
} from './challenges.js';
import { audit, type Origin, type VerifierContext } from './context.js';
import { invalid, VerifierError } from './errors.js';
import { deriveKeys } from './master-keys.js';
import { checkPassword } from './password-check.js';
import { type PolicyOverrides, resolvePolicy } from './policy.js';
import { type ProviderIdentity, PseudonymCache } from './pseudonym.js';
import { type Clock, type RandomSource, systemClock, systemRandom } from './runtime.js';
import { SecretBox } from './secret-box.js';
import { formatCardSerial, normalizeCardSerial, normalizeTokenSerial } from './serials.js';
import type {
  AuditEntry,
  AuditFactor,
  AuditQuery,
  ChallengeRecord,
  ProviderRecord,
  Store,
  UserRecord,
} from './store/store.js';
import { applyTokenAction, assignToken, blockToken, TOKEN_ACTION_PURPOSES } from './token-admin.js';
import { sealVendorToken, tokenView, type VendorToken } from './tokens.js';
import {
  changePassword,
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

/** The verifier a backend embeds. Stateless itself: all state is in the store. */
export class Verifier {
  private readonly ctx: VerifierContext;
  private readonly engines: Engines;
  private readonly pseudonyms: PseudonymCache;

  constructor(options: VerifierOptions) {
    const keys = deriveKeys(options.masterKey);
    const random = options.random ?? systemRandom;
    const onEvent = options.onEvent;
    this.ctx = {
      store: options.store,
      clock: options.clock ?? systemClock,
      random,
      policy: resolvePolicy(options.policy),
      box: new SecretBox(keys.secrets, random),
      keys,
      emit: (e) => onEvent?.(e),
    };
    this.engines = new Engines(this.ctx.box);
    this.pseudonyms = new PseudonymCache(keys.pseudonyms);
  }

  get policy() {
    return this.ctx.policy;
  }

  // ---------- users ----------

  enrol(input: EnrolInput): Promise<Enrolled> {
    return enrol(this.ctx, input);
  }

  async getUser(userId: string): Promise<UserView> {
    return userView(await requireUser(this.ctx, userId));
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

  /** S-1: the user's own log, oldest first. */
  async auditLog(userId: string, query?: AuditQuery): Promise<AuditEntry[]> {
    await requireUser(this.ctx, userId);
    return this.ctx.store.listAudit(userId, query);
  }

  // ---------- providers (S-3) ----------

  async registerProvider(provider: ProviderRecord): Promise<void> {
    if (provider.id.trim() === '') throw invalid('a provider id is needed');
    await this.ctx.store.putProvider({ ...provider });
  }

  /** The CPR number for a provider approved for it, else a pseudonym only that provider gets. */
  async identityFor(userId: string, providerId: string): Promise<ProviderIdentity> {
    const user = await requireUser(this.ctx, userId);
    const provider = await this.ctx.store.getProvider(providerId);
    return this.identity(user, provider, providerId);
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
    const user = checked.user;
    try {
      if (!checked.ok) throw checked.error;
      return await this.challengeAfterPassword(checked.user, checked.temporary, provider, req);
    } catch (e) {
      await this.log(user, req, 'password', 'logon-password', outcomeOf(e));
      throw e;
    }
  }

  private async challengeAfterPassword(
    user: UserRecord,
    temporaryPassword: boolean,
    provider: ProviderRecord,
    req: LogonRequest,
  ): Promise<ChallengeView> {
    if (user.status === 'blocked') throw new VerifierError('AUTH005');
    if (user.eligibility === 'bank-only' && !provider.isBank) throw new VerifierError('AUTH012');
    const challenge = await createChallenge(this.ctx, this.engines, {
      user,
      purpose: 'logon',
      origin: req,
      temporaryPassword,
    });
    await this.log(user, req, 'password', 'logon-password', 'ok');
    return challenge;
  }

  /** T-7: the "switch to key display" link of a card challenge. */
  async switchToToken(challengeId: string): Promise<ChallengeView> {
    const view = await switchToToken(this.ctx, challengeId);
    const c = await this.ctx.store.getChallenge(view.challengeId);
    if (c !== null) {
      await this.log(
        await this.ctx.store.getUser(c.userId),
        Verifier.originOf(c),
        'token',
        'switch-to-token',
        'ok',
      );
    }
    return view;
  }

  /** Key step: the key from the card or the code from the key display. */
  async completeLogon(challengeId: string, key: string): Promise<LogonResult> {
    const trace: AnswerTrace = {};
    try {
      // The 'ok' audit line is written by the store together with the accepted answer.
      const a = await answerChallenge(
        this.ctx,
        this.engines,
        challengeId,
        ['logon'],
        key,
        null,
        trace,
        'logon',
      );
      const providerId = a.challenge.providerId ?? '';
      const identity = this.identity(a.user, a.provider, providerId);
      return {
        userId: a.user.id,
        identity,
        factor: a.challenge.factor,
        mustChangePassword: a.data.temporaryPassword,
        tokenActivated: a.tokenActivated,
      };
    } catch (e) {
      await this.logFailure(trace, 'logon', e);
      throw e;
    }
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
      await this.log(user, req, 'none', 'sign-start', 'ok');
      return challenge;
    } catch (e) {
      await this.log(user, req, 'none', 'sign-start', outcomeOf(e));
      throw e;
    }
  }

  /** Fails with AUTH009 unless `transactions` is exactly the batch the challenge was made for. */
  async completeSigning(
    challengeId: string,
    key: string,
    transactions: readonly string[],
  ): Promise<SigningResult> {
    const trace: AnswerTrace = {};
    try {
      const digest = batchDigest(transactions);
      const a = await answerChallenge(
        this.ctx,
        this.engines,
        challengeId,
        ['sign'],
        key,
        digest,
        trace,
        'sign',
      );
      const providerId = a.challenge.providerId ?? '';
      return {
        userId: a.user.id,
        identity: this.identity(a.user, a.provider, providerId),
        batchDigest: digest,
        transactionCount: transactions.length,
        factor: a.challenge.factor,
        tokenActivated: a.tokenActivated,
      };
    } catch (e) {
      await this.logFailure(trace, 'sign', e);
      throw e;
    }
  }

  // ---------- key cards (KC-*) ----------

  /** Issues a card; without `secret` one is drawn (return it to the printer, then forget it). */
  async issueCard(userId: string, card: { serial: string; secret?: Uint8Array }): Promise<CardInput> {
    const user = await requireUser(this.ctx, userId);
    const serial = normalizeCardSerial(card.serial);
    if (serial === null) throw invalid('a card number is one letter and 9 digits, like A123-456-789');
    const secret = card.secret ?? this.ctx.random(32);
    if (!(secret instanceof Uint8Array) || secret.length < 16)
      throw invalid('a card secret is at least 16 bytes');
    await addCard(this.ctx, userId, serial, secret);
    await this.log(user, {}, 'card', 'card-issued', 'ok');
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
        refused.push({ serial: c.serial, reason: e.detail ?? e.code });
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
    const card = serial === null ? null : await this.ctx.store.getCard(serial);
    if (card === null) return false;
    await this.ctx.store.setCardStatus(card.serial, 'blocked');
    const user = await this.ctx.store.getUser(card.userId);
    await this.log(user, {}, 'card', `card-blocked-${reason}`, 'ok');
    this.ctx.emit({
      type: 'card-blocked',
      userId: card.userId,
      cardNumber: formatCardSerial(card.serial),
      reason,
      at: this.ctx.clock(),
    });
    return true;
  }

  // ---------- key displays (T-*) ----------

  /** Registers a vendor batch (all or nothing). Secrets are sealed before they reach the store. */
  async registerTokens(tokens: readonly VendorToken[]): Promise<number> {
    const sealed = tokens.map((t) => sealVendorToken(this.ctx, t));
    if ((await this.ctx.store.addTokens(sealed)) !== 'ok') {
      throw new VerifierError('CONFLICT', 'a token serial in the batch is already registered');
    }
    return sealed.length;
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
  async blockTokenBySupport(userId: string): Promise<TokenView> {
    const user = await requireUser(this.ctx, userId);
    const t = await this.ctx.store.findUserToken(userId);
    if (t === null) throw new VerifierError('NOT_FOUND', 'the user has no key display');
    await blockToken(this.ctx, user, t.serial, t.state);
    return tokenView((await this.ctx.store.getToken(t.serial))!);
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
    const token = await this.ctx.store.findUserToken(user.id);
    if (token === null) throw new VerifierError('NOT_FOUND', 'the user has no key display');
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
    const trace: AnswerTrace = {};
    try {
      const a = await answerChallenge(
        this.ctx,
        this.engines,
        challengeId,
        ['token-block', 'token-unblock', 'token-replace'],
        cardKey,
        null,
        trace,
      );
      const result = await applyTokenAction(this.ctx, a.user, a.challenge.purpose, a.data.newTokenSerial);
      await this.log(a.user, Verifier.originOf(a.challenge), 'card', a.challenge.purpose, 'ok');
      return result;
    } catch (e) {
      await this.logFailure(trace, trace.challenge?.purpose ?? 'token-action', e);
      throw e;
    }
  }

  // ---------- housekeeping ----------

  /** Removes expired challenges; returns how many. */
  purgeExpiredChallenges(): Promise<number> {
    return this.ctx.store.purgeExpiredChallenges(this.ctx.clock());
  }

  /** Audits an answer that failed, with as much as it got to know. */
  private async logFailure(trace: AnswerTrace, action: string, e: unknown): Promise<void> {
    const c = trace.challenge;
    const origin = c === undefined ? {} : Verifier.originOf(c);
    await this.log(trace.user ?? null, origin, c?.factor ?? 'none', action, outcomeOf(e));
  }

  private static originOf(c: ChallengeRecord): Origin {
    return { ip: c.ip, providerId: c.providerId, site: challengeData(c).site };
  }

  private log(user: UserRecord | null, origin: Origin, factor: AuditFactor, action: string, outcome: string) {
    return audit(this.ctx, user, origin, factor, action, outcome);
  }
}

function outcomeOf(e: unknown): string {
  return e instanceof VerifierError ? e.code : 'error';
}

export function createVerifier(options: VerifierOptions): Verifier {
  return new Verifier(options);
}
