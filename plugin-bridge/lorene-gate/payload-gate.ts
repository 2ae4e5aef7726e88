/**
 * Payloads without text (media, a location, a card) to a protected peer. OpenClaw's legacy reply dispatcher
 * (`buildLegacyInboundMessageSendingBeforeDeliver`) skips `message_sending` for a payload without text, but every
 * reply dispatcher runs `reply_payload_sending` first: such payloads are gated there. Paths that do run
 * `message_sending` for the same payload afterwards (projected and routed dispatchers) then pass it on the
 * short-lived pass this one left, so one payload consumes one use.
 */
import { normalizePhone } from '../../workflows/gate/text.ts';
import type { MessageContext, ReplyPayloadSendingEvent } from '../shared/openclaw-types.ts';
import type { GateConfig } from './config.ts';

export type PayloadAction = { readonly kind: 'pass' } | { readonly kind: 'decide'; readonly peer: string; readonly content: string; readonly passKey: string };

/** How long a payload allowed in `reply_payload_sending` may pass `message_sending` without a second use. */
const PASS_TTL_MS = 10_000;
const MAX_PASSES = 256;

function mediaOf(urls: unknown, url?: unknown): string[] {
  const list = Array.isArray(urls) ? urls : [];
  return [...(typeof url === 'string' ? [url] : []), ...list].filter((u): u is string => typeof u === 'string' && u.length > 0);
}

/** The key that links a payload's two hooks: peer and media list. */
export function passKeyOf(peer: string, media: readonly string[]): string {
  return `${peer}\n${[...new Set(media)].join('\n')}`;
}

/** What the ledger records for a message without text: `[media] <urls>`, or `[no text]`. */
export function describeWithoutText(media: readonly string[]): string {
  return media.length > 0 ? `[media] ${media.join(' ')}` : '[no text]';
}

/** Media URLs a `message_sending` event carries (`metadata.mediaUrls`). */
export function eventMedia(metadata: Record<string, unknown> | undefined): string[] {
  return mediaOf(metadata?.['mediaUrls']);
}

/** Decide a payload here only when it goes to a protected peer on the gate's channel and has no text. */
export function classifyReplyPayload(config: GateConfig, event: ReplyPayloadSendingEvent, ctx: MessageContext): PayloadAction {
  if (typeof ctx?.channelId !== 'string' || ctx.channelId.toLowerCase() !== config.channel) return { kind: 'pass' };
  const peer = normalizePhone(ctx.conversationId);
  if (!config.protectedTo.has(peer)) return { kind: 'pass' };
  const payload = event?.payload;
  if (typeof payload?.text === 'string' && payload.text.trim().length > 0) return { kind: 'pass' }; // message_sending gates text on every path
  const media = mediaOf(payload?.mediaUrls, payload?.mediaUrl);
  return { kind: 'decide', peer, content: describeWithoutText(media), passKey: passKeyOf(peer, media) };
}

/** Passes granted by `reply_payload_sending`, each taken at most once, for {@link PASS_TTL_MS}. */
export class PayloadPasses {
  readonly #until = new Map<string, number[]>();

  grant(key: string, now: number): void {
    const live = (this.#until.get(key) ?? []).filter((t) => t > now);
    this.#until.set(key, [...live, now + PASS_TTL_MS]);
    if (this.#until.size > MAX_PASSES) this.#until.delete(this.#until.keys().next().value ?? key);
  }

  take(key: string, now: number): boolean {
    const live = (this.#until.get(key) ?? []).filter((t) => t > now);
    const taken = live.length > 0;
    if (live.length > 1) this.#until.set(key, live.slice(1));
    else this.#until.delete(key);
    return taken;
  }
}
