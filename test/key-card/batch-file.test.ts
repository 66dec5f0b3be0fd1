import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BATCH_MAGIC,
  BatchFileError,
  createBatch,
  decryptBatch,
  encryptBatch,
  FileExistsError,
  parseKeyFile,
  readBatchFile,
  readKeyFile,
  writeBatchFile,
  writeNewKeyFile,
} from '@nemid-sim/key-card';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { describe, expect, it } from 'vitest';
import { CREATED, seededRandomBytes, tempDir, testBatch } from './helpers.js';

const KEY = seededRandomBytes('key')(32);
const OTHER_KEY = seededRandomBytes('other key')(32);

describe('batches', () => {
  it('have distinct valid card numbers, 32-byte secrets, a batch id and a creation time', () => {
    const batch = testBatch(200);
    expect(batch.cards).toHaveLength(200);
    expect(new Set(batch.cards.map((c) => c.serial)).size).toBe(200);
    expect(new Set(batch.cards.map((c) => Buffer.from(c.secret).toString('hex'))).size).toBe(200);
    for (const c of batch.cards) expect(c.secret).toHaveLength(32);
    expect(batch.batchId).toMatch(/^[0-9a-f]{32}$/);
    expect(batch.createdAt).toBe('2026-11-29T12:00:00.000Z');
  });

  it('come out the same from the same random source', () => {
    expect(testBatch(5, 'x')).toEqual(testBatch(5, 'x'));
    expect(testBatch(5, 'x')).not.toEqual(testBatch(5, 'y'));
  });

  it('refuse a count of 0, a fraction or too many', () => {
    const randomBytes = seededRandomBytes('n');
    for (const count of [0, -1, 1.5, 1e9]) {
      expect(() => createBatch({ count, randomBytes, now: CREATED })).toThrow(RangeError);
    }
  });

  it('redraw a card number that is already in the batch', () => {
    // A source that repeats its first 5-byte draw: the second card must not reuse the first number.
    const real = seededRandomBytes('dup');
    const first = real(5);
    let calls = 0;
    const randomBytes = (n: number) => (n === 5 && calls++ < 2 ? first : real(n));
    const batch = createBatch({ count: 2, randomBytes, now: CREATED });
    expect(batch.cards[0].serial).not.toBe(batch.cards[1].serial);
  });
});

describe('the encrypted secrets file', () => {
  const batch = testBatch(3);
  const sealed = encryptBatch(batch, KEY, seededRandomBytes('nonce'));

  it('round-trips a batch', () => {
    expect(decryptBatch(sealed, KEY)).toEqual(batch);
  });

  /** A secrets file with this JSON inside, sealed as encryptBatch seals one. */
  function sealJson(json: unknown): Uint8Array {
    const header = sealed.subarray(0, 12);
    const nonce = seededRandomBytes('json nonce')(24);
    const box = xchacha20poly1305(KEY, nonce, header).encrypt(new TextEncoder().encode(JSON.stringify(json)));
    return Uint8Array.from([...header, ...nonce, ...box]);
  }
  const cardsJson = batch.cards.map((c) => ({
    serial: c.serial,
    secret: Buffer.from(c.secret).toString('hex'),
  }));
  const oldFile = {
    format: 'nemid-sim key-card batch',
    version: 1,
    batchId: batch.batchId,
    createdAt: batch.createdAt,
    cards: cardsJson,
  };

  it('reads a file as written before the card-number register (no "numbers")', () => {
    const read = decryptBatch(sealJson(oldFile), KEY);
    expect(read).toEqual(batch);
    expect(read.numbers).toBeUndefined();
  });

  it('keeps the range of a numbered batch, and refuses a card outside it or a malformed range', () => {
    const numbered = createBatch({
      count: 3,
      randomBytes: seededRandomBytes('numbered'),
      now: CREATED,
      numbers: { registerId: 'a'.repeat(32), series: 'K', first: 10, last: 12 },
    });
    expect(numbered.cards.map((c) => c.serial)).toEqual(['K000-000-108', 'K000-000-116', 'K000-000-124']);
    expect(decryptBatch(encryptBatch(numbered, KEY, seededRandomBytes('n2')), KEY)).toEqual(numbered);
    const range = { registerId: 'a'.repeat(32), series: 'K', first: 10, last: 12 };
    expect(() => decryptBatch(sealJson({ ...oldFile, numbers: range }), KEY)).toThrow(
      /lies outside the batch's range/,
    );
    expect(() => decryptBatch(sealJson({ ...oldFile, numbers: { ...range, first: -1 } }), KEY)).toThrow(
      /contents are not valid/,
    );
  });

  it('starts with the magic, version 1 and the algorithm, and does not show secrets or serials', () => {
    expect([...sealed.subarray(0, 8)]).toEqual([...BATCH_MAGIC]);
    expect(sealed[8]).toBe(1);
    expect(sealed[9]).toBe(1);
    const text = Buffer.from(sealed).toString('latin1');
    expect(text).not.toContain(batch.cards[0].serial);
    expect(Buffer.from(sealed).toString('hex')).not.toContain(
      Buffer.from(batch.cards[0].secret).toString('hex'),
    );
  });

  it('is refused with a wrong key', () => {
    expect(() => decryptBatch(sealed, OTHER_KEY)).toThrow(BatchFileError);
    expect(() => decryptBatch(sealed, OTHER_KEY)).toThrow(/wrong key file, or the file was changed/);
  });

  it('is refused when any single byte is changed', () => {
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Uint8Array.from(sealed);
      tampered[i] ^= 0x01;
      expect(() => decryptBatch(tampered, KEY), `byte ${i}`).toThrow(BatchFileError);
    }
  });

  it('is refused when truncated, extended or not a secrets file', () => {
    expect(() => decryptBatch(sealed.subarray(0, sealed.length - 1), KEY)).toThrow(BatchFileError);
    expect(() => decryptBatch(new Uint8Array([...sealed, 0]), KEY)).toThrow(BatchFileError);
    expect(() => decryptBatch(new Uint8Array(0), KEY)).toThrow(/not a key-card secrets file/);
    expect(() =>
      decryptBatch(new TextEncoder().encode('%PDF-1.4 hello world, this is long enough'), KEY),
    ).toThrow(/not a key-card secrets file/);
  });

  it('names an unsupported version', () => {
    const v2 = Uint8Array.from(sealed);
    v2[8] = 2;
    expect(() => decryptBatch(v2, KEY)).toThrow(/version 2 is not supported/);
  });

  it('uses a fresh nonce each time, so two files of one batch differ', () => {
    const again = encryptBatch(batch, KEY, seededRandomBytes('another nonce'));
    expect(Buffer.from(again).equals(Buffer.from(sealed))).toBe(false);
    expect(decryptBatch(again, KEY)).toEqual(batch);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => encryptBatch(batch, KEY.subarray(0, 16), seededRandomBytes('n'))).toThrow(/32 bytes/);
    expect(() => decryptBatch(sealed, new Uint8Array(31))).toThrow(/32 bytes/);
  });
});

describe('files', () => {
  it('key files are 64 hex digits, mode 0600, and are not overwritten without asking', async () => {
    const dir = tempDir('nemid-kc-');
    const path = join(dir, 'batch.key');
    await writeNewKeyFile(path, seededRandomBytes('k1'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^[0-9a-f]{64}\n$/);
    expect(await readKeyFile(path)).toEqual(parseKeyFile(text));
    await expect(writeNewKeyFile(path, seededRandomBytes('k2'))).rejects.toThrow(FileExistsError);
    expect(readFileSync(path, 'utf8')).toBe(text);
    await writeNewKeyFile(path, seededRandomBytes('k2'), true);
    expect(readFileSync(path, 'utf8')).not.toBe(text);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a key file with anything but 64 hex digits is refused without echoing it', async () => {
    const dir = tempDir('nemid-kc-');
    const path = join(dir, 'bad.key');
    writeFileSync(path, 'secret-looking-text-that-must-not-be-printed\n');
    const err = await readKeyFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(String(err)).not.toContain('secret-looking');
    expect(() => parseKeyFile('ab'.repeat(31))).toThrow(RangeError);
  });

  it('batch files round-trip, are mode 0600, and leave no temporary files', async () => {
    const dir = tempDir('nemid-kc-');
    const path = join(dir, 'batch.nemid');
    const batch = testBatch(4);
    await writeBatchFile(path, batch, KEY, seededRandomBytes('n'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await readBatchFile(path, KEY)).toEqual(batch);
    await expect(readBatchFile(path, OTHER_KEY)).rejects.toThrow(BatchFileError);
    await expect(writeBatchFile(path, testBatch(1, 'z'), KEY, seededRandomBytes('n'))).rejects.toThrow(
      /already exists/,
    );
    expect(await readBatchFile(path, KEY)).toEqual(batch);
    expect(readdirSync(dir)).toEqual(['batch.nemid']);
  });
});
