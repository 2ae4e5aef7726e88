/**
 * OpenClaw's ids as span attributes: the bridge puts them on the `openclaw.<operation>` span it opens around a
 * call when tracing is on (temporal-bridge.ts), the parent of the SDK's client span, so one decision or one reply
 * can be found by session, run or agent. Ids only — never message text; a peer's phone number is masked as in
 * the logs (`+49…67`).
 */
import { maskPeer } from '../../workflows/gate/text.ts';

/** Attribute name → value; empty values are left out. */
export type SpanAttributes = Readonly<Record<string, string>>;

/** The ids a hook context may carry (OpenClaw's agent, tool, session and message contexts). */
export interface HookIds {
  readonly sessionKey?: string;
  readonly sessionId?: string;
  readonly runId?: string;
  readonly agentId?: string;
  readonly toolName?: string;
  readonly toolCallId?: string;
  readonly channelId?: string;
  readonly accountId?: string;
  readonly conversationId?: string;
}

const NAMES: Readonly<Record<keyof HookIds, string>> = {
  sessionKey: 'openclaw.session_key',
  sessionId: 'openclaw.session_id',
  runId: 'openclaw.run_id',
  agentId: 'openclaw.agent_id',
  toolName: 'openclaw.tool_name',
  toolCallId: 'openclaw.tool_call_id',
  channelId: 'openclaw.channel',
  accountId: 'openclaw.account_id',
  conversationId: 'openclaw.conversation_id',
};

/** `openclaw.plugin`, `openclaw.hook` and the ids of `ids` present; `peer` (a phone number) goes in masked. */
export function hookSpanAttributes(plugin: string, hook: string, ids: HookIds = {}, peer?: string): SpanAttributes {
  const attributes: Record<string, string> = { 'openclaw.plugin': plugin, 'openclaw.hook': hook };
  for (const key of Object.keys(NAMES) as (keyof HookIds)[]) {
    const value = ids[key];
    if (typeof value === 'string' && value !== '') attributes[NAMES[key]] = key === 'conversationId' ? maskPeer(value) : value;
  }
  if (peer !== undefined && peer !== '') attributes['openclaw.peer'] = maskPeer(peer);
  return attributes;
}
