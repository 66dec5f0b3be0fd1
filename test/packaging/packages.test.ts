/**
 * The packages as a consumer installs them (issue #14): every workspace packed with `npm pack`, the
 * tarballs installed into a fresh project in a temporary folder, and each package README's example
 * run there. Install scripts are not run (`--ignore-scripts`: what npm 11 does for any dependency
 * the project has not allowed), so better-sqlite3's native part is missing at first and opening a
 * SQLite store must say what to do; its build is then stood in for by the one the workspace built,
 * and a log-on on SQLite runs. The packages' own dependencies come from npm's cache, which `npm ci`
 * filled (the same versions as the workspace's lock file).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const PACKAGES = ['core', 'pskc', 'key-card', 'device-sim', 'server-verifier', 'cli'] as const;
const dir = mkdtempSync(join(tmpdir(), 'nemid-consumer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

function node(file: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The ```js blocks of a package README, as installed (so the README really is in the package). */
function examples(pkg: string): string[] {
  const readme = readFileSync(join(dir, 'node_modules', '@nemid-sim', pkg, 'README.md'), 'utf8');
  return [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function runExample(name: string, code: string) {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  return node(file);
}

beforeAll(() => {
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs);
  const deps: Record<string, string> = {};
  // One npm for all of them: each npm start costs about a second here.
  const workspaces = PACKAGES.flatMap((p) => ['-w', p]);
  const packed = JSON.parse(npm(['pack', ...workspaces, '--pack-destination', tarballs, '--json'], ROOT)) as {
    name: string;
    filename: string;
  }[];
  for (const p of PACKAGES) {
    const tarball = packed.find((t) => t.name === `@nemid-sim/${p}`);
    if (tarball === undefined) throw new Error(`npm pack made no tarball for ${p}`);
    deps[`@nemid-sim/${p}`] = `file:tarballs/${tarball.filename}`;
  }
  const driver = (name: string) =>
    (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  deps['better-sqlite3'] = driver('better-sqlite3');
  deps.pg = driver('pg');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps }, null, 2),
  );
  npm(['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], dir);
}, 300_000);

describe('the packages, installed from their tarballs into a fresh project', () => {
  it('carry their README, licence, types and only what they need', () => {
    for (const p of PACKAGES) {
      const installed = join(dir, 'node_modules', '@nemid-sim', p);
      const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
      expect(manifest).toMatchObject({ license: 'MIT', engines: { node: '>=20.19' } });
      expect(manifest.private).toBeUndefined();
      expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
      expect(readFileSync(join(installed, 'dist', 'index.d.ts'), 'utf8').length).toBeGreaterThan(0);
    }
    const verifier = JSON.parse(
      readFileSync(join(dir, 'node_modules/@nemid-sim/server-verifier/package.json'), 'utf8'),
    );
    expect(verifier.dependencies['better-sqlite3']).toBeUndefined();
    expect(verifier.peerDependenciesMeta).toEqual({
      'better-sqlite3': { optional: true },
      pg: { optional: true },
    });
  });

  for (const p of ['core', 'pskc', 'key-card', 'device-sim', 'server-verifier'] as const) {
    it(`runs the example in ${p}'s README`, () => {
      const [code] = examples(p);
      const r = runExample(`example-${p}`, code);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const expected: Record<typeof p, RegExp> = {
        core: /^287082\n94287082\n1\n$/,
        pskc: /^1234567890123456 7 pre-shared-key\n$/,
        'key-card': /^NemID nøglekort · key card {2}[A-Z]\d{3}-\d{3}-\d{3}\n$/,
        'device-sim': /^\d{6} \d+ s ahead\n$/,
        'server-verifier': /kind: 'cpr', cpr: '0101901234'/,
      };
      expect(r.stdout).toMatch(expected[p]);
    });
  }

  it('logs on through SQLite once better-sqlite3 is built, and says how to allow its build before', () => {
    const [memory] = examples('server-verifier');
    const onSqlite = memory
      .replace(
        "import { createMemoryStore, createVerifier } from '@nemid-sim/server-verifier';",
        "import { createVerifier } from '@nemid-sim/server-verifier';\nimport { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';",
      )
      .replace('createMemoryStore()', "openSqliteStore('verifier.db')");
    expect(onSqlite).toContain("openSqliteStore('verifier.db')");
    const before = runExample('sqlite-before', onSqlite);
    expect(before.status).not.toBe(0);
    expect(before.stderr).toContain('"allowScripts": { "better-sqlite3": true }');
    expect(before.stderr).toContain('npm rebuild better-sqlite3');
    // What an allowed build script would have produced: the workspace built the same version.
    cpSync(join(ROOT, 'node_modules/better-sqlite3/build'), join(dir, 'node_modules/better-sqlite3/build'), {
      recursive: true,
    });
    const after = runExample('sqlite-after', onSqlite);
    expect(after.stderr).toBe('');
    expect(after.stdout).toMatch(/kind: 'cpr', cpr: '0101901234'/);
  });

  it('installs the nemid command, which runs', () => {
    const r = spawnSync(join(dir, 'node_modules/.bin/nemid'), ['--help'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: nemid /);
    const code = spawnSync(
      join(dir, 'node_modules/.bin/nemid'),
      ['otp', 'hotp', '--secret', '3132333435363738393031323334353637383930', '--counter', '1'],
      { encoding: 'utf8' },
    );
    expect(code.stdout).toBe('287082\n');
  });
});
