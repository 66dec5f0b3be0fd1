import type { RandomSource } from '@nemid-sim/server-verifier';

/** A transfer in the outbox (KC-7). Amounts in øre, so no rounding. */
export interface Transfer {
  readonly id: string;
  readonly regNo: string;
  readonly accountNo: string;
  readonly amountOre: number;
  readonly message: string;
}

export const MAX_PENDING = 20;
const MAX_ORE = 100_000_000;

/** The text the user sees and the key approves: the same string, so nothing else can be signed. */
export function transferText(t: Transfer): string {
  return `Reg. ${t.regNo} konto ${t.accountNo} · ${formatKroner(t.amountOre)} kr. · ${t.message}`;
}

/** Danish notation: 8.500,00. */
export function formatKroner(ore: number): string {
  const kroner = Math.floor(ore / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${kroner},${String(ore % 100).padStart(2, '0')}`;
}

/** "1234,50", "1234.5" or "1234" to øre; null unless above 0 and at most 1,000,000 kr. */
export function parseKroner(text: string): number | null {
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (m === null) return null;
  const ore = Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  return ore > 0 && ore <= MAX_ORE ? ore : null;
}

export interface TransferInput {
  readonly regNo: string;
  readonly accountNo: string;
  readonly amount: string;
  readonly message: string;
}

/** A transfer from the form, or null when a field breaks the rules the page states. */
export function parseTransfer(input: TransferInput): Omit<Transfer, 'id'> | null {
  const regNo = input.regNo.trim();
  const accountNo = input.accountNo.replace(/\s/g, '');
  const message = input.message.trim();
  const amountOre = parseKroner(input.amount);
  if (!/^\d{4}$/.test(regNo) || !/^\d{1,10}$/.test(accountNo) || amountOre === null) return null;
  if (message === '' || [...message].length > 40 || /\p{Cc}/u.test(message)) return null;
  return { regNo, accountNo: accountNo.padStart(10, '0'), amountOre, message };
}

const FIRST_BILLS: readonly Omit<Transfer, 'id'>[] = [
  { regNo: '1551', accountNo: '0003456789', amountOre: 850_000, message: 'Husleje december' },
  { regNo: '9570', accountNo: '0012345674', amountOre: 61_250, message: 'El, 4. kvartal' },
  { regNo: '5301', accountNo: '0000987654', amountOre: 19_900, message: 'Mobilabonnement' },
];

interface Book {
  pending: Transfer[];
  sent: Transfer[];
}

/**
 * Each customer's outbox, kept in memory for the demo (a bank keeps it in its own database). A
 * new customer finds three bills waiting, to approve together with one key.
 */
export class Outboxes {
  private readonly books = new Map<string, Book>();

  constructor(private readonly random: RandomSource) {}

  pending(userId: string): readonly Transfer[] {
    return this.book(userId).pending;
  }

  sent(userId: string): readonly Transfer[] {
    return this.book(userId).sent;
  }

  /** False when the outbox is full. */
  add(userId: string, transfer: Omit<Transfer, 'id'>): boolean {
    const book = this.book(userId);
    if (book.pending.length >= MAX_PENDING) return false;
    book.pending.push({ ...transfer, id: this.newId() });
    return true;
  }

  remove(userId: string, id: string): void {
    const book = this.book(userId);
    book.pending = book.pending.filter((t) => t.id !== id);
  }

  /** The approved transfers leave the outbox. */
  markSent(userId: string, ids: readonly string[]): Transfer[] {
    const book = this.book(userId);
    const sent = book.pending.filter((t) => ids.includes(t.id));
    book.pending = book.pending.filter((t) => !ids.includes(t.id));
    book.sent = [...sent, ...book.sent];
    return sent;
  }

  private book(userId: string): Book {
    let book = this.books.get(userId);
    if (book === undefined) {
      book = { pending: FIRST_BILLS.map((t) => ({ ...t, id: this.newId() })), sent: [] };
      this.books.set(userId, book);
    }
    return book;
  }

  private newId(): string {
    return Buffer.from(this.random(9)).toString('base64url');
  }
}
