import type { RandomBytes } from '@nemid-sim/key-card';
import type { Clock, VerifierEvent } from '@nemid-sim/server-verifier';
import type { BankNemId } from './bank-nemid.js';
import { type PrintedCard, printCard } from './card-printer.js';

/**
 * The bank's card desk: when the verifier says a card is ordered (KC-5, self-service) or running
 * out (KC-3, 20 keys left), a new card is printed into the data folder and issued to the user.
 * The verifier's events are fire-and-forget, so each print is kept as a promise the page that
 * ordered the card can wait for.
 */
export class CardDesk {
  private bank: BankNemId | null = null;
  private readonly latest = new Map<string, Promise<PrintedCard | Error>>();

  constructor(
    private readonly cardsDir: string,
    private readonly clock: Clock,
    private readonly randomBytes: RandomBytes,
    private readonly log: (line: string) => void,
  ) {}

  /** The verifier is made with `onEvent` pointing here, so the bank is handed over afterwards. */
  attach(bank: BankNemId): void {
    this.bank = bank;
  }

  readonly onEvent = (event: VerifierEvent): void => {
    if (event.type !== 'card-ordered' && event.type !== 'card-reorder') return;
    const printed = this.print(event.userId).catch((err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      this.log(`could not print a new card: ${error.message}`);
      return error;
    });
    this.latest.set(event.userId, printed);
  };

  /** The card printed on the user's last order, once it is issued (an Error if that failed). */
  lastOrder(userId: string): Promise<PrintedCard | Error> | undefined {
    return this.latest.get(userId);
  }

  private async print(userId: string): Promise<PrintedCard> {
    if (this.bank === null) throw new Error('the card desk is not attached to the bank');
    const card = await printCard(this.cardsDir, new Date(this.clock()), this.randomBytes);
    await this.bank.issueCard(userId, card);
    return card;
  }
}
