import type { ProviderIdentity } from './pseudonym.js';
import type {
  CardStatus,
  ChallengePurpose,
  Eligibility,
  TokenKind,
  TokenState,
  UserStatus,
} from './store/records.js';

/** A key-card challenge as the log-on screen shows it (KC-1, KC-2). */
export interface CardChallengeView {
  readonly challengeId: string;
  readonly purpose: ChallengePurpose;
  readonly factor: 'card';
  /** Printed form, `A123-456-789`, shown above the key-entry field. */
  readonly cardNumber: string;
  /** 4 digits, `0042`. */
  readonly keyNumber: string;
  /** T-7: the screen shows "Skift til nøgleviser" (an ordered key display waits for activation). */
  readonly canSwitchToToken: boolean;
  /** KC-7: the digest the key approves, for 'sign'. */
  readonly batchDigest: string | null;
  readonly expiresAt: number;
}

/** A key-display challenge: the screen names the device and asks for its code. */
export interface TokenChallengeView {
  readonly challengeId: string;
  readonly purpose: ChallengePurpose;
  readonly factor: 'token';
  /** `dddd dddd dddd dddd`. */
  readonly tokenSerial: string;
  /** T-7: the first valid code activates the device. */
  readonly activation: boolean;
  readonly batchDigest: string | null;
  readonly expiresAt: number;
}

export type ChallengeView = CardChallengeView | TokenChallengeView;

export interface LogonResult {
  /** The verifier's internal id (for the embedding backend; never given to providers). */
  readonly userId: string;
  /** S-3: what the provider may learn. */
  readonly identity: ProviderIdentity;
  readonly factor: 'card' | 'token';
  /** The password is temporary (ID-3): ask the user to choose a new one. */
  readonly mustChangePassword: boolean;
  /** T-7: this log-on activated the user's key display. */
  readonly tokenActivated: boolean;
}

export interface SigningResult {
  readonly userId: string;
  readonly identity: ProviderIdentity;
  /** The digest of the approved batch (KC-7). */
  readonly batchDigest: string;
  readonly transactionCount: number;
  readonly factor: 'card' | 'token';
  readonly tokenActivated: boolean;
}

export type TokenAction = 'block' | 'unblock' | 'replace';

export interface TokenActionResult {
  readonly action: TokenAction;
  /** The token the action left in force (the new one after 'replace'). */
  readonly tokenSerial: string;
  readonly state: TokenState;
}

export interface UserView {
  readonly userId: string;
  readonly nemIdNumber: string;
  /** `DDMMYY-SSSS` or null. */
  readonly cpr: string | null;
  readonly alias: string | null;
  readonly name: string;
  readonly address: string | null;
  readonly mobile: string | null;
  readonly email: string | null;
  readonly eligibility: Eligibility;
  readonly status: UserStatus;
  readonly siteLogOptIn: boolean;
  readonly reorderThreshold: number;
}

/** ID-3: where a user's password stands, for support (never the password or its hash). */
export interface PasswordView {
  /** 'ok' usable; 'locked' until `lockedUntil`; 'blocked' for good (a new password is needed). */
  readonly state: 'ok' | 'locked' | 'blocked';
  readonly lockedUntil: number | null;
  /** Wrong tries in the current run. */
  readonly failures: number;
  /** Issued by bank, support or SMS: the user is asked to choose a new one. */
  readonly temporary: boolean;
  readonly setAt: number;
}

export interface CardView {
  readonly cardNumber: string;
  readonly status: CardStatus;
  readonly keysLeft: number;
  /** The card the next key is asked from. */
  readonly current: boolean;
  readonly reorderSent: boolean;
  readonly issuedAt: number;
}

export interface TokenView {
  readonly tokenSerial: string;
  readonly kind: TokenKind;
  readonly state: TokenState;
  readonly activatedAt: number | null;
  readonly lastUsedAt: number | null;
}

/** Things the embedding application acts on (send a card, call the owner, ...). */
export type VerifierEvent =
  | {
      readonly type: 'card-reorder';
      readonly userId: string;
      readonly cardNumber: string;
      readonly keysLeft: number;
      readonly at: number;
    }
  | {
      readonly type: 'card-handover';
      readonly userId: string;
      readonly fromCardNumber: string;
      /** null: no next card (the next log-on fails with AUTH006). */
      readonly toCardNumber: string | null;
      readonly at: number;
    }
  | {
      readonly type: 'card-blocked';
      readonly userId: string;
      readonly cardNumber: string;
      readonly reason: 'lost' | 'found' | 'revoked' | 'deleted';
      readonly at: number;
    }
  | {
      readonly type: 'token-activated';
      readonly userId: string;
      readonly tokenSerial: string;
      readonly at: number;
    }
  | {
      readonly type: 'token-blocked';
      readonly userId: string;
      readonly tokenSerial: string;
      readonly reason: 'lost' | 'revoked';
      readonly at: number;
    }
  | {
      readonly type: 'password-locked';
      readonly userId: string;
      readonly until: number | null;
      readonly at: number;
    }
  | {
      readonly type: 'card-ordered';
      readonly userId: string;
      readonly reason: 'lost' | 'running-out' | 'extra';
      readonly at: number;
    }
  | { readonly type: 'nemid-blocked'; readonly userId: string; readonly reason: string; readonly at: number }
  | { readonly type: 'nemid-deleted'; readonly userId: string; readonly at: number };
