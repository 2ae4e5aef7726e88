/**
 * What both ledger imports share: reading an original table whatever columns it has, and the ids that make an
 * imported row recognisable the second time (so running the import twice changes nothing).
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** What one table's import did. */
export interface TableImport {
  readonly table: string;
  /** Rows in the source table. */
  readonly read: number;
  /** Rows the destination did not have yet. */
  readonly inserted: number;
  /** Why the table was not imported (missing in the source, or deliberately left out). */
  readonly note?: string;
}

/** A source database the import cannot read (not an original ledger, or a column it needs is missing). */
export class MigrationSourceError extends Error {
  override name = 'MigrationSourceError' as const;
  constructor(
    readonly file: string,
    readonly table: string,
    reason: string,
  ) {
    super(`${file}: table ${table}: ${reason}`);
  }
}

/** Whether `table` exists in `db`. */
export function hasTable(db: Database.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/**
 * Every row of `table` with exactly the `wanted` columns: columns the source lacks read as NULL (older
 * originals), but a missing `required` column is an error, since the row could not be imported faithfully.
 */
export function readRows(db: Database.Database, file: string, table: string, wanted: readonly string[], required: readonly string[]): Record<string, unknown>[] {
  const present = new Set(db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).map((c) => c.name));
  const missing = required.find((column) => !present.has(column));
  if (missing !== undefined) throw new MigrationSourceError(file, table, `has no column ${missing}`);
  const select = wanted.map((column) => (present.has(column) ? `"${column}"` : `NULL AS "${column}"`)).join(', ');
  return db.prepare(`SELECT ${select} FROM "${table}" ORDER BY rowid`).all() as Record<string, unknown>[];
}

/**
 * The event id of an imported row that has none: `migrated:` and a hash of the row (its original id included),
 * so the same row imported again, from the same file or a copy of it, gets the same id and is skipped.
 */
export function migratedEventId(table: string, row: Readonly<Record<string, unknown>>): string {
  const digest = createHash('sha256').update(table).update('\0').update(JSON.stringify(Object.values(row))).digest('hex');
  return `migrated:${digest.slice(0, 32)}`;
}
