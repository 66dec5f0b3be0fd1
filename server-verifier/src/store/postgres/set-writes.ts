import { type ColumnKind, type Table, WRITABLE } from '../sql/tables.js';
import type { TableRows, Writes } from '../store.js';
import { combine, type Statement } from './sql.js';

const ARRAY_TYPE: Record<ColumnKind, string> = {
  text: 'text[]',
  int: 'int8[]',
  bool: 'bool[]',
  bytes: 'bytea[]',
};

type AnyTable = Table<unknown>;

function columnArrays(
  table: AnyTable,
  rows: readonly unknown[],
  params: (r: unknown) => unknown[],
): unknown[][] {
  const arrays: unknown[][] = table.columns.map(() => []);
  for (const r of rows) {
    const values = params(r);
    for (let i = 0; i < values.length; i++) arrays[i].push(values[i]);
  }
  return arrays;
}

const unnest = (table: AnyTable) => `unnest(${table.kinds.map((k) => `?::${ARRAY_TYPE[k]}`).join(', ')})`;

/** `INSERT ... SELECT FROM unnest(arrays)`: any number of rows, one statement text per table. */
function insertMany(table: AnyTable, rows: readonly unknown[]): Statement {
  return {
    sql: `INSERT INTO ${table.name} (${table.columns.join(', ')}) SELECT * FROM ${unnest(table)}`,
    params: columnArrays(table, rows, (r) => table.params(r)),
  };
}

/** `UPDATE ... FROM unnest(arrays) WHERE key = v.key`: whole rows replacing the ones with their keys. */
function updateMany(table: AnyTable, rows: readonly unknown[]): Statement {
  const sets = table.columns.filter((c) => c !== table.key).map((c) => `${c} = v.${c}`);
  return {
    sql:
      `UPDATE ${table.name} t SET ${sets.join(', ')} FROM ${unnest(table)} AS v(${table.columns.join(', ')}) ` +
      `WHERE t.${table.key} = v.${table.key}`,
    params: columnArrays(table, rows, (r) => table.params(r)),
  };
}

/**
 * The writes as few statements as PostgreSQL allows: each statement carries every table's rows
 * (one `unnest` per table and kind of write). A unit that updates several rows of one table (a
 * replaced token retired, then its successor assigned) gets one statement per row of that table,
 * in order: the parts of one statement run in no set order, and unique indexes are checked row by
 * row, not at its end.
 */
export function setWrites(writes: Writes): Statement[] {
  const waves: Statement[][] = [];
  const put = (wave: number, s: Statement) => {
    while (waves.length <= wave) waves.push([]);
    waves[wave].push(s);
  };
  for (const [name, table] of Object.entries(WRITABLE) as [keyof TableRows, AnyTable][]) {
    const inserted = writes.insert?.[name] ?? [];
    if (inserted.length > 0) put(0, insertMany(table, inserted));
    const updated = (writes.update as TableRows | undefined)?.[name] ?? [];
    for (let i = 0; i < updated.length; i++) put(i, updateMany(table, [updated[i]]));
  }
  return waves.map(combine);
}

/** The writes of many units at once, each row at most once per table (the batch's last version). */
export function batchWrites(
  inserts: TableRows,
  updates: TableRows,
  consumed: readonly string[],
): Statement | null {
  const parts: Statement[] = [];
  if (consumed.length > 0)
    parts.push({ sql: 'DELETE FROM challenges WHERE id = ANY(?::text[])', params: [consumed] });
  for (const [name, table] of Object.entries(WRITABLE) as [keyof TableRows, AnyTable][]) {
    const inserted = inserts[name] ?? [];
    if (inserted.length > 0) parts.push(insertMany(table, inserted));
    const updated = updates[name] ?? [];
    if (updated.length > 0) parts.push(updateMany(table, updated));
  }
  return parts.length === 0 ? null : combine(parts);
}
