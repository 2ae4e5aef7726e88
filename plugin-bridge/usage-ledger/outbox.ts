/**
 * The usage-ledger's outbox: the shared on-disk {@link SharedOutbox} with one line per usage record and where it
 * goes; a chunk holds records bound for one ledger and file, bounded by their raw JSON size.
 */
import { Outbox as SharedOutbox, type OutboxChunk as SharedChunk } from '../shared/outbox.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';

/** One outbox line: a record and where it goes. */
export interface OutboxEntry {
  readonly ledgerId: string;
  readonly dbPath: string;
  /** The ledger's host (the plugin's `gatewayId`), when configured. */
  readonly gatewayId?: string;
  readonly record: UsageRecord;
}

/** The leading entries bound for one ledger, and the offset just past them (and past any unreadable line). */
export type OutboxChunk = SharedChunk<OutboxEntry>;

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  const record = e['record'] as Record<string, unknown> | null | undefined;
  return typeof e['ledgerId'] === 'string' && typeof e['dbPath'] === 'string' && (e['gatewayId'] === undefined || typeof e['gatewayId'] === 'string') && typeof record?.['eventId'] === 'string';
}

/** Usage records waiting for Temporal, in order, on disk. */
export class Outbox extends SharedOutbox<OutboxEntry> {
  constructor(path: string, maxBytes: number) {
    super(path, maxBytes, {
      isEntry,
      sameChunk: (first, entry) => first.ledgerId === entry.ledgerId && first.dbPath === entry.dbPath && first.gatewayId === entry.gatewayId,
      size: (entry) => (typeof entry.record.rawJson === 'string' ? entry.record.rawJson.length : 0),
    });
  }
}
