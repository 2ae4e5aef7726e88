/**
 * A gate ledger that rejects every write: the original plugin's own schema (test/fixtures/, verbatim), adopted by
 * ours, with triggers that abort every insert, update and delete — until `fix()` drops them.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { initGateLedgerSchema } from '../../activities/gate-ledger-schema.ts';

/** The original `lorene-gate.db` CREATE statements, verbatim from the reference. */
export const ORIGINAL_GATE_SCHEMA = readFileSync(new URL('../fixtures/lorene-gate-original-schema.sql', import.meta.url), 'utf8');
/** Every table of the adopted gate ledger. */
export const GATE_TABLES = ['seen_messages', 'threads', 'requests', 'responses', 'blocked_messages', 'arms'] as const;
const WRITES = ['INSERT', 'UPDATE', 'DELETE'] as const;
/** The error every write gets. */
export const REFUSAL = 'the disk says no';

/** Creates the refusing ledger at `path`; `fix()` makes it writable again. */
export function refusingLedger(path: string): { readonly path: string; fix(): void } {
  const db = new Database(path);
  db.exec(ORIGINAL_GATE_SCHEMA);
  initGateLedgerSchema(db);
  for (const table of GATE_TABLES) {
    for (const op of WRITES) db.exec(`CREATE TRIGGER refuse_${table}_${op} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${REFUSAL}'); END`);
  }
  db.close();
  return {
    path,
    fix() {
      const fixing = new Database(path);
      for (const table of GATE_TABLES) for (const op of WRITES) fixing.exec(`DROP TRIGGER refuse_${table}_${op}`);
      fixing.close();
    },
  };
}
