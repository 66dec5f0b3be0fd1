/**
 * A verifier database set up through `nemid server init`, for tests of the operator commands. The
 * commands run in the test process (runInProcess); `verifierOn` opens the same database through the
 * library, as a backend would, to log on or to look at what a command did.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBatchFile, readKeyFile } from '@nemid-sim/key-card';
import { type Clock, createVerifier, type EnrolInput, type Verifier } from '@nemid-sim/server-verifier';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import { expect } from 'vitest';
import type { CliResult } from '../../helpers/cli.js';
import { runInProcess } from '../../helpers/cli-in-process.js';

export const PASSWORD = 'hemmelig42';

export interface ServerFixture {
  readonly dir: string;
  readonly db: string;
  readonly masterKey: string;
  /** `--db FILE --master-key-file FILE`, for every command after init. */
  readonly opts: readonly string[];
}

/** Runs a command that must succeed quietly; returns its stdout. */
export async function ok(args: readonly string[], input?: string): Promise<string> {
  const r = await runInProcess(args, { input });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  return r.stdout;
}

/** A refusal: nothing on stdout, one line on stderr and the exit code; returns the line without "nemid: ". */
export async function refused(args: readonly string[], input?: string, status = 2): Promise<string> {
  const r: CliResult = await runInProcess(args, { input });
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status, stdout: '' });
  expect(r.stderr).toMatch(/^nemid: [^\n]+\n$/);
  return r.stderr.slice('nemid: '.length, -1);
}

/** A fresh folder with a master key (made by `nemid keygen`) and a database made by `server init`. */
export async function newServer(): Promise<ServerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'nemid-server-'));
  const db = join(dir, 'verifier.db');
  const masterKey = join(dir, 'master.key');
  expect((await runInProcess(['keygen', '--out', masterKey])).status).toBe(0);
  expect(await ok(['server', 'init', '--db', db, '--master-key-file', masterKey])).toMatch(/^created/);
  const opts = ['--db', db, '--master-key-file', masterKey];
  await ok([
    'server',
    'provider',
    'add',
    ...opts,
    '--id',
    'bank',
    '--name',
    'Bank',
    '--bank',
    '--cpr-approved',
  ]);
  return { dir, db, masterKey, opts };
}

export interface Enrolled {
  readonly userId: string;
  readonly nemId: string;
}

/** `server user add` with PASSWORD; returns the ids it printed. */
export async function addUser(f: ServerFixture, extra: readonly string[] = []): Promise<Enrolled> {
  const out = await ok(
    ['server', 'user', 'add', ...f.opts, '--name', 'Anna Jensen', '--password-stdin', ...extra],
    `${PASSWORD}\n`,
  );
  const userId = /^user (\S+)$/m.exec(out)?.[1];
  const nemId = /^NemID number (\d{9})$/m.exec(out)?.[1];
  expect(userId).toBeDefined();
  expect(nemId).toBeDefined();
  return { userId: userId as string, nemId: nemId as string };
}

let batches = 0;

/** A key-card batch made by `nemid card new`, with its cards' secrets for answering challenges. */
export async function cardBatch(f: ServerFixture, count: number) {
  const name = `batch-${++batches}`;
  const key = join(f.dir, `${name}.key`);
  const secrets = join(f.dir, `${name}.nemid`);
  // The numbers come from the fixture's one register, as for cards a bank issues: never twice.
  const register = join(f.dir, 'cards.register');
  if (!existsSync(register)) await ok(['card', 'register', 'new', '--out', register, '--series', 'K']);
  expect((await runInProcess(['keygen', '--out', key])).status).toBe(0);
  await ok([
    'card',
    'new',
    '--count',
    String(count),
    '--key-file',
    key,
    '--out',
    secrets,
    '--register',
    register,
  ]);
  const batch = await readBatchFile(secrets, await readKeyFile(key));
  return { files: ['--secrets', secrets, '--key-file', key], cards: batch.cards };
}

/** The same database through the library, as a backend opens it; close the store when done. */
export async function verifierOn(
  f: ServerFixture,
  clock?: Clock,
): Promise<{ verifier: Verifier; close(): Promise<void> }> {
  const store = openSqliteStore(f.db, { create: false });
  // Users enrolled here get cheap hashes (each hash keeps its own parameters), so tests that
  // count wrong passwords stay fast; a password set by the CLI costs the default scrypt.
  const policy = { scrypt: { N: 2 ** 10, r: 8, p: 1 } };
  const verifier = createVerifier({ store, masterKey: await readKeyFile(f.masterKey), clock, policy });
  expect(await verifier.checkMasterKey()).toBe('ok');
  return { verifier, close: () => store.close() };
}

/** A user enrolled through the library with PASSWORD (cheap to check; see verifierOn). */
export async function enrol(v: Verifier, cpr: string, extra: Partial<EnrolInput> = {}): Promise<Enrolled> {
  const e = await v.enrol({ name: 'Bo Hansen', cpr, password: PASSWORD, ...extra });
  return { userId: e.userId, nemId: e.nemIdNumber };
}

export const readText = (path: string): string => readFileSync(path, 'utf8');
