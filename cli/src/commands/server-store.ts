import { readKeyFile } from '@nemid-sim/key-card';
import type { Store, Verifier } from '@nemid-sim/server-verifier';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';

/**
 * Opening the verifier's database for the `nemid server` commands. The verifier and the one
 * database driver a command uses are loaded only when a server command runs, so the other `nemid`
 * commands start as fast as before. Only `server init` creates a database: every other command
 * refuses a missing or foreign one, and a master key that is not the database's.
 */
const verifierPackage = () => import('@nemid-sim/server-verifier');

export interface StoreOpts {
  db?: string;
  pg?: string;
  pgSchema?: string;
  durability?: 'full' | 'relaxed';
}

export interface VerifierOpts extends StoreOpts {
  masterKeyFile: string;
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'the SQLite database file (made by `nemid server init`)')
    .option(
      '--pg <url>',
      'a PostgreSQL database, postgres://user@host:port/db (the password may come from PGPASSWORD)',
    )
    .option('--pg-schema <name>', 'PostgreSQL: the schema for the tables (default: public)')
    .addOption(
      new Option(
        '--durability <mode>',
        'full: every commit reaches the disk before a call returns; relaxed: SQLite synchronous=NORMAL, ' +
          'PostgreSQL synchronous_commit=off (much faster on slow disks; a power cut or database crash may ' +
          'lose the last commits)',
      )
        .choices(['full', 'relaxed'])
        .default('full'),
    );
}

export function addVerifierOptions(cmd: Command): Command {
  return addStoreOptions(cmd).requiredOption(
    '--master-key-file <file>',
    'the 32-byte master key (64 hex digits; make one with `nemid keygen`) that encrypts card and token secrets',
  );
}

/** Exactly one of --db and --pg. */
function checkStoreOptions(opts: StoreOpts): void {
  if ((opts.db === undefined) === (opts.pg === undefined)) {
    throw new UsageError('give exactly one of --db FILE (SQLite) or --pg URL (PostgreSQL)');
  }
  if (opts.pg === undefined && opts.pgSchema !== undefined) throw new UsageError('--pg-schema needs --pg');
}

/** Opens the store; only `server init` creates one (a mistyped path or schema is refused). */
export async function openStore(opts: StoreOpts, create = false): Promise<Store> {
  checkStoreOptions(opts);
  try {
    const relaxed = opts.durability === 'relaxed';
    if (opts.db !== undefined) {
      const { openSqliteStore } = await import('@nemid-sim/server-verifier/sqlite');
      return openSqliteStore(opts.db, { create, durability: relaxed ? 'normal' : 'full' });
    }
    const { openPostgresStore } = await import('@nemid-sim/server-verifier/postgres');
    return await openPostgresStore({
      connectionString: opts.pg as string,
      schema: opts.pgSchema,
      create,
      durability: relaxed ? 'relaxed' : 'full',
    });
  } catch (err) {
    if (err instanceof RangeError) throw err;
    // The messages name the file or the URL without its password.
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

async function readMasterKey(file: string): Promise<Uint8Array> {
  try {
    return await readKeyFile(file);
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`--master-key-file: ${err.message}`);
    throw err;
  }
}

/** Runs `fn` with a verifier on the chosen store, and closes the store afterwards. */
export async function withVerifier<T>(opts: VerifierOpts, fn: (v: Verifier) => Promise<T>): Promise<T> {
  checkStoreOptions(opts);
  const masterKey = await readMasterKey(opts.masterKeyFile);
  const { createVerifier, isVerifierError } = await verifierPackage();
  const store = await openStore(opts);
  try {
    const verifier = createVerifier({ store, masterKey });
    try {
      await verifier.checkMasterKey();
    } catch (err) {
      if (isVerifierError(err, 'WRONG_MASTER_KEY')) {
        throw new UsageError(`${opts.masterKeyFile} is not the master key of this database`);
      }
      throw err;
    }
    return await fn(verifier);
  } finally {
    await store.close();
  }
}

/** A user named by NemID number, CPR number or alias (as at log-on), or by the internal user id. */
export async function resolveUser(verifier: Verifier, text: string): Promise<string> {
  const found = await verifier.findUser(text);
  if (found !== null) return found.userId;
  const byId = await verifier.getUser(text).catch(() => null);
  if (byId !== null) return byId.userId;
  throw new UsageError(`no user with the id ${text}`);
}

export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}
