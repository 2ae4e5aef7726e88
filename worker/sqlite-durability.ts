/**
 * How the embedded dev server writes its SQLite file (`OPENCLAW_TEMPORAL_SQLITE_DURABILITY`):
 *   - `crash-safe` (default): `journal_mode=wal`, `synchronous=normal`. A crashed or killed process loses nothing;
 *     a power cut or kernel panic may lose the last commits (the file stays consistent). About half the latency
 *     of a durable update, measured in `npm run bench`.
 *   - `power-safe`: SQLite's own defaults (rollback journal, an fsync per commit): a commit Temporal acknowledged
 *     survives a power cut too, at the price of slower decisions.
 */

/** The two settings. */
export type SqliteDurability = 'crash-safe' | 'power-safe';

/** @default the durability `npm start` uses */
export const DEFAULT_SQLITE_DURABILITY: SqliteDurability = 'crash-safe';

/** The `--sqlite-pragma` values of a setting (none: SQLite's defaults). */
export function sqlitePragmas(durability: SqliteDurability): readonly string[] {
  return durability === 'crash-safe' ? ['journal_mode=wal', 'synchronous=normal'] : [];
}

/** Parses the variable's value; null when it is neither setting. Unset or empty: the default. */
export function parseSqliteDurability(raw: string | undefined): SqliteDurability | null {
  if (raw === undefined || raw === '') return DEFAULT_SQLITE_DURABILITY;
  return raw === 'crash-safe' || raw === 'power-safe' ? raw : null;
}
