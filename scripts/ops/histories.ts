/**
 * The histories a pre-deploy check needs: every open workflow on our task queue and every one closed within a
 * recent window, downloaded from the server. `histories export` writes them in the format
 * `temporal workflow show -o json` prints — the format of test/histories/, so an exported file can become a
 * committed replay fixture.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { DownloadedHistory } from '../../worker/replay.ts';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';

/** Which histories to download. */
export interface HistorySelection {
  /** Workflows closed within this many milliseconds are included too. @default 24 h */
  readonly recentMs?: number;
  /** @default the openclaw-temporal workflow task queue */
  readonly taskQueue?: string;
  /** At most this many histories (the newest first, as visibility lists them). @default 1000 */
  readonly limit?: number;
}

export type { DownloadedHistory } from '../../worker/replay.ts';

/** A history the server sent that is not one (never expected; named so the CLI can say which workflow). */
export class MalformedHistoryError extends Error {
  override name = 'MalformedHistoryError' as const;
  constructor(readonly workflowId: string) {
    super(`the server returned no event history for ${workflowId}`);
  }
}

function isHistory(value: unknown): value is temporal.api.history.v1.IHistory {
  return typeof value === 'object' && value !== null && Array.isArray((value as { events?: unknown }).events);
}

/** The visibility query for open and recently closed workflows of the task queue. */
export function historyQuery(selection: HistorySelection, now: number): string {
  const since = new Date(now - (selection.recentMs ?? 24 * 3600_000)).toISOString();
  return `TaskQueue = "${selection.taskQueue ?? WORKFLOW_TASK_QUEUE}" AND (ExecutionStatus = "Running" OR CloseTime > "${since}")`;
}

/** Downloads the selected histories (one request per workflow run, streamed by the SDK). */
export async function downloadHistories(client: Client, selection: HistorySelection, now: number): Promise<DownloadedHistory[]> {
  const limit = selection.limit ?? 1000;
  const found: DownloadedHistory[] = [];
  for await (const item of client.workflow.list({ query: historyQuery(selection, now), pageSize: 100 }).intoHistories()) {
    if (!isHistory(item.history)) throw new MalformedHistoryError(item.workflowId);
    found.push({ workflowId: item.workflowId, history: item.history });
    if (found.length >= limit) break;
  }
  return found;
}

/** A file name for a workflow id: ids contain `/`, `+` and `:`, which are kept readable but made safe. */
export function historyFileName(workflowId: string, runId: string | undefined): string {
  const safe = workflowId.replace(/[^A-Za-z0-9._+-]+/g, '_');
  return `${safe}${runId ? `__${runId}` : ''}.json`;
}

/** Writes each history as `<dir>/<workflow id>__<run id>.json`; returns the files written. */
export async function exportHistories(histories: readonly DownloadedHistory[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const { workflowId, history } of histories) {
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const file = join(dir, historyFileName(workflowId, started?.originalExecutionRunId ?? undefined));
    await writeFile(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
    files.push(file);
  }
  return files;
}
