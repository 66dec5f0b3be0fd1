/**
 * Demo Netbank's side of NemID: every call the bank makes to the verifier library lives here, so
 * this file is the example of embedding the verifier (docs/demo.md walks through it). The web
 * pages call these functions and never the verifier itself.
 */
import {
  type AuditEntry,
  type CardView,
  type ChallengeView,
  type Clock,
  createVerifier,
  type LogonResult,
  type PhoneService,
  type PolicyOverrides,
  type ProviderIdentity,
  type RandomSource,
  type SigningResult,
  type TokenActionResult,
  type TokenView,
  type UserView,
  type VendorToken,
  type Verifier,
  type VerifierEvent,
} from '@nemid-sim/server-verifier';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';

/** The two service providers of the demo (S-3): the bank itself and a web shop that is not a bank. */
export const SITES = {
  bank: { id: 'demo-netbank', name: 'Demo Netbank', cprApproved: true, isBank: true },
  shop: { id: 'demo-webshop', name: 'Demo Webshop', cprApproved: false, isBank: false },
} as const;
export type Site = keyof typeof SITES;

/** Where a request came from, for the user's log (S-1). */
export interface RequestOrigin {
  readonly ip: string;
  /** The page's address; logged only for users who opted in. */
  readonly site: string;
}

export interface BankNemIdOptions {
  /** The SQLite file (created 0600 when missing). */
  readonly dbFile: string;
  /** 32 bytes; the demo keeps it in its data folder, a real bank in its KMS. */
  readonly masterKey: Uint8Array;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** The verifier's numbers (lockouts, scrypt cost); the defaults follow NemID. */
  readonly policy?: PolicyOverrides;
  /** reads the key aloud; without it there is no "Ring mig op". */
  readonly phoneService?: PhoneService;
  /** Card orders, reorders and blocks: the bank prints and sends cards when told. */
  readonly onEvent?: (event: VerifierEvent) => void;
}

/** What the account pages show about the user's NemID. */
export interface NemIdOverview {
  readonly user: UserView;
  readonly cards: CardView[];
  readonly token: TokenView | null;
}

export class BankNemId {
  private readonly housekeeping: NodeJS.Timeout;

  private constructor(
    private readonly verifier: Verifier,
    private readonly closeStore: () => Promise<void>,
  ) {
    // A challenge nobody answers stays in the store until it is purged (docs/server-verifier.md).
    this.housekeeping = setInterval(() => {
      verifier.purgeExpiredChallenges().catch(() => undefined);
    }, 60_000);
    this.housekeeping.unref();
  }

  /** Opens the store and checks that the master key is this database's (WRONG_MASTER_KEY if not). */
  static async open(options: BankNemIdOptions): Promise<BankNemId> {
    const store = openSqliteStore(options.dbFile);
    try {
      const verifier = createVerifier({
        store,
        masterKey: options.masterKey,
        clock: options.clock,
        random: options.random,
        policy: options.policy,
        onEvent: options.onEvent,
        phoneService: options.phoneService,
      });
      await verifier.checkMasterKey();
      return new BankNemId(verifier, () => store.close());
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  close(): Promise<void> {
    clearInterval(this.housekeeping);
    return this.closeStore();
  }

  // ---------- the first start: the bank, the shop, a customer ----------

  async registerSites(): Promise<void> {
    for (const site of Object.values(SITES)) await this.verifier.registerProvider({ ...site });
  }

  enrol(user: {
    name: string;
    cpr: string;
    address: string;
    mobile: string;
    email: string;
    password: string;
  }) {
    return this.verifier.enrol(user);
  }

  /** A card printed by the bank's card printer (key-card), now given to the user. */
  async issueCard(userId: string, card: { serial: string; secret: Uint8Array }): Promise<void> {
    await this.verifier.issueCard(userId, card);
  }

  /** T-5, T-7: the key display the user ordered; it works once the user activates it. */
  async orderKeyDisplay(userId: string, device: VendorToken): Promise<void> {
    await this.verifier.registerTokens([device]);
    await this.verifier.assignToken(userId, device.serial);
  }

  // ---------- log-on (ID-1, ID-2, KC-1, KC-2, T-7, A-2) ----------

  /** The password step: the user id may be the NemID number, the CPR number or an alias (ID-2). */
  startLogon(site: Site, loginId: string, password: string, origin: RequestOrigin): Promise<ChallengeView> {
    return this.verifier.startLogon({
      userId: loginId,
      password,
      providerId: SITES[site].id,
      ip: origin.ip,
      site: origin.site,
    });
  }

  /** The challenge again (the key step page is shown after a redirect), or null once expired. */
  challenge(challengeId: string): Promise<ChallengeView | null> {
    return this.verifier.getChallenge(challengeId);
  }

  /** T-7: "Skift til nøgleviser". */
  switchToKeyDisplay(challengeId: string): Promise<ChallengeView> {
    return this.verifier.switchToToken(challengeId);
  }

  /** the phone service reads the key asked for to the user. */
  phoneKey(challengeId: string): Promise<void> {
    return this.verifier.phoneKey(challengeId);
  }

  /** The key step; `identity` is all the site may learn (S-3). */
  completeLogon(challengeId: string, key: string): Promise<LogonResult> {
    return this.verifier.completeLogon(challengeId, key);
  }

  // ---------- the outbox (KC-7) ----------

  startSigning(
    userId: string,
    transactions: readonly string[],
    origin: RequestOrigin,
  ): Promise<ChallengeView> {
    return this.verifier.startSigning({
      userId,
      transactions,
      providerId: SITES.bank.id,
      ip: origin.ip,
      site: origin.site,
    });
  }

  completeSigning(challengeId: string, key: string, transactions: readonly string[]): Promise<SigningResult> {
    return this.verifier.completeSigning(challengeId, key, transactions);
  }

  // ---------- self-service ----------

  async overview(userId: string): Promise<NemIdOverview> {
    const [user, cards, token] = await Promise.all([
      this.verifier.getUser(userId),
      this.verifier.listCards(userId),
      this.verifier.getToken(userId),
    ]);
    return { user, cards, token };
  }

  listCards(userId: string): Promise<CardView[]> {
    return this.verifier.listCards(userId);
  }

  identityAt(site: Site, userId: string): Promise<ProviderIdentity> {
    return this.verifier.identityFor(userId, SITES[site].id);
  }

  /**
   * KC-5: the user blocks one of their own cards at once (lost). False when the card is not the
   * user's: a card number alone must not let one customer block another's card.
   */
  async blockOwnCard(userId: string, cardNumber: string): Promise<boolean> {
    const cards = await this.verifier.listCards(userId);
    if (!cards.some((c) => c.cardNumber === cardNumber)) return false;
    return this.verifier.blockCard(cardNumber, 'lost');
  }

  /** KC-5: a new card; the verifier's 'card-ordered' event makes the bank print and issue it. */
  orderCard(userId: string): Promise<void> {
    return this.verifier.orderCard(userId, 'lost');
  }

  /** ID-4: a new password, or a 4-digit PIN (blocked after 3 wrong tries). */
  changePassword(userId: string, password: string): Promise<void> {
    return this.verifier.changePassword(userId, password);
  }

  /** ID-2: the self-chosen user id; null removes it. */
  setAlias(userId: string, alias: string | null): Promise<string | null> {
    return this.verifier.setAlias(userId, alias);
  }

  /** S-1: log which websites NemID was used on, or not. */
  setSiteLogging(userId: string, on: boolean): Promise<void> {
    return this.verifier.setSiteLogging(userId, on);
  }

  /** S-1: the user's own log, newest first. */
  async log(userId: string): Promise<AuditEntry[]> {
    return (await this.verifier.auditLog(userId)).reverse();
  }

  /** T-3, T-8: blocking a lost key display is answered with a key from the key card. */
  startKeyDisplayBlock(userId: string, origin: RequestOrigin): Promise<ChallengeView> {
    return this.verifier.startTokenAction({ userId, action: 'block', ip: origin.ip, site: origin.site });
  }

  completeKeyDisplayBlock(challengeId: string, cardKey: string): Promise<TokenActionResult> {
    return this.verifier.completeTokenAction(challengeId, cardKey);
  }
}
