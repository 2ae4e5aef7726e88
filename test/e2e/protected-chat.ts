/** One round in a protected chat of the end-to-end gate tests: a person writes, the gateway answers it or the gate blocks it. */
import type { Client } from '@temporalio/client';
import { gateStateQuery, gateWorkflowId } from '../../workflows/gate/contract.ts';
import { eventually } from '../helpers/temporal.ts';
import { gateResponses } from './auditor.ts';
import type { FakeTelegram } from './fakes/telegram-bot-api.ts';

/**
 * Sends one inbound message from `from` (in that person's private chat) and waits until the gateway has answered
 * it: the reply tagged `tag` was delivered, or the gate in `stateDir` recorded it as blocked.
 */
export async function chatRound(telegram: FakeTelegram, stateDir: string, from: number, text: string, tag: string): Promise<'delivered' | 'blocked'> {
  telegram.inbound(from, from, text);
  return eventually(`the outcome of ${tag}`, () => {
    if (telegram.delivered.some((d) => d.text.includes(`reply to ${tag}`))) return 'delivered' as const;
    if (gateResponses(stateDir).some((r) => r.kind === 'blocked' && (r.content ?? '').includes(`reply to ${tag}`))) return 'blocked' as const;
    return undefined;
  }, 120_000);
}

/**
 * Waits until the protected peer's gate has written every ledger row it decided (its queue of ledger ops is empty):
 * a busy gate batches its rows for a few seconds (patch `gate-ledger-busy-linger`), so the ledger may lag the chat.
 */
export async function gateLedgerWritten(client: Client, channel: string, peer: string): Promise<void> {
  const gate = client.workflow.getHandle(gateWorkflowId(channel, peer));
  await eventually(`the gate of ${peer} has written its ledger`, () => gate.query(gateStateQuery).then((state) => (state.ledger.length === 0 ? true : undefined)), 60_000);
}
