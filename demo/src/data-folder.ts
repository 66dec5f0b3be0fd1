import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The demo's data folder (`.nemid-demo/` by default): the verifier's SQLite file and master key,
 * the printed cards and the key display's device file. A marker file says the folder is the
 * demo's, so a start over (`--reset`) never empties a folder the demo did not make.
 */
export const MARKER = '.nemid-demo-data';
/** Written last by the first start: a folder without it was interrupted and is made again. */
export const STATE_FILE = 'demo.json';

/** Files in the data folder hold secrets or personal data: only the owner may read them. */
export const PRIVATE_FILE = 0o600;
const PRIVATE_FOLDER = 0o700;

export class DataFolderError extends Error {}

export interface DataPaths {
  readonly root: string;
  readonly state: string;
  readonly masterKey: string;
  readonly db: string;
  readonly device: string;
  readonly cards: string;
}

export function dataPaths(root: string): DataPaths {
  const r = resolve(root);
  return {
    root: r,
    state: join(r, STATE_FILE),
    masterKey: join(r, 'master.key'),
    db: join(r, 'verifier.db'),
    device: join(r, 'token.json'),
    cards: join(r, 'cards'),
  };
}

/**
 * Makes the folder ready: `reuse` when a finished first start is there, `fresh` when it is new or
 * emptied (with `reset`, or after an interrupted first start). Refuses a folder that holds files
 * but no marker, and a path that is not a folder.
 */
export function prepareDataFolder(paths: DataPaths, reset: boolean): 'fresh' | 'reuse' {
  const entries = listFolder(paths.root);
  if (entries === null) {
    mkdirSync(paths.root, { recursive: true, mode: PRIVATE_FOLDER });
  } else if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new DataFolderError(
      `${paths.root} holds files the demo did not make; choose another folder with --data`,
    );
  } else if (!reset && entries.includes(STATE_FILE)) {
    return 'reuse';
  } else {
    // Only what is inside the folder goes; rmSync removes a symbolic link, never what it points to.
    for (const name of entries) rmSync(join(paths.root, name), { recursive: true, force: true });
  }
  writeFileSync(
    join(paths.root, MARKER),
    'nemid-sim demo data; `npm start -- --reset` empties this folder\n',
    {
      mode: PRIVATE_FILE,
    },
  );
  mkdirSync(paths.cards, { mode: PRIVATE_FOLDER });
  return 'fresh';
}

function listFolder(root: string): string[] | null {
  try {
    if (!statSync(root).isDirectory()) throw new DataFolderError(`${root} is not a folder`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return readdirSync(root);
}

/** Writes a new private file; refuses to replace one (the first start never overwrites). */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data, { mode: PRIVATE_FILE, flag: 'wx' });
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
