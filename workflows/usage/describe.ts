/** The usage ledger's line in the Temporal Web UI (the workflow's current details). */
import type { UsageLedgerState } from './state.ts';
import { pendingCount } from './backlog.ts';

/** One line for the Web UI: "1204 records written, 17 waiting; last model claude-opus-4-1 (anthropic) at 12:04:31 UTC". */
export function describeUsageLedger(state: UsageLedgerState): string {
  const n = (value: number) => String(value);
  const { written, duplicates, alreadyInLedger, malformed } = state.counters;
  const records = written === 1 ? 'record' : 'records';
  const parts = [`${n(written)} ${records} written, ${n(pendingCount(state))} waiting`];
  if (state.last !== null) {
    const at = new Date(state.last.at).toISOString().slice(11, 19);
    parts.push(`last model ${state.last.model ?? '(none)'}${state.last.provider === null ? '' : ` (${state.last.provider})`} at ${at} UTC`);
  }
  const skipped = [[duplicates, 'duplicates dropped'], [alreadyInLedger, 'already in the ledger'], [malformed, 'malformed']] as const;
  const noted = skipped.filter(([count]) => count > 0).map(([count, what]) => `${n(count)} ${what}`);
  return noted.length > 0 ? `${parts.join('; ')} (${noted.join(', ')})` : parts.join('; ');
}
