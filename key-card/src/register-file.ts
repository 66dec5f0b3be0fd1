import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { FileExistsError, missingFolder, writeFileAtomic } from './atomic-file.js';
import {
  type IssuedRange,
  type NumberRange,
  REGISTER_FORMAT,
  REGISTER_VERSION,
  type Register,
  RegisterError,
  validateRegister,
} from './register.js';

/** The register as its file holds it: JSON, a format name and version first (docs/card-numbers.md). */
export function formatRegister(register: Register): string {
  validateRegister(register);
  const range = (r: NumberRange) => ({ series: r.series, first: r.first, last: r.last });
  const json = {
    format: REGISTER_FORMAT,
    version: REGISTER_VERSION,
    registerId: register.registerId,
    createdAt: register.createdAt,
    blocks: register.blocks.map(range),
    issued: register.issued.map((r: IssuedRange) => ({
      ...range(r),
      cards: r.cards,
      to: r.to,
      id: r.id,
      at: r.at,
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Reads a register file's text; anything but a consistent register is a RegisterError. */
export function parseRegister(text: string): Register {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new RegisterError('not a card-number register (not JSON)');
  }
  const d = data as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null || d.format !== REGISTER_FORMAT) {
    throw new RegisterError('not a card-number register');
  }
  if (d.version !== REGISTER_VERSION) {
    throw new RegisterError(
      `register format version ${String(d.version)} is not supported (this is version 1)`,
    );
  }
  if (typeof d.registerId !== 'string' || typeof d.createdAt !== 'string') {
    throw new RegisterError('the register has no id or creation time');
  }
  if (!Array.isArray(d.blocks) || !Array.isArray(d.issued)) {
    throw new RegisterError('the register has no list of blocks or of ranges given out');
  }
  const register: Register = {
    registerId: d.registerId,
    createdAt: d.createdAt,
    blocks: d.blocks.map(rangeFrom),
    issued: d.issued.map(issuedFrom),
  };
  validateRegister(register);
  return register;
}

function fields(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null)
    throw new RegisterError('a range in the register is not an object');
  return v as Record<string, unknown>;
}

function rangeFrom(v: unknown): NumberRange {
  const o = fields(v);
  if (typeof o.series !== 'string' || typeof o.first !== 'number' || typeof o.last !== 'number') {
    throw new RegisterError('a range in the register needs a series letter and first and last numbers');
  }
  return { series: o.series, first: o.first, last: o.last };
}

function issuedFrom(v: unknown): IssuedRange {
  const o = fields(v);
  if (
    typeof o.cards !== 'number' ||
    (o.to !== 'batch' && o.to !== 'register') ||
    typeof o.id !== 'string' ||
    typeof o.at !== 'string'
  ) {
    throw new RegisterError(
      'a range given out needs its number of cards, a recipient (batch or register), an id and a time',
    );
  }
  return { ...rangeFrom(o), cards: o.cards, to: o.to, id: o.id, at: o.at };
}

export async function readRegisterFile(path: string): Promise<Register> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new RangeError(
        `no such register: ${path} (make one with: nemid card register new --out ${path} --series K)`,
      );
    }
    if (code === 'EISDIR') throw new RangeError(`${path} is a folder, not a register`);
    throw err;
  }
  try {
    return parseRegister(text);
  } catch (err) {
    if (err instanceof RegisterError) throw new RegisterError(`${path}: ${err.message}`);
    throw err;
  }
}

/** Writes a new register (mode 0600). An existing register is never replaced: its ranges would be given out again. */
export async function writeNewRegisterFile(path: string, register: Register): Promise<void> {
  await writeFileAtomic(path, formatRegister(register), { mode: 0o600 }).catch((err: unknown) => {
    if (err instanceof FileExistsError) {
      throw new RegisterError(
        `${path} already exists (a register is never replaced: its numbers would be given out again)`,
      );
    }
    throw err;
  });
}

/**
 * Changes a register under a lock: `path.lock` is created exclusively (a second run at the same time
 * is refused, not queued), the register is read, changed and written back atomically, and the lock
 * is removed. A run that crashed in between leaves the lock: the message says so.
 */
export async function updateRegisterFile<T>(
  path: string,
  change: (register: Register) => { register: Register; result: T },
): Promise<T> {
  const lock = `${path}.lock`;
  const handle = await open(lock, 'wx', 0o600).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new RegisterError(
        `the register ${path} is in use by another run (${lock} exists); if no run is using it, delete ${lock}`,
      );
    }
    throw missingFolder(err, path);
  });
  try {
    await handle.writeFile(
      `${JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() })}\n`,
    );
    await handle.close();
    const { register, result } = change(await readRegisterFile(path));
    await writeFileAtomic(path, formatRegister(register), { mode: 0o600, overwrite: true });
    return result;
  } finally {
    await handle.close().catch(() => undefined);
    await unlink(lock).catch(() => undefined);
  }
}
