/**
 * The verifier's tables as both SQL stores see them: for each record type, its columns and how a
 * value travels between the record and SQL. A column is named after its field in snake_case
 * (`lastCounter` -> `last_counter`); a `lockout` field is the four columns failures, locked_until,
 * locks and blocked. Adding a field means: the record type, its line here, and the column in each
 * dialect's schema (test/server-verifier/stores/schema.test.ts checks that they agree).
 *
 * One set of conversions serves both dialects and both ways a row arrives: SQLite gives booleans as
 * 0/1 and blobs as Buffers; PostgreSQL gives booleans as true/false, and inside `row_to_json` blobs
 * as '\x..' hex text. Booleans are written as 0/1, which PostgreSQL also takes for boolean.
 */
import type {
  AuditEntry,
  CardRecord,
  ChallengeRecord,
  DecoyRecord,
  LockoutState,
  PasswordRecord,
  ProviderRecord,
  TokenRecord,
  UserRecord,
} from '../records.js';

export type ColumnKind = 'text' | 'int' | 'bool' | 'bytes';
type Kind = ColumnKind | 'lockout';
type SqlRow = Record<string, unknown>;

export interface Table<R> {
  readonly name: string;
  /** The key column, or null for the append-only audit table. */
  readonly key: string | null;
  /** Every column, in the order of `params`. */
  readonly columns: readonly string[];
  /** Each column's kind, in the same order (a lockout is int, int, int, bool). */
  readonly kinds: readonly ColumnKind[];
  /** `INSERT INTO name (columns) VALUES (?, ...)`. */
  readonly insertSql: string;
  /** `UPDATE name SET every non-key column = ? WHERE key = ?`: params of `params(r)` rotated. */
  readonly updateSql: string;
  fromRow(row: SqlRow): R;
  /** The record's key value (its key column's), as text. */
  keyOf(record: R): string;
  /** Column values for `insertSql`. */
  params(record: R): unknown[];
  /** Column values for `updateSql` (the key last). */
  updateParams(record: R): unknown[];
}

const LOCKOUT_COLUMNS = ['failures', 'locked_until', 'locks', 'blocked'] as const;

const snake = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function toBool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 't';
}

function toBytes(v: unknown): Uint8Array {
  if (typeof v === 'string' && v.startsWith('\\x')) return new Uint8Array(Buffer.from(v.slice(2), 'hex'));
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.length));
  throw new TypeError('a blob column holds no bytes');
}

function toInt(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError('an integer column holds no safe integer');
  return n;
}

function read(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'int') return toInt(v);
  if (kind === 'bool') return toBool(v);
  if (kind === 'bytes') return toBytes(v);
  return String(v);
}

function write(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'bool') return v ? 1 : 0;
  if (kind === 'bytes') return Buffer.from(v as Uint8Array);
  return v;
}

function table<R>(name: string, key: keyof R | null, spec: { readonly [F in keyof R]-?: Kind }): Table<R> {
  const fields = Object.keys(spec) as (keyof R & string)[];
  const columns = fields.flatMap((f) => (spec[f] === 'lockout' ? [...LOCKOUT_COLUMNS] : [snake(f)]));
  const kinds = fields.flatMap((f): ColumnKind[] => {
    const kind = spec[f];
    return kind === 'lockout' ? ['int', 'int', 'int', 'bool'] : [kind];
  });
  const keyColumn = key === null ? null : snake(String(key));
  const params = (r: R): unknown[] =>
    fields.flatMap((f) => {
      const kind = spec[f];
      if (kind !== 'lockout') return [write(kind, r[f])];
      const l = r[f] as LockoutState;
      return [l.failures, l.lockedUntil, l.locks, l.blocked ? 1 : 0];
    });
  const keyIndex = keyColumn === null ? -1 : columns.indexOf(keyColumn);
  const reads = fields.map((f) => [f, snake(f), spec[f]] as const);
  return {
    name,
    key: keyColumn,
    columns,
    kinds,
    insertSql: `INSERT INTO ${name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    updateSql:
      keyColumn === null
        ? ''
        : `UPDATE ${name} SET ${columns
            .filter((c) => c !== keyColumn)
            .map((c) => `${c} = ?`)
            .join(', ')} WHERE ${keyColumn} = ?`,
    fromRow(row) {
      const out: Record<string, unknown> = {};
      for (const [f, column, kind] of reads) {
        out[f] =
          kind === 'lockout'
            ? {
                failures: toInt(row.failures),
                lockedUntil: read('int', row.locked_until),
                locks: toInt(row.locks),
                blocked: toBool(row.blocked),
              }
            : read(kind, row[column]);
      }
      return out as R;
    },
    params,
    keyOf: (r) => String(key === null ? '' : r[key]),
    updateParams(r) {
      const p = params(r);
      return [...p.slice(0, keyIndex), ...p.slice(keyIndex + 1), p[keyIndex]];
    },
  };
}

export const USERS = table<UserRecord>('users', 'id', {
  id: 'text',
  nemIdNumber: 'text',
  cpr: 'text',
  alias: 'text',
  name: 'text',
  address: 'text',
  mobile: 'text',
  email: 'text',
  eligibility: 'text',
  status: 'text',
  siteLogOptIn: 'bool',
  reorderThreshold: 'int',
  createdAt: 'int',
});

export const PASSWORDS = table<PasswordRecord>('passwords', 'userId', {
  userId: 'text',
  sealed: 'bytes',
  temporary: 'bool',
  setAt: 'int',
  lockout: 'lockout',
});

export const DECOYS = table<DecoyRecord>('decoys', 'id', { id: 'text', lockout: 'lockout' });

export const CARDS = table<CardRecord>('cards', 'serial', {
  serial: 'text',
  userId: 'text',
  secretCiphertext: 'bytes',
  sequence: 'int',
  status: 'text',
  issuedAt: 'int',
  reorderSentAt: 'int',
  usedSlots: 'bytes',
  lockout: 'lockout',
});

export const TOKENS = table<TokenRecord>('tokens', 'serial', {
  serial: 'text',
  kind: 'text',
  algorithm: 'text',
  digits: 'int',
  stepSeconds: 'int',
  t0: 'int',
  secretCiphertext: 'bytes',
  userId: 'text',
  state: 'text',
  lastCounter: 'int',
  driftSteps: 'int',
  pendingDriftSteps: 'int',
  resyncCounter: 'int',
  registeredAt: 'int',
  lastUsedAt: 'int',
  activatedAt: 'int',
  lockout: 'lockout',
});

export const CHALLENGES = table<ChallengeRecord>('challenges', 'id', {
  id: 'text',
  userId: 'text',
  purpose: 'text',
  factor: 'text',
  cardSerial: 'text',
  keyNumber: 'int',
  tokenSerial: 'text',
  batchDigest: 'text',
  providerId: 'text',
  ip: 'text',
  data: 'text',
  createdAt: 'int',
  expiresAt: 'int',
});

export const PROVIDERS = table<ProviderRecord>('providers', 'id', {
  id: 'text',
  name: 'text',
  cprApproved: 'bool',
  isBank: 'bool',
});

export const AUDIT = table<AuditEntry>('audit', null, {
  at: 'int',
  userId: 'text',
  ip: 'text',
  providerId: 'text',
  site: 'text',
  factor: 'text',
  action: 'text',
  outcome: 'text',
});

/** The tables a unit of work writes, by the name `Writes` uses. */
export const WRITABLE = {
  users: USERS,
  passwords: PASSWORDS,
  decoys: DECOYS,
  cards: CARDS,
  tokens: TOKENS,
  challenges: CHALLENGES,
  audit: AUDIT,
} as const;
