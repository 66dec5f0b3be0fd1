import { readFile } from 'node:fs/promises';
import { bytesToHex, hexToBytes } from '@nemid-sim/core';
import { writeFileAtomic } from './atomic-file.js';
import type { Batch, RandomBytes } from './batch.js';
import { BATCH_KEY_BYTES, decryptBatch, encryptBatch } from './batch-codec.js';

/** The text of a key file: the 32-byte key as 64 hex digits and a newline. */
export function formatKeyFile(key: Uint8Array): string {
  if (key.length !== BATCH_KEY_BYTES) throw new RangeError(`a batch key is ${BATCH_KEY_BYTES} bytes`);
  return `${bytesToHex(key)}\n`;
}

/** Reads a key file's text; the error never shows the file's contents, which are a secret. */
export function parseKeyFile(text: string): Uint8Array {
  const clean = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(clean)) {
    throw new RangeError(`a key file holds exactly ${BATCH_KEY_BYTES} bytes as 64 hex digits`);
  }
  return hexToBytes(clean);
}

/** Makes a new batch key and writes it with mode 0600; refuses to replace a file unless `overwrite`. */
export async function writeNewKeyFile(
  path: string,
  randomBytes: RandomBytes,
  overwrite = false,
): Promise<void> {
  const key = randomBytes(BATCH_KEY_BYTES);
  if (!(key instanceof Uint8Array) || key.length !== BATCH_KEY_BYTES) {
    throw new TypeError(`randomBytes(${BATCH_KEY_BYTES}) must return ${BATCH_KEY_BYTES} bytes`);
  }
  await writeFileAtomic(path, formatKeyFile(key), { mode: 0o600, overwrite });
}

/** Reads an input file; a folder given where a file belongs is named as such (node does not say which). */
async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EISDIR')
      throw new RangeError(`${path} is a folder, not ${what}`);
    throw err;
  }
}

export async function readKeyFile(path: string): Promise<Uint8Array> {
  const text = (await readInput(path, 'a key file')).toString('utf8');
  try {
    return parseKeyFile(text);
  } catch {
    throw new RangeError(
      `${path} is not a key file (it must hold 64 hex digits; make one with nemid keygen)`,
    );
  }
}

/** Encrypts a batch and writes it atomically, mode 0600. */
export async function writeBatchFile(
  path: string,
  batch: Batch,
  key: Uint8Array,
  randomBytes: RandomBytes,
  overwrite = false,
): Promise<void> {
  await writeFileAtomic(path, encryptBatch(batch, key, randomBytes), { mode: 0o600, overwrite });
}

/** Reads and decrypts a secrets file; see decryptBatch for the errors. */
export async function readBatchFile(path: string, key: Uint8Array): Promise<Batch> {
  const bytes = await readInput(path, 'a secrets file');
  return decryptBatch(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), key);
}
