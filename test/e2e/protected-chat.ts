/** One round in a protected chat of the end-to-end gate tests: a person writes, the gateway answers it or the gate blocks it. */
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
