/**
 * `message_received` → what the gate must hear about, decided locally (pure): nothing (other channel), a
 * `seen_messages` row only, or a trigger for the peer's gate workflow.
 */
import type { GateTriggerEvent, GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import type { SeenOp } from '../../workflows/gate/ledger-ops.ts';
import { matchTrigger, normalizePhone } from '../../workflows/gate/text.ts';
import type { MessageContext, MessageReceivedEvent } from '../shared/openclaw-types.ts';
import type { GateConfig } from './config.ts';

export type InboundAction =
  | { readonly kind: 'ignore'; readonly why: string }
  | { readonly kind: 'seen'; readonly peer: string; readonly row: SeenOp }
  | { readonly kind: 'trigger'; readonly peer: string; readonly trigger: GateTriggerEvent };

/** The message id, trimmed as the original trimmed it: the typed `event.messageId`, or `metadata.messageId` on older hosts. */
export function inboundMessageId(event: MessageReceivedEvent): string {
  const direct = typeof event.messageId === 'string' ? event.messageId.trim() : '';
  if (direct.length > 0) return direct;
  const legacy = event.metadata?.messageId;
  return typeof legacy === 'string' || typeof legacy === 'number' ? String(legacy).trim() : '';
}

/** Classifies one inbound message; `now` stands in for a missing message id in the request id. */
export function classifyInbound(config: GateConfig, runtime: GateRuntimeConfig, event: MessageReceivedEvent, ctx: MessageContext, now: number): InboundAction {
  if (typeof ctx?.channelId !== 'string' || ctx.channelId.toLowerCase() !== config.channel) return { kind: 'ignore', why: 'other channel' };
  if (typeof event !== 'object' || event === null) return { kind: 'ignore', why: 'malformed event' };
  const sender = normalizePhone(event.from);
  const peer = normalizePhone(ctx.conversationId);
  const messageId = inboundMessageId(event);
  const content = typeof event.content === 'string' ? event.content : '';
  const match = config.protectedTo.has(peer) && config.allowedFrom.has(sender) ? matchTrigger(config.trigger, config.requireBodyAfterTrigger, content) : null;
  if (match !== null) {
    return { kind: 'trigger', peer, trigger: { messageId, sender, text: match.text, body: match.body, receivedAt: now, config: runtime } };
  }
  if (messageId === '') return { kind: 'ignore', why: 'no message id to record' };
  return { kind: 'seen', peer, row: { op: 'seen', channel: config.channel, messageId, sender, peer, at: now } };
}
