/**
 * The floor's ledger activity (bench code only): the least a workflow's ledger write can be — rows handed in the
 * activity's input (or read by query, as the gate's are), one SQLite transaction (better-sqlite3, WAL, as the gate
 * ledger), no schema beyond one table.
 */
import Database from 'better-sqlite3';
import { borrowLedgerBatch } from '../../activities/ledger-handoff.ts';
import { isLedgerBatchRef, type LedgerBatchRef } from '../../workflows/shared/ledger-handoff.ts';
import { floorLedgerBatchQuery } from './floor-workflow.ts';

/** One ledger row of the floor: what a gate decision writes, reduced to its size. */
export interface FloorLedgerRow {
  readonly workflowId: string;
  readonly n: number;
  readonly kind: string;
  readonly content: string;
  readonly at: number;
}

/** An open floor ledger: the database and its one write, prepared once. */
interface FloorLedger {
  readonly db: Database.Database;
  readonly write: (rows: readonly FloorLedgerRow[]) => void;
}

const open = new Map<string, FloorLedger>();

function ledger(dbPath: string): FloorLedger {
  let opened = open.get(dbPath);
  if (opened === undefined) {
    const db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS floor_rows (workflow_id TEXT NOT NULL, n INTEGER NOT NULL, kind TEXT NOT NULL, content TEXT NOT NULL, at INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO floor_rows (workflow_id, n, kind, content, at) VALUES (?, ?, ?, ?, ?)');
    const write = db.transaction((rows: readonly FloorLedgerRow[]) => {
      for (const r of rows) insert.run(r.workflowId, r.n, r.kind, r.content, r.at);
    });
    opened = { db, write };
    open.set(dbPath, opened);
  }
  return opened;
}

/** Writes `rows` in one transaction; given a reference, reads them from the workflow first. */
export async function writeFloorRows(dbPath: string, rows: readonly FloorLedgerRow[] | LedgerBatchRef): Promise<number> {
  const batch = isLedgerBatchRef(rows) ? await borrowLedgerBatch(floorLedgerBatchQuery, rows) : rows;
  ledger(dbPath).write(batch);
  return batch.length;
}

/** Closes the open ledgers (the floor worker's shutdown). */
export function closeFloorLedgers(): void {
  for (const { db } of open.values()) db.close();
  open.clear();
}
