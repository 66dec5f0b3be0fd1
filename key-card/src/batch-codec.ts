import { bytesToHex, hexToBytes } from '@nemid-sim/core';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import {
  type Batch,
  type BatchNumbers,
  CARD_SECRET_BYTES,
  type CardRecord,
  MAX_BATCH_CARDS,
  type RandomBytes,
} from './batch.js';
import { isValidSerial, MAX_SEQUENCE, parseSerial, SERIAL_LETTERS, sequenceOf } from './serial.js';

/**
 * The encrypted secrets file (docs/secrets-file-format.md):
 *   magic "NEMIDKC\0" (8 bytes) | version 0x01 | algorithm 0x01 = XChaCha20-Poly1305 | 2 bytes zero |
 *   nonce (24 bytes) | ciphertext of the JSON batch | Poly1305 tag (16 bytes)
 * The 12 header bytes are the associated data, so a changed version or algorithm byte fails the tag.
 */
export const BATCH_MAGIC = new Uint8Array([0x4e, 0x45, 0x4d, 0x49, 0x44, 0x4b, 0x43, 0x00]);
export const BATCH_FORMAT_VERSION = 1;
export const ALGORITHM_XCHACHA20_POLY1305 = 1;
const HEADER_BYTES = 12;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
export const BATCH_KEY_BYTES = 32;

/** A secrets file that cannot be read: wrong key, changed bytes, or not a secrets file at all. */
export class BatchFileError extends RangeError {
  override readonly name = 'BatchFileError';
}

interface BatchJson {
  format: 'nemid-sim key-card batch';
  version: 1;
  batchId: string;
  createdAt: string;
  cards: { serial: string; secret: string }[];
  /** Since the card-number register; absent in batches of random numbers and older files. */
  numbers?: BatchNumbers;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== BATCH_KEY_BYTES) {
    throw new RangeError(`the batch key must be ${BATCH_KEY_BYTES} bytes (64 hex digits)`);
  }
}

function header(): Uint8Array {
  const h = new Uint8Array(HEADER_BYTES);
  h.set(BATCH_MAGIC, 0);
  h[8] = BATCH_FORMAT_VERSION;
  h[9] = ALGORITHM_XCHACHA20_POLY1305;
  return h;
}

/** Encrypts a batch under `key`; the nonce is drawn from `randomBytes`. */
export function encryptBatch(batch: Batch, key: Uint8Array, randomBytes: RandomBytes): Uint8Array {
  checkKey(key);
  validateBatch(batch);
  const json: BatchJson = {
    format: 'nemid-sim key-card batch',
    version: 1,
    batchId: batch.batchId,
    createdAt: batch.createdAt,
    cards: batch.cards.map((c) => ({ serial: c.serial, secret: bytesToHex(c.secret) })),
  };
  if (batch.numbers !== undefined) {
    const { registerId, series, first, last } = batch.numbers;
    json.numbers = { registerId, series, first, last };
  }
  const plaintext = new TextEncoder().encode(JSON.stringify(json));
  const nonce = randomBytes(NONCE_BYTES);
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) {
    throw new TypeError(`randomBytes(${NONCE_BYTES}) must return ${NONCE_BYTES} bytes`);
  }
  const h = header();
  const sealed = xchacha20poly1305(key, nonce, h).encrypt(plaintext);
  plaintext.fill(0);
  const out = new Uint8Array(HEADER_BYTES + NONCE_BYTES + sealed.length);
  out.set(h, 0);
  out.set(nonce, HEADER_BYTES);
  out.set(sealed, HEADER_BYTES + NONCE_BYTES);
  return out;
}

/**
 * Decrypts and checks a secrets file. Any wrong key or changed byte is refused with BatchFileError;
 * no card is ever returned from a file that failed authentication.
 */
export function decryptBatch(bytes: Uint8Array, key: Uint8Array): Batch {
  checkKey(key);
  if (bytes.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES || !startsWithMagic(bytes)) {
    throw new BatchFileError('not a key-card secrets file');
  }
  if (bytes[8] !== BATCH_FORMAT_VERSION) {
    throw new BatchFileError(`secrets file format version ${bytes[8]} is not supported (this is version 1)`);
  }
  if (bytes[9] !== ALGORITHM_XCHACHA20_POLY1305 || bytes[10] !== 0 || bytes[11] !== 0) {
    throw new BatchFileError('secrets file has an unknown encryption algorithm');
  }
  const h = bytes.subarray(0, HEADER_BYTES);
  const nonce = bytes.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(key, nonce, h).decrypt(bytes.subarray(HEADER_BYTES + NONCE_BYTES));
  } catch {
    throw new BatchFileError('the secrets file cannot be opened: wrong key file, or the file was changed');
  }
  try {
    return fromJson(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } finally {
    plaintext.fill(0);
  }
}

function startsWithMagic(bytes: Uint8Array): boolean {
  for (let i = 0; i < BATCH_MAGIC.length; i++) if (bytes[i] !== BATCH_MAGIC[i]) return false;
  return true;
}

// Authenticated contents were written by encryptBatch, but a file made by another tool with the same
// key must still not crash us or yield half-formed cards.
function fromJson(text: string): Batch {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BatchFileError('the secrets file contents are not valid');
  }
  if (!isBatchJson(data)) throw new BatchFileError('the secrets file contents are not valid');
  const cards: CardRecord[] = data.cards.map((c) => ({ serial: c.serial, secret: hexToBytes(c.secret) }));
  const batch: Batch = { batchId: data.batchId, createdAt: data.createdAt, cards };
  if (data.numbers !== undefined) batch.numbers = data.numbers;
  validateBatch(batch);
  return batch;
}

function isBatchJson(data: unknown): data is BatchJson {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return (
    d.format === 'nemid-sim key-card batch' &&
    d.version === 1 &&
    typeof d.batchId === 'string' &&
    typeof d.createdAt === 'string' &&
    Array.isArray(d.cards) &&
    d.cards.every(
      (c: unknown) =>
        typeof c === 'object' &&
        c !== null &&
        typeof (c as Record<string, unknown>).serial === 'string' &&
        typeof (c as Record<string, unknown>).secret === 'string' &&
        /^[0-9a-f]{64}$/.test((c as Record<string, string>).secret),
    ) &&
    (d.numbers === undefined || isNumbers(d.numbers))
  );
}

function isNumbers(v: unknown): v is BatchNumbers {
  if (typeof v !== 'object' || v === null) return false;
  const n = v as Record<string, unknown>;
  return (
    typeof n.registerId === 'string' &&
    /^[0-9a-f]{32}$/.test(n.registerId) &&
    typeof n.series === 'string' &&
    n.series.length === 1 &&
    SERIAL_LETTERS.includes(n.series) &&
    Number.isInteger(n.first) &&
    Number.isInteger(n.last) &&
    (n.first as number) >= 0 &&
    (n.first as number) <= (n.last as number) &&
    (n.last as number) <= MAX_SEQUENCE
  );
}

/** Throws BatchFileError unless the batch is one this package would write. */
export function validateBatch(batch: Batch): void {
  if (!/^[0-9a-f]{32}$/.test(batch.batchId)) throw new BatchFileError('batch id must be 32 hex digits');
  if (Number.isNaN(Date.parse(batch.createdAt)))
    throw new BatchFileError('batch creation time is not a date');
  if (batch.cards.length < 1 || batch.cards.length > MAX_BATCH_CARDS) {
    throw new BatchFileError(`a batch holds 1 to ${MAX_BATCH_CARDS} cards`);
  }
  const seen = new Set<string>();
  for (const card of batch.cards) {
    if (!isValidSerial(card.serial) || parseSerial(card.serial) !== card.serial) {
      throw new BatchFileError('a card in the batch has an invalid card number');
    }
    if (seen.has(card.serial)) throw new BatchFileError(`card ${card.serial} appears twice in the batch`);
    seen.add(card.serial);
    const range = batch.numbers;
    if (range !== undefined) {
      const n = sequenceOf(card.serial);
      if (card.serial[0] !== range.series || n < range.first || n > range.last) {
        throw new BatchFileError(`card ${card.serial} lies outside the batch's range of card numbers`);
      }
    }
    if (card.secret.length !== CARD_SECRET_BYTES) {
      throw new BatchFileError(`card ${card.serial} does not have a ${CARD_SECRET_BYTES}-byte secret`);
    }
  }
}
