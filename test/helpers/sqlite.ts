/** Reads a ledger the worker writes, the way an operator's dashboard would: read-only, one query, closed at once. */
import Database from 'better-sqlite3';

/** All rows of `sql` from the SQLite file at `dbPath` (which must exist). */
export function readRows<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The first column of the first row of `sql` (a count, a sum), or undefined when there is no row. */
export function readValue<T>(dbPath: string, sql: string, ...params: unknown[]): T | undefined {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).pluck().get(...params) as T | undefined;
  } finally {
    db.close();
  }
}
