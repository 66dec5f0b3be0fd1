import { createHash } from 'node:crypto';
import type pg from 'pg';

export type SqlRow = Record<string, unknown>;

export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const names = new Map<string, string>();

/**
 * Runs `text` as a named prepared statement: each connection parses and plans it once and then
 * only binds and executes it (planning the answer's load costs more than running it). The name is
 * derived from the text; the statements are a fixed set, so the cache stays small.
 */
export function prepared(
  on: pg.Pool | pg.PoolClient,
  text: string,
  values: readonly unknown[],
): Promise<pg.QueryResult<SqlRow>> {
  let name = names.get(text);
  if (name === undefined) {
    name = `nemid_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return on.query<SqlRow>({ name, text, values: values as unknown[] });
}

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (our SQL has no `?` anywhere else). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Several statements as one (data-modifying WITH queries): one round trip. */
export function combine(statements: readonly Statement[]): Statement {
  if (statements.length === 1) return statements[0];
  return {
    sql: `WITH ${statements.map((s, i) => `w${i} AS (${s.sql})`).join(', ')} SELECT 1`,
    params: statements.flatMap((s) => s.params),
  };
}
