import { randomBytes } from 'node:crypto';
import { createWriteStream, unlinkSync, type WriteStream } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options for writing a file so that a failure never leaves a half-written or clobbered file. */
export interface AtomicWriteOptions {
  /** Permission bits of the new file (0o600 for key files). */
  mode?: number;
  /** Replace an existing file; without it an existing file is an error and is left untouched. */
  overwrite?: boolean;
}

function tempPathFor(path: string): string {
  // The temporary name only has to be unique in the directory; it is not a secret.
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * The temporary file is made beside the target, so a missing folder shows up as a missing
 * temporary file: report the folder the user named instead of a file name they never gave.
 */
export function missingFolder(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new RangeError(`no such folder: ${dirname(path)}`);
  if (code === 'ENOTDIR') return new RangeError(`not a folder: ${dirname(path)}`);
  return err;
}

/** Thrown when the target exists and overwriting was not asked for. */
export class FileExistsError extends RangeError {
  override readonly name = 'FileExistsError';
  constructor(readonly path: string) {
    super(`${path} already exists (use --force to replace it)`);
  }
}

/**
 * Moves a finished temporary file into place: rename when replacing is allowed, otherwise a hard
 * link, which fails if the target appeared meanwhile, so an existing file is never replaced.
 */
async function commit(temp: string, path: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temp, path);
    return;
  }
  try {
    await link(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError(path);
    throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Writes `data` to `path` through a temporary file in the same directory and an atomic rename. */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
) {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx', options.mode ?? 0o644).catch((err: unknown) => {
    throw missingFolder(err, path);
  });
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  try {
    await commit(temp, path, options.overwrite ?? false);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/**
 * Opens a stream to a temporary file beside `path`. Call `commit()` after the last byte has been
 * written (it waits for the stream to finish) or `abort()` on failure; the target only ever holds a
 * complete file.
 */
export interface AtomicStream {
  stream: WriteStream;
  commit(): Promise<void>;
  abort(): Promise<void>;
  /** Like abort, but at once: for a signal handler that is about to exit the process. */
  abortNow(): void;
}

export async function openAtomicStream(
  path: string,
  options: AtomicWriteOptions = {},
): Promise<AtomicStream> {
  const temp = tempPathFor(path);
  if (!(options.overwrite ?? false)) {
    // Fail before doing any work when the target is already there (commit checks again).
    const probe = await open(path, 'r').catch(() => undefined);
    if (probe) {
      await probe.close();
      throw new FileExistsError(path);
    }
  }
  const stream = createWriteStream(temp, { flags: 'wx', mode: options.mode ?? 0o644 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(missingFolder(err, path)));
  });
  const finished = new Promise<void>((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', reject);
  });
  finished.catch(() => undefined);
  return {
    stream,
    async commit() {
      if (!stream.writableEnded) stream.end();
      await finished;
      await new Promise<void>((resolve) => (stream.closed ? resolve() : stream.once('close', resolve)));
      try {
        await commit(temp, path, options.overwrite ?? false);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
      }
    },
    abortNow() {
      stream.destroy();
      try {
        unlinkSync(temp);
      } catch {
        // Already gone.
      }
    },
    async abort() {
      stream.destroy();
      await new Promise<void>((resolve) => (stream.closed ? resolve() : stream.once('close', resolve)));
      await unlink(temp).catch(() => undefined);
    },
  };
}
