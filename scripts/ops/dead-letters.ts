/**
 * `openclaw-temporal replay-dead-letters`: asks every open gate whose ledger has dead-lettered writes (see
 * workflows/gate/dead-letters.ts) to write them again, in order, through the `lorene-gate.replay-dead-letters`
 * update — run it once the ledger database is fixed. Gates are found by visibility and asked with a bounded query.
 */
import type { Client } from '@temporalio/client';
import { gateReplayDeadLettersUpdate, gateStateQuery, type ReplayDeadLettersResult } from '../../workflows/gate/contract.ts';
import { deadLetterCount } from '../../workflows/gate/dead-letters.ts';

/** How long one gate may take: its write retries (about 10 s per failing batch) included. */
const REPLAY_TIMEOUT_MS = 120_000;
const QUERY_TIMEOUT_MS = 5000;

/** One gate's answer, or why it gave none. */
export interface GateReplay {
  readonly workflowId: string;
  readonly result: ReplayDeadLettersResult | string;
}

/** Replays the dead letters of every open gate that has some (all gates when `workflowId` is null, else that one). */
export async function replayDeadLetters(client: Client, workflowId: string | null): Promise<GateReplay[]> {
  const ids: string[] = [];
  if (workflowId !== null) ids.push(workflowId);
  else for await (const e of client.workflow.list({ query: 'WorkflowType = "gateWorkflow" AND ExecutionStatus = "Running"' })) ids.push(e.workflowId);
  const replays: GateReplay[] = [];
  for (const id of ids.sort()) {
    const handle = client.workflow.getHandle(id);
    try {
      const state = await client.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(gateStateQuery));
      if (deadLetterCount(state) === 0 && workflowId === null) continue;
      const result = await client.connection.withDeadline(Date.now() + REPLAY_TIMEOUT_MS, () => handle.executeUpdate(gateReplayDeadLettersUpdate));
      replays.push({ workflowId: id, result });
    } catch (err) {
      replays.push({ workflowId: id, result: `no answer: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return replays;
}

/** Whether every dead letter was written. */
export function replaysDone(replays: readonly GateReplay[]): boolean {
  return replays.every((r) => typeof r.result !== 'string' && r.result.remaining === 0);
}

/** The report as the terminal shows it. */
export function formatReplays(replays: readonly GateReplay[], where: string): string {
  const lines = [`openclaw-temporal replay-dead-letters · ${where}`, ''];
  if (replays.length === 0) lines.push('no gate has dead-lettered ledger writes');
  for (const { workflowId, result } of replays) {
    if (typeof result === 'string') lines.push(`  ✗ ${workflowId}  ${result}`);
    else if (result.remaining === 0) lines.push(`  ✓ ${workflowId}  ${result.replayed} op(s) written, none left`);
    else lines.push(`  ✗ ${workflowId}  ${result.replayed} op(s) written, ${result.remaining} still waiting: ${result.error ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}
