import { type ErrorCode, VerifierError } from './errors.js';
import type { CardRecord, TokenRecord } from './store/records.js';
import type { VerifierEvent } from './views.js';

/** What the domain decided about the key or code typed for a challenge. */
export interface FactorVerdict {
  /** Null: accepted. */
  readonly error: VerifierError | null;
  /** The card or token row as the answer leaves it (absent: unchanged). */
  readonly card?: CardRecord;
  readonly token?: TokenRecord;
  readonly events: readonly VerifierEvent[];
  /** KC-3: the card ran out with this answer; the verifier names the next card in the handover. */
  readonly exhausted?: CardRecord;
  /** AUTH011: the answer is a resync candidate; a new challenge asks for the device's next code. */
  readonly resync?: boolean;
  /** T-7: this answer activated the key display. */
  readonly activated?: boolean;
}

export function refused(
  code: ErrorCode,
  factor: 'card' | 'token',
  changed: Pick<FactorVerdict, 'card' | 'token' | 'events'> = { events: [] },
): FactorVerdict {
  return { ...changed, error: new VerifierError(code, undefined, { factor }) };
}
