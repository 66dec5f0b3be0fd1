import type { ChallengeView } from './views.js';

/**
 * Error codes. The DanID codes (AUTH0xx, LOCK0xx) follow the texts of the real log-on dialog; the
 * others are this library's own. A code never tells whether a user id exists: an unknown user id
 * fails exactly like a wrong password, lockouts included.
 */
export const ERROR_TEXTS = {
  AUTH001: 'Wrong user id or password.',
  AUTH002: 'Wrong key. Check the card number and the key number, and try again.',
  AUTH003: 'The log-on has expired or was already used. Please start again.',
  AUTH004: 'Your key card or key display is temporarily quarantined after too many wrong keys.',
  AUTH005: 'Your NemID is blocked. Please contact support.',
  AUTH006: 'You have no keys left and no next key card.',
  AUTH007: 'Your password is revoked. Please ask for a new one.',
  AUTH008: 'This key card or key display is blocked.',
  AUTH009: 'The transactions differ from the ones shown when the key was asked for.',
  AUTH010: 'The key has been used before. Please use the key asked for.',
  AUTH011: 'Please press the button again and enter the next key from your key display.',
  AUTH012: 'This NemID cannot be used here.',
  LOCK001: 'Too many wrong tries: your password is locked for 8 hours.',
  LOCK002: 'Your password is locked permanently. Please ask for a new one.',
  LOCK003: 'Too many wrong keys: your key card or key display is revoked.',
  UNAVAILABLE: 'The service is unavailable for a moment. Please try again.',
  WRONG_MASTER_KEY: 'The master key does not belong to this database.',
  INVALID_INPUT: 'The input is not valid.',
  NOT_FOUND: 'Not found.',
  CONFLICT: 'The request conflicts with the current state.',
} as const;

export type ErrorCode = keyof typeof ERROR_TEXTS;

/** The texts that differ when the factor is a key display rather than a key card. */
const TOKEN_TEXTS: Partial<Record<ErrorCode, string>> = {
  AUTH002: 'Wrong code. Enter the code your key display shows now, and try again.',
  AUTH004: 'Your key display is temporarily quarantined after too many wrong codes.',
  AUTH008: 'This key display is blocked.',
  AUTH010: 'That code has been used before. Press the button on your key display for a new code.',
  LOCK003: 'Too many wrong codes: your key display is revoked.',
};
const CARD_TEXTS: Partial<Record<ErrorCode, string>> = {
  AUTH004: 'Your key card is temporarily quarantined after too many wrong keys.',
  AUTH008: 'This key card is blocked.',
  LOCK003: 'Too many wrong keys: your key card is revoked.',
};

export interface VerifierErrorOptions {
  /** AUTH011: the challenge to answer with the next code. */
  readonly retry?: ChallengeView;
  /** Which factor the error is about, so its text names the key card or the key display. */
  readonly factor?: 'card' | 'token';
  /** The underlying failure (UNAVAILABLE: the driver's error), for logs only; never shown. */
  readonly cause?: unknown;
}

/**
 * Every refusal of the verifier. `message` is safe to show to the user and never holds a secret, a
 * code or a key. `detail` explains INVALID_INPUT / NOT_FOUND / CONFLICT to the calling developer.
 */
export class VerifierError extends Error {
  override readonly name = 'VerifierError';

  /** AUTH011: the challenge to answer with the next code. */
  readonly retry?: ChallengeView;
  readonly factor?: 'card' | 'token';

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    options: VerifierErrorOptions = {},
  ) {
    const factorText =
      options.factor === 'token'
        ? TOKEN_TEXTS[code]
        : options.factor === 'card'
          ? CARD_TEXTS[code]
          : undefined;
    const text = factorText ?? ERROR_TEXTS[code];
    // A detail is the more precise sentence, so it replaces the generic text instead of trailing it.
    super(detail === undefined ? text : sentence(detail), { cause: options.cause });
    this.retry = options.retry;
    this.factor = options.factor;
  }
}

export function invalid(detail: string): VerifierError {
  return new VerifierError('INVALID_INPUT', detail);
}

function sentence(text: string): string {
  const t = text.trim();
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

/** The database cannot be reached, is restarting or full: a clean "try again" for the caller. */
export function unavailable(cause: unknown): VerifierError {
  return new VerifierError('UNAVAILABLE', undefined, { cause });
}

export function isVerifierError(e: unknown, code?: ErrorCode): e is VerifierError {
  return e instanceof VerifierError && (code === undefined || e.code === code);
}
