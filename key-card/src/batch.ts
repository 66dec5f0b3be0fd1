import { randomSerial } from './serial.js';

/** A source of cryptographically random bytes (node:crypto's randomBytes in the CLI). */
export type RandomBytes = (n: number) => Uint8Array;

/** A card is its number and its secret; everything printed on it is derived from the secret. */
export interface CardRecord {
  serial: string;
  secret: Uint8Array;
}

/** A batch of cards as it is written to, and read back from, an encrypted secrets file. */
export interface Batch {
  /** 32 lowercase hex digits, random. */
  batchId: string;
  /** When the batch was made, ISO 8601 in UTC. */
  createdAt: string;
  cards: CardRecord[];
}

export const CARD_SECRET_BYTES = 32;
/** One batch is one file held in memory; larger runs are split into several batches. */
export const MAX_BATCH_CARDS = 100_000;

export interface NewBatchOptions {
  count: number;
  randomBytes: RandomBytes;
  /** The moment the batch is made. */
  now: Date;
  /** Give every card this series letter instead of a random one. */
  series?: string;
}

/** Makes `count` new cards with distinct numbers and fresh 32-byte secrets. */
export function createBatch(options: NewBatchOptions): Batch {
  const { count, randomBytes } = options;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_BATCH_CARDS)) {
    throw new RangeError(`the number of cards must be from 1 to ${MAX_BATCH_CARDS}`);
  }
  if (Number.isNaN(options.now.getTime())) throw new RangeError('the creation time is not a valid date');
  const seen = new Set<string>();
  const cards: CardRecord[] = [];
  while (cards.length < count) {
    const serial = randomSerial(randomBytes, options.series);
    if (seen.has(serial)) continue;
    seen.add(serial);
    cards.push({ serial, secret: copyBytes(randomBytes(CARD_SECRET_BYTES), CARD_SECRET_BYTES) });
  }
  return { batchId: toHex(copyBytes(randomBytes(16), 16)), createdAt: options.now.toISOString(), cards };
}

function copyBytes(bytes: Uint8Array, n: number): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
    throw new TypeError(`randomBytes(${n}) must return ${n} bytes`);
  }
  return Uint8Array.from(bytes);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The card with this number, or a RangeError naming the number (never the secret). */
export function findCard(batch: Batch, serial: string): CardRecord {
  const card = batch.cards.find((c) => c.serial === serial);
  if (!card) throw new RangeError(`card ${serial} is not in batch ${batch.batchId}`);
  return card;
}
