import { readKeyFile } from '@nemid-sim/key-card';
import type { Store, UserView, Verifier } from '@nemid-sim/server-verifier';
import { type Command, Option } from 'commander';
import { UnavailableError, UsageError } from '../errors.js';

/**
 * Opening the verifier's database for the `nemid server` commands. The verifier and the one
 * database driver a command uses are loaded only when a server command runs, so the other `nemid`
 * commands start as fast as before. Only `server init` creates a database and gives it its master
 * key: every other command refuses a missing or foreign database, a schema of another version, and
 * a master key that is not the database's, with one line and exit code 2.
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
    'the 32-byte master key (64 hex digits) that encrypts card and token secrets: the one `nemid server ' +
      'init` gave the database',
  );
}

/** The options of a command that names a user with --user. */
export type UserOpts = VerifierOpts & { user: string };

/** --user, the way every command names a user. */
export function addUserOption(cmd: Command): Command {
  return cmd.requiredOption(
    '--user <id>',
    'the user: NemID number, CPR number, self-chosen user id (alias) or internal user id',
  );
}

/** Exactly one of --db and --pg. */
function checkStoreOptions(opts: StoreOpts): void {
  if ((opts.db === undefined) === (opts.pg === undefined)) {
    throw new UsageError('give exactly one of --db FILE (SQLite) or --pg URL (PostgreSQL)');
  }
  if (opts.pg === undefined && opts.pgSchema !== undefined) throw new UsageError('--pg-schema needs --pg');
}

/** The database as messages name it. */
export function storeName(opts: StoreOpts): string {
  return opts.db ?? `PostgreSQL schema ${opts.pgSchema ?? 'public'}`;
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
    throw await openError(err, opts);
  }
}

const NOT_SQLITE = /^SQLITE_(NOTADB|CORRUPT)/;

/**
 * A failure to open, as the operator sees it. A database that cannot be reached or opened at all
 * is a problem with the command or the set-up (exit 2); one busy beyond its timeout is UNAVAILABLE.
 */
async function openError(err: unknown, opts: StoreOpts): Promise<Error> {
  if (err instanceof RangeError) return err;
  const { isVerifierError } = await verifierPackage();
  if (isVerifierError(err, 'UNAVAILABLE')) {
    const code = (err.cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && NOT_SQLITE.test(code)) {
      return new UsageError(`${opts.db} is not a verifier database (not SQLite, or damaged)`, { cause: err });
    }
    return operatorError(err);
  }
  // The messages name the file, or the URL without its password.
  return new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
}

/**
 * A refusal of the verifier, as the operator sees it: bad input, something not found or in the
 * way, a wrong key, a log-on refusal: exit 2 with the error's one sentence; a database that cannot
 * answer now: exit 4 (UnavailableError). Anything else is passed on as it is.
 */
async function operatorError(err: unknown): Promise<Error> {
  const { isVerifierError } = await verifierPackage();
  if (!isVerifierError(err)) return err instanceof Error ? err : new Error(String(err));
  if (err.code !== 'UNAVAILABLE') return new UsageError(err.message, { cause: err });
  // The driver's own words help the operator (disk full, shutting down); they hold no secret.
  const cause = err.cause instanceof Error ? `: ${err.cause.message.split('\n')[0]}` : '';
  return new UnavailableError(
    `the database cannot answer now (down, restarting or full${cause}); try again later`,
    { cause: err },
  );
}

async function readMasterKey(file: string): Promise<Uint8Array> {
  try {
    return await readKeyFile(file);
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`--master-key-file: ${err.message}`);
    throw err;
  }
}

/**
 * A verifier on an open store, its master key checked: 'claimed' when the database had no key yet
 * and now belongs to this one (what `server init` does), 'ok' when it was the database's already.
 */
async function verifierOn(
  store: Store,
  masterKey: Uint8Array,
  opts: VerifierOpts,
): Promise<{ verifier: Verifier; key: 'ok' | 'claimed' }> {
  const { createVerifier, isVerifierError } = await verifierPackage();
  const verifier = createVerifier({ store, masterKey });
  try {
    return { verifier, key: await verifier.checkMasterKey() };
  } catch (err) {
    if (isVerifierError(err, 'WRONG_MASTER_KEY')) {
      throw new UsageError(`${opts.masterKeyFile} is not the master key of ${storeName(opts)}`);
    }
    throw err;
  }
}

/** Runs `fn` with a verifier on the chosen store, and closes the store afterwards. */
export async function withVerifier<T>(opts: VerifierOpts, fn: (v: Verifier) => Promise<T>): Promise<T> {
  checkStoreOptions(opts);
  const masterKey = await readMasterKey(opts.masterKeyFile);
  const store = await openStore(opts);
  try {
    const { verifier } = await verifierOn(store, masterKey, opts);
    return await fn(verifier);
  } catch (err) {
    throw await operatorError(err);
  } finally {
    await store.close();
  }
}

/**
 * `server init`: creates the database (or the schema's tables) and gives it the master key. On a
 * database that exists it changes nothing, but checks the key: 'existing'. Only a database made
 * before databases took their key at init (or by the library alone) is 'claimed' here.
 */
export async function initStore(opts: VerifierOpts): Promise<'created' | 'existing' | 'claimed'> {
  checkStoreOptions(opts);
  const masterKey = await readMasterKey(opts.masterKeyFile);
  const { SchemaMismatchError } = await verifierPackage();
  let store: Store;
  let created = false;
  try {
    store = await openStore(opts);
  } catch (err) {
    // No verifier tables there yet. A schema of a newer version is refused again by this open.
    if (!(err instanceof UsageError && err.cause instanceof SchemaMismatchError)) throw err;
    store = await openStore(opts, true);
    created = true;
  }
  try {
    const { key } = await verifierOn(store, masterKey, opts);
    return created ? 'created' : key === 'claimed' ? 'claimed' : 'existing';
  } catch (err) {
    throw await operatorError(err);
  } finally {
    await store.close();
  }
}

/** A user named by NemID number, CPR number or alias (as at log-on), or by the internal user id. */
export async function findUserView(verifier: Verifier, text: string): Promise<UserView> {
  const found = await verifier.findUser(text);
  if (found !== null) return found;
  const { isVerifierError } = await verifierPackage();
  try {
    return await verifier.getUser(text);
  } catch (err) {
    if (isVerifierError(err, 'NOT_FOUND')) throw new UsageError(`no user with the id ${text}`);
    throw err;
  }
}

/** Runs `fn` on the user that --user names (as found, before `fn` changed anything). */
export function withUser<T>(opts: UserOpts, fn: (v: Verifier, user: UserView) => Promise<T>): Promise<T> {
  return withVerifier(opts, async (v) => fn(v, await findUserView(v, opts.user)));
}

export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}
