/**
 * A safe start (issue #15): only `server init` creates a database and gives it its master key; every
 * command refuses, with one line and exit code 2, a database or schema that init did not make, a
 * schema of another version and a master key that is not the database's, and creates nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomSerial, readKeyFile } from '@nemid-sim/key-card';
import { createVerifier, VerifierError } from '@nemid-sim/server-verifier';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../../../server-verifier/src/store/sqlite/sqlite-store.js';
import { runInProcess } from '../../helpers/cli-in-process.js';
import { createTestSchema, TEST_PG_URL, type TestSchema } from '../../server-verifier/stores/pg-env.js';
import { newServer, ok, refused, type ServerFixture } from './fixture.js';

let f: ServerFixture;
let otherKey: string;
let psk: string;
let delivery: string;

beforeAll(async () => {
  f = await newServer();
  otherKey = join(f.dir, 'other.key');
  psk = join(f.dir, 'vendor.psk');
  delivery = join(f.dir, 'delivery.xml');
  await runInProcess(['keygen', '--out', otherKey]);
  await runInProcess(['keygen', '--psk', '--out', psk]);
  await ok([
    'device',
    'batch',
    '--count',
    '1',
    '--out-dir',
    join(f.dir, 'devices'),
    '--pskc',
    delivery,
    '--psk-file',
    psk,
  ]);
});

/** One command of each family, without the database options. */
const COMMANDS: [string, () => string[], string?][] = [
  ['server provider add', () => ['server', 'provider', 'add', '--id', 'x', '--name', 'X']],
  ['server user add', () => ['server', 'user', 'add', '--name', 'X', '--password-stdin'], 'hemmelig42\n'],
  ['server user show', () => ['server', 'user', 'show', '--user', '123456789']],
  ['server user unlock', () => ['server', 'user', 'unlock', '--user', '123456789']],
  ['server user audit', () => ['server', 'user', 'audit', '--user', '123456789']],
  ['server card list', () => ['server', 'card', 'list', '--user', '123456789']],
  [
    'server card block',
    () => ['server', 'card', 'block', '--card', randomSerial(randomBytes), '--reason', 'lost'],
  ],
  [
    'server token assign',
    () => ['server', 'token', 'assign', '--user', '123456789', '--serial', '1'.repeat(16)],
  ],
  ['server token import', () => ['server', 'token', 'import', '--pskc', delivery, '--psk-file', psk]],
  [
    'server token export',
    () => ['server', 'token', 'export', '--pskc', join(f.dir, 'never.xml'), '--psk-file', psk],
  ],
  ['server serve', () => ['server', 'serve', '--port', '0']],
];

const sqliteFaults: [string, () => { db: string; key: string }, RegExp][] = [
  [
    'a missing file',
    () => ({ db: join(f.dir, 'typo.db'), key: f.masterKey }),
    /^there is no verifier database at \S*typo\.db$/,
  ],
  [
    'a file that is not SQLite',
    () => {
      const db = join(f.dir, 'notes.txt');
      writeFileSync(db, 'shopping list\n');
      return { db, key: f.masterKey };
    },
    /^\S*notes\.txt is not a verifier database \(not SQLite, or damaged\)$/,
  ],
  [
    'the SQLite file of another program',
    () => {
      const db = join(f.dir, 'other.sqlite');
      const other = new Database(db);
      other.exec('CREATE TABLE IF NOT EXISTS recipes (name TEXT)');
      other.close();
      return { db, key: f.masterKey };
    },
    /^\S*other\.sqlite is not a verifier database \(run `nemid server init` to make one\)$/,
  ],
  [
    'a schema of a newer version',
    () => {
      const db = join(f.dir, 'future.db');
      copyFileSync(f.db, db);
      const future = new Database(db);
      future.prepare("INSERT OR IGNORE INTO schema_migrations VALUES (2, 'from the future', 'now')").run();
      future.close();
      return { db, key: f.masterKey };
    },
    /^the database has schema version 2, newer than this code knows \(1\); upgrade the software before opening it$/,
  ],
  [
    'another master key',
    () => ({ db: f.db, key: otherKey }),
    /^\S*other\.key is not the master key of \S*verifier\.db$/,
  ],
];

describe('every server command refuses a database init did not make, or the wrong key', () => {
  for (const [fault, setUp, message] of sqliteFaults) {
    it.each(COMMANDS)(`%s: ${fault}`, async (_, args, input) => {
      const { db, key } = setUp();
      const existed = existsSync(db);
      expect(await refused([...args(), '--db', db, '--master-key-file', key], input)).toMatch(message);
      expect(existsSync(db)).toBe(existed);
    });
  }

  it('a database that cannot answer (disk full) exits 4 with one line, not the driver error', async () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const spy = vi
      .spyOn(SqliteStore.prototype, 'putProvider')
      .mockRejectedValue(new VerifierError('UNAVAILABLE', undefined, { cause: full }));
    try {
      const line = await refused(
        ['server', 'provider', 'add', ...f.opts, '--id', 'x', '--name', 'X'],
        undefined,
        4,
      );
      expect(line).toBe(
        'the database cannot answer now (down, restarting or full: database or disk is full); try again later',
      );
    } finally {
      spy.mockRestore();
    }
  });
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('nemid server init (SQLite)', () => {
  it('needs the master key, and says so in --help', async () => {
    const r = await runInProcess(['server', 'init', '--db', join(f.dir, 'keyless.db')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--master-key-file/);
    expect(existsSync(join(f.dir, 'keyless.db'))).toBe(false);
    const help = await runInProcess(['server', 'init', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(
      /give it the master key: from then on every command must use that key/,
    );
  });

  it('on an existing database changes nothing, and says so; another key is refused', async () => {
    const before = sha(f.db);
    expect(await ok(['server', 'init', ...f.opts])).toBe(
      `${f.db} is a verifier database already, with this master key: nothing changed\n`,
    );
    expect(sha(f.db)).toBe(before);
    expect(await refused(['server', 'init', '--db', f.db, '--master-key-file', otherKey])).toBe(
      `${otherKey} is not the master key of ${f.db}`,
    );
    expect(sha(f.db)).toBe(before);
  });

  it('gives its key to a database the library made without one; that key alone opens it after', async () => {
    const db = join(f.dir, 'embedded.db');
    await openSqliteStore(db).close();
    expect(await ok(['server', 'init', '--db', db, '--master-key-file', otherKey])).toBe(
      `${db} is a verifier database already; it had no master key yet and now belongs to the one in ${otherKey}\n`,
    );
    expect(
      await refused(['server', 'card', 'list', '--db', db, '--master-key-file', f.masterKey, '--user', 'x']),
    ).toBe(`${f.masterKey} is not the master key of ${db}`);
    const store = openSqliteStore(db, { create: false });
    const verifier = createVerifier({ store, masterKey: await readKeyFile(otherKey) });
    expect(await verifier.checkMasterKey()).toBe('ok');
    await store.close();
  });

  it('refuses a schema of a newer version, changing nothing', async () => {
    const db = join(f.dir, 'future-init.db');
    copyFileSync(f.db, db);
    const future = new Database(db);
    future.prepare("INSERT INTO schema_migrations VALUES (2, 'from the future', 'now')").run();
    future.close();
    const before = sha(db);
    expect(await refused(['server', 'init', '--db', db, '--master-key-file', f.masterKey])).toMatch(
      /newer than this code knows/,
    );
    expect(sha(db)).toBe(before);
  });
});

describe('nemid server init and the store checks on PostgreSQL', () => {
  let s: TestSchema;
  let pgOpts: string[];
  let client: pg.Client;
  beforeAll(async () => {
    s = await createTestSchema();
    pgOpts = ['--pg', s.url, '--pg-schema', s.schema];
    client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS "${s.schema}_new" CASCADE`);
    await client.end();
    await s.drop();
  });
  const schemaExists = async (name: string) =>
    (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name])).rowCount === 1;

  it('creates the tables (and a missing schema), then changes nothing', async () => {
    expect(await ok(['server', 'init', ...pgOpts, '--master-key-file', f.masterKey])).toBe(
      `created the verifier database PostgreSQL schema ${s.schema}; its master key is the one in ${f.masterKey}\n`,
    );
    expect(await ok(['server', 'init', ...pgOpts, '--master-key-file', f.masterKey])).toMatch(
      /nothing changed\n$/,
    );
    await ok([
      'server',
      'provider',
      'add',
      ...pgOpts,
      '--master-key-file',
      f.masterKey,
      '--id',
      'b',
      '--name',
      'B',
    ]);
    const fresh = `${s.schema}_new`;
    expect(
      await ok(['server', 'init', '--pg', s.url, '--pg-schema', fresh, '--master-key-file', f.masterKey]),
    ).toMatch(/^created/);
    expect(await schemaExists(fresh)).toBe(true);
  });

  it('refuses a mistyped schema without creating it, another key, and a newer schema version', async () => {
    const typo = `${s.schema}_typo`;
    const show = ['server', 'user', 'show', '--user', '123456789'];
    expect(
      await refused([...show, '--pg', s.url, '--pg-schema', typo, '--master-key-file', f.masterKey]),
    ).toBe(`${typo} holds no verifier tables (run \`nemid server init\` to make them)`);
    expect(await schemaExists(typo)).toBe(false);
    expect(await refused([...show, ...pgOpts, '--master-key-file', otherKey])).toBe(
      `${otherKey} is not the master key of PostgreSQL schema ${s.schema}`,
    );
    await client.query(
      `INSERT INTO "${s.schema}".schema_migrations (version, name) VALUES (2, 'from the future')`,
    );
    expect(await refused([...show, ...pgOpts, '--master-key-file', f.masterKey])).toMatch(
      /^the database has schema version 2, newer than this code knows/,
    );
    expect(await refused(['server', 'init', ...pgOpts, '--master-key-file', f.masterKey])).toMatch(
      /newer than this code knows/,
    );
  });
});

describe('the database options', () => {
  it.each([
    [
      'no database',
      ['server', 'card', 'list', '--master-key-file', 'k', '--user', 'x'],
      /exactly one of --db FILE/,
    ],
    [
      'two databases',
      ['server', 'init', '--db', 'x.db', '--pg', 'postgres://a@b/c', '--master-key-file', 'k'],
      /exactly one of --db FILE/,
    ],
    [
      'a schema without --pg',
      ['server', 'init', '--db', 'x.db', '--pg-schema', 's', '--master-key-file', 'k'],
      /--pg-schema needs --pg/,
    ],
    [
      'an unknown durability',
      ['server', 'init', '--db', 'x.db', '--durability', 'sloppy', '--master-key-file', 'k'],
      /--durability/,
    ],
    [
      'a bad schema name',
      [
        'server',
        'init',
        '--pg',
        'postgres://a@b/c',
        '--pg-schema',
        'Robert"); DROP',
        '--master-key-file',
        'k',
      ],
      /schema name must be lower-case/,
    ],
  ])('refuses %s with one line on stderr and exit 2', async (_, args, message) => {
    const r = await runInProcess(args.map((a) => (a === 'k' ? f.masterKey : a)));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a master key file that is not a key, without showing its contents', async () => {
    const bad = join(f.dir, 'bad.key');
    writeFileSync(bad, 'not-a-key-but-a-secret\n');
    const line = await refused([
      'server',
      'user',
      'show',
      '--db',
      f.db,
      '--master-key-file',
      bad,
      '--user',
      'x',
    ]);
    expect(line).toMatch(/^--master-key-file: /);
    expect(line).not.toContain('not-a-key-but-a-secret');
  });

  it('reports an unreachable PostgreSQL without its password', async () => {
    const line = await refused([
      'server',
      'init',
      '--pg',
      'postgres://nemid:pw-s3cret@127.0.0.1:1/none',
      '--master-key-file',
      f.masterKey,
    ]);
    expect(line).toMatch(/^cannot use PostgreSQL at postgres:\/\/nemid:\*\*\*@127\.0\.0\.1:1\/none/);
    expect(line).not.toContain('pw-s3cret');
  });
});
