/**
 * One ledger import from an original database file into this project's ledger file: the source is opened
 * read-only, the destination through the worker's {@link LedgerPool} (created when missing, WAL, busy timeout),
 * and importing a file into itself is refused as pointless rather than attempted.
 */
import { existsSync, realpathSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { LedgerPool } from '../../activities/ledger-db.ts';
import type { TableImport } from './common.ts';

/** An importer: copies what `destination` lacks from `source`, and says per table what it did. */
export type Importer = (source: Database.Database, sourceFile: string, destination: Database.Database) => TableImport[];

/** One ledger's import: from where, to where, and what each table did (or why nothing was done). */
export interface LedgerImport {
  readonly ledger: 'usage-ledger' | 'lorene-gate';
  readonly from: string;
  readonly to: string;
  readonly tables: readonly TableImport[];
  readonly note?: string;
}

/** The original database to import does not exist. */
export class MissingSourceError extends Error {
  override name = 'MissingSourceError' as const;
  constructor(readonly file: string) {
    super(`source ${file} does not exist`);
  }
}

function sameFile(a: string, b: string): boolean {
  return existsSync(a) && existsSync(b) && realpathSync(a) === realpathSync(b);
}

/** Runs one import. @throws {MissingSourceError} when `from` is missing; `MigrationSourceError` when it is unreadable. */
export function importLedger(ledger: LedgerImport['ledger'], from: string, to: string, importer: Importer, pool: Pick<LedgerPool, 'open'>): LedgerImport {
  if (!existsSync(from)) throw new MissingSourceError(from);
  if (sameFile(from, to)) {
    return { ledger, from, to, tables: [], note: 'source and destination are the same file: the ledger migrates its schema in place on first use, nothing to import' };
  }
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    return { ledger, from, to, tables: importer(source, from, pool.open(to, () => undefined)) };
  } finally {
    source.close();
  }
}
