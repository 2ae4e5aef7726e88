import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { StructuredLogger } from '../workflows/shared/logger.ts';

/** The logging the ledger activities need: a slice of the one logger shape (the worker's pino logger fits). */
export type LedgerLogger = Pick<StructuredLogger, 'debug' | 'warn'>;

/** A better-sqlite3 connection, as handed out by {@link LedgerPool}. */
export type LedgerDb = Database.Database;

/**
 * Creates or migrates one ledger's tables. It must be idempotent (`IF NOT EXISTS`, column checks): it runs on
 * every fresh handle, and a database file may already hold the tables from an earlier run or the original plugin.
 */
export type SchemaInit = (db: LedgerDb) => void;

/**
 * A ledger path that is empty or relative. Paths come from plugin config and travel through workflow history,
 * so a relative one would resolve against whatever directory the worker happens to run in: it is refused.
 */
export class InvalidLedgerPathError extends Error {
  override name = 'InvalidLedgerPathError' as const;

  constructor(readonly path: string) {
    super(`ledger path must be a non-empty absolute path, got ${JSON.stringify(path)}`);
  }
}

/** Options for {@link LedgerPool}. */
export interface LedgerPoolOptions {
  /**
   * How long a writer waits for another connection's lock before failing with SQLITE_BUSY. The worker and
   * dashboards (or a second worker) may hold the same file open.
   * @default 5000
   */
  readonly busyTimeoutMs?: number;
}

interface OpenLedger {
  readonly db: LedgerDb;
  readonly initialised: Set<SchemaInit>;
}

/**
 * The worker's SQLite handles, opened on demand by absolute path and kept open for the worker's lifetime.
 *
 * Each plugin's ledger file is named by its config (the path arrives with every activity call), so handles
 * are opened lazily rather than at startup. The pool is created and closed by the worker's wiring, never at
 * import time, and is shared by the gate and usage ledgers: each passes its own {@link SchemaInit}, which runs
 * once per handle (and again only if the handle is reopened after {@link LedgerPool.close}).
 */
export class LedgerPool {
  readonly #open = new Map<string, OpenLedger>();
  readonly #busyTimeoutMs: number;

  constructor(options: LedgerPoolOptions = {}) {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new RangeError(`busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
    }
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  /**
   * The handle for `path`, opened (creating missing parent directories, WAL mode, busy timeout) on first use,
   * with `initSchema` applied once to it.
   * @throws {InvalidLedgerPathError} when `path` is empty or relative.
   */
  open(path: string, initSchema: SchemaInit): LedgerDb {
    if (path.trim() === '' || !isAbsolute(path)) throw new InvalidLedgerPathError(path);
    const key = resolve(path);
    let ledger = this.#open.get(key);
    if (ledger === undefined) {
      ledger = { db: this.#connect(key), initialised: new Set() };
      this.#open.set(key, ledger);
    }
    if (!ledger.initialised.has(initSchema)) {
      initSchema(ledger.db);
      ledger.initialised.add(initSchema);
    }
    return ledger.db;
  }

  /** Closes every handle (checkpointing the WAL). Called once when the worker shuts down. */
  close(): void {
    const ledgers = [...this.#open.values()];
    this.#open.clear();
    for (const { db } of ledgers) db.close();
  }

  #connect(path: string): LedgerDb {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path, { timeout: this.#busyTimeoutMs });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }
}
