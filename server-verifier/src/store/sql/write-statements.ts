import type { TableRows, Writes } from '../store.js';
import { type Table, WRITABLE } from './tables.js';

export interface Statement {
  readonly table: string;
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * The statements that carry out `writes`: inserts, then updates, table by table in the order of
 * `WRITABLE` (users before the rows that refer to them). SQL with `?` placeholders.
 */
export function writeStatements(writes: Writes): Statement[] {
  const out: Statement[] = [];
  const each = (rows: TableRows | undefined, make: (t: Table<unknown>, r: unknown) => Statement) => {
    if (rows === undefined) return;
    for (const [name, table] of Object.entries(WRITABLE) as [keyof TableRows, Table<unknown>][]) {
      for (const r of rows[name] ?? []) out.push(make(table, r));
    }
  };
  each(writes.insert, (t, r) => ({ table: t.name, sql: t.insertSql, params: t.params(r) }));
  each(writes.update, (t, r) => ({ table: t.name, sql: t.updateSql, params: t.updateParams(r) }));
  return out;
}
