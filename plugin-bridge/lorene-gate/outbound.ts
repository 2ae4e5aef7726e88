/**
 * `message_sending` → decided locally (pure) for everything but protected peers: other channels pass, wrapper
 * targets get their text wrapped, unprotected peers pass without a Temporal round trip.
 */
import { normalizePhone, wrapContent } from '../../workflows/gate/text.ts';
import type { MessageContext, MessageSendingEvent } from '../shared/openclaw-types.ts';
import type { GateConfig } from './config.ts';

export type OutboundAction =
  | { readonly kind: 'pass'; readonly content: string | null }
  | { readonly kind: 'decide'; readonly peer: string; readonly content: string; readonly changed: boolean; readonly ledgerText: string };

/**
 * `content` is the text to deliver (wrapped for a wrapper target; for `pass`, null when nothing changed).
 * `ledgerText` is what the gate records for a protected peer: the text before wrapping, as the original stored it.
 */
export function classifyOutbound(config: GateConfig, event: MessageSendingEvent, ctx: MessageContext): OutboundAction {
  if (typeof ctx?.channelId !== 'string' || ctx.channelId.toLowerCase() !== config.channel) return { kind: 'pass', content: null };
  const to = normalizePhone(event?.to);
  const original = typeof event?.content === 'string' ? event.content : '';
  const wrapped = config.wrapperTargets.has(to) ? wrapContent(original, config.wrapperPrefix, config.wrapperSuffix) : original;
  const changed = wrapped !== original;
  if (!config.protectedTo.has(to)) return { kind: 'pass', content: changed ? wrapped : null };
  return { kind: 'decide', peer: to, content: wrapped, changed, ledgerText: original };
}
