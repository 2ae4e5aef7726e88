/**
 * lorene-gate's config at registration, and what happens when it cannot be used. The gate protects chats, so a
 * config it cannot use must not leave them ungated: instead of failing the plugin load (which registers no hooks
 * and lets every reply through), the plugin stays loaded in a **fail-closed** mode that cancels every message to
 * the configured protected peers — or to every peer of the channel when even `protectedTo` is unusable.
 */
import { normalizePhone } from '../../workflows/gate/text.ts';
import { createBridgeLogger } from '../shared/bridge-logger.ts';
import { InvalidConfigError } from '../shared/errors.ts';
import type { MessageContext, MessageSendingEvent, MessageSendingResult, PluginApi } from '../shared/openclaw-types.ts';
import { parseGateConfig, type GateConfig } from './config.ts';

/** Which messages the fail-closed mode cancels: `null` channel = every channel, `null` peers = every peer. */
export interface FailClosedScope {
  readonly channel: string | null;
  readonly peers: ReadonlySet<string> | null;
}

/**
 * What can still be read from a config the gate cannot use: its channel and protected peers when they are
 * well-formed (absent ones take their defaults: "whatsapp", no protected peer), else "all of them".
 */
export function failClosedScope(pluginConfig: unknown): FailClosedScope {
  const raw = typeof pluginConfig === 'object' && pluginConfig !== null ? (pluginConfig as Record<string, unknown>) : {};
  const channel = raw.channel === undefined ? 'whatsapp' : typeof raw.channel === 'string' ? raw.channel.toLowerCase() : null;
  const list = raw.protectedTo;
  const usable = list === undefined || (Array.isArray(list) && list.every((p) => typeof p === 'string'));
  const peers = usable ? new Set(((list ?? []) as string[]).map(normalizePhone).filter((p) => p.length > 0)) : null;
  return { channel, peers };
}

/** Whether the fail-closed mode cancels this outbound message. */
export function cancelsInFailClosed(scope: FailClosedScope, event: MessageSendingEvent, ctx: MessageContext): boolean {
  if (scope.channel !== null && (typeof ctx?.channelId !== 'string' || ctx.channelId.toLowerCase() !== scope.channel)) return false;
  return scope.peers === null || scope.peers.has(normalizePhone(event?.to));
}

/**
 * Parses the config, logging each clamped or suspicious value as a warning naming its field. When the config
 * cannot be used, registers the fail-closed `message_sending` hook (unless the config says `enabled: false`) and
 * returns null: the caller registers nothing else.
 */
export function loadGateConfig(api: PluginApi): GateConfig | null {
  const log = createBridgeLogger(api.logger, { plugin: 'lorene-gate' }, false);
  try {
    return parseGateConfig(api.pluginConfig, (field, problem) => log.warn({ field }, `lorene-gate config: ${field} ${problem}`));
  } catch (err) {
    const field = err instanceof InvalidConfigError ? err.field : '(unknown)';
    const reason = err instanceof Error ? err.message : String(err);
    if (api.pluginConfig?.enabled === false) {
      log.warn({ field, reason }, 'lorene-gate config is unusable, and the gate is disabled (enabled: false): no hooks');
      return null;
    }
    const scope = failClosedScope(api.pluginConfig);
    const covers = scope.peers === null ? 'every peer' : `${scope.peers.size} protected peer(s)`;
    log.error({ field, reason, channel: scope.channel ?? '(every channel)', protectedPeers: scope.peers?.size ?? 'all' },
      `lorene-gate config is unusable: FAIL CLOSED, every message to ${covers} is cancelled until the config is fixed`);
    const cancelReason = `lorene-gate: config unusable (${field}), protected chats are silent`;
    api.on('message_sending', (event, ctx): MessageSendingResult | undefined => {
      if (!cancelsInFailClosed(scope, event, ctx)) return undefined;
      log.warn({ hook: 'message_sending', field }, 'message cancelled: lorene-gate config is unusable (fail closed)');
      return { cancel: true, cancelReason };
    });
    return null;
  }
}
