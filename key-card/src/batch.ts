import { type NumberRange, randomId, serialsIn } from './register.js';
import { randomSerial } from './serial.js';

/** A source of cryptographically random bytes (node:crypto's randomBytes in the CLI). */
export type RandomBytes = (n: number) => Uint8Array;

/** A card is its number and its secret; everything printed on it is derived from the secret. */
export interface CardRecord {
  serial: string;
  secret: Uint8Array;
}

/** The range of card numbers a register gave a batch (docs/card-numbers.md). */
export interface BatchNumbers extends NumberRange {
  /** The register that gave them out. */
  readonly registerId: string;
}

/** A batch of cards as it is written to, and read back from, an encrypted secrets file. */
export interface Batch {
  /** 32 lowercase hex digits, random. */
  batchId: string;
  /** When the batch was made, ISO 8601 in UTC. */
  createdAt: string;
  cards: CardRecord[];
  /** Where its card numbers came from; absent for numbers drawn at random (and older batches). */
  numbers?: BatchNumbers;
}

export const CARD_SECRET_BYTES = 32;
/** One batch is one file held in memory; larger runs are split into several batches. */
export const MAX_BATCH_CARDS = 100_000;

export interface NewBatchOptions {
  count: number;
  randomBytes: RandomBytes;
  /** The moment the batch is made. */
  now: Date;
  /** Give every card this series letter instead of a random one (random numbers only). */
  series?: string;
  /** Take the card numbers from this range, given out by a register for `batchId`, in order. */
  numbers?: BatchNumbers;
  /** The batch id the register recorded (default: a new random one). */
  batchId?: string;
}

/**
 * Makes `count` new cards with fresh 32-byte secrets: numbered from a register's range when
 * `numbers` is given (unique across the register's batches), else drawn at random (unique within
 * this batch only).
 */
export function createBatch(options: NewBatchOptions): Batch {
  const { count, randomBytes, numbers } = options;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_BATCH_CARDS)) {
    throw new RangeError(`the number of cards must be from 1 to ${MAX_BATCH_CARDS}`);
  }
  if (Number.isNaN(options.now.getTime())) throw new RangeError('the creation time is not a valid date');
  const given = numbers === undefined ? undefined : serialsIn(numbers);
  if (given !== undefined && given.length !== count) {
    throw new RangeError(`the range holds ${given.length} card numbers, not ${count}`);
  }
  const seen = new Set<string>();
  const cards: CardRecord[] = [];
  while (cards.length < count) {
    const serial = given === undefined ? randomSerial(randomBytes, options.series) : given[cards.length];
    if (seen.has(serial)) continue;
    seen.add(serial);
    cards.push({ serial, secret: copyBytes(randomBytes(CARD_SECRET_BYTES), CARD_SECRET_BYTES) });
  }
  const batch: Batch = {
    batchId: options.batchId ?? randomId(randomBytes),
    createdAt: options.now.toISOString(),
    cards,
  };
  if (numbers !== undefined) batch.numbers = { ...numbers };
  return batch;
}

function copyBytes(bytes: Uint8Array, n: number): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
    throw new TypeError(`randomBytes(${n}) must return ${n} bytes`);
  }
  return Uint8Array.from(bytes);
}

/** The card with this number, or a RangeError naming the number (never the secret). */
export function findCard(batch: Batch, serial: string): CardRecord {
  const card = batch.cards.find((c) => c.serial === serial);
  if (!card) throw new RangeError(`card ${serial} is not in batch ${batch.batchId}`);
  return card;
}
