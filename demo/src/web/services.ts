import { isVerifierError } from '@nemid-sim/server-verifier';
import type { BankNemId } from '../bank-nemid.js';
import type { CardDesk } from '../card-orders.js';
import type { Lang } from '../lang.js';
import type { Outboxes } from '../outbox.js';
import type { VoicePhone } from '../voice/voice-phone.js';
import { errorText } from './error-texts.js';

/** What the pages work with. */
export interface DemoServices {
  readonly bank: BankNemId;
  readonly cardDesk: CardDesk;
  /** A-2; null when espeak-ng is missing. */
  readonly voice: VoicePhone | null;
  readonly outboxes: Outboxes;
  readonly cardsDir: string;
  /** One line for the terminal (never a key, code or password). */
  readonly log: (line: string) => void;
}

/**
 * A refusal by the verifier as the dialog says it, with DanID's code after it; anything that is not
 * a refusal is thrown on (it becomes the "try again" page).
 */
export function refusalText(err: unknown, lang: Lang): string {
  if (!isVerifierError(err)) throw err;
  return `${errorText(err.code, err.factor, lang)} (${err.code})`;
}
