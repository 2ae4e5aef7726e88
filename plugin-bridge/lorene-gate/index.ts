/**
 * lorene-gate: in a protected chat the assistant may only answer after an allowed person's trigger, a few times,
 * for a limited time. The arm, its timers and the ledger live in one durable gate workflow per peer; this entry
 * only maps hooks to those workflows and decides what a failure means: protected peers fail closed.
 */
import { withLiveRegistration } from '../shared/live-registration.ts';
import { randomUUID } from 'node:crypto';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { maskPeer } from '../../workflows/gate/text.ts';
import { createBridgeLogger } from '../shared/bridge-logger.ts';
import { TemporalCallError } from '../shared/errors.ts';
import { KeyedChain } from '../shared/keyed-chain.ts';
import type { MessageContext, MessageReceivedEvent, MessageSendingEvent, MessageSendingResult, PluginApi } from '../shared/openclaw-types.ts';
import { TemporalBridge } from '../shared/temporal-bridge.ts';
import { parseGateConfig, resolveDbPath } from './config.ts';
import { GateClient } from './gate-client.ts';
import { classifyInbound } from './inbound.ts';
import { classifyOutbound } from './outbound.ts';

/** Bound on the fire-and-forget inbound signals (they are not on a user-visible path). */
const SIGNAL_TIMEOUT_MS = 10_000;

function register(api: PluginApi): void {
  const config = parseGateConfig(api.pluginConfig);
  const log = createBridgeLogger(api.logger, { plugin: 'lorene-gate' }, config.debug);
  if (!config.enabled) {
    log.info({}, 'lorene-gate is disabled (enabled: false): its hooks do nothing');
    return;
  }
  const bridge = new TemporalBridge(config.temporal);
  const gate = new GateClient(bridge, new KeyedChain(), { channel: config.channel, taskQueue: config.taskQueue });
  let runtime: GateRuntimeConfig | null = null;

  api.registerService({
    id: 'lorene-gate-temporal',
    start(ctx) {
      const dbPath = resolveDbPath(config, ctx.stateDir);
      runtime = { armTtlMs: config.armTtlMs, maxUsesPerArm: config.maxUsesPerArm, missedResponseTtlMs: config.missedResponseTtlMs, dbPath };
      bridge.start();
      log.info({ dbPath, protectedPeers: config.protectedTo.size }, 'lorene-gate connected to Temporal (lazily)');
    },
    stop: () => bridge.stop(),
  });

  async function onReceived(event: MessageReceivedEvent, ctx: MessageContext): Promise<void> {
    if (runtime === null) {
      log.warn({ hook: 'message_received' }, 'lorene-gate service is not running: inbound message not recorded');
      return;
    }
    const action = classifyInbound(config, runtime, event, ctx, Date.now());
    const deadline = Date.now() + SIGNAL_TIMEOUT_MS;
    if (action.kind === 'trigger') {
      await gate.trigger(action.peer, action.trigger, deadline);
      log.debug({ hook: 'message_received', peer: maskPeer(action.peer), messageId: action.trigger.messageId }, 'trigger signalled');
    } else if (action.kind === 'seen') {
      await gate.seen(action.row, runtime.dbPath, deadline);
    }
  }

  async function onSending(event: MessageSendingEvent, ctx: MessageContext): Promise<MessageSendingResult | undefined> {
    const action = classifyOutbound(config, event, ctx);
    if (action.kind === 'pass') return action.content === null ? undefined : { content: action.content };
    const peer = maskPeer(action.peer);
    if (runtime === null) return cancelled(peer, 'the lorene-gate service is not running');
    const decisionId = randomUUID();
    const deadline = Date.now() + config.decisionTimeoutMs;
    try {
      const decision = await gate.decide(action.peer, { decisionId, content: action.content, config: runtime, notAfter: deadline }, deadline);
      if (decision.action === 'deliver') {
        log.debug({ hook: 'message_sending', peer, requestId: decision.requestId, usesLeft: decision.usesLeft }, 'delivered');
        return action.changed ? { content: action.content } : undefined;
      }
      log.info({ hook: 'message_sending', peer, reason: decision.reason, requestId: decision.requestId }, 'message to a protected peer cancelled');
      return { cancel: true, cancelReason: `lorene-gate: ${decision.reason}` };
    } catch (err) {
      const reason = err instanceof TemporalCallError ? `${err.kind}: ${err.detail}` : String(err);
      return cancelled(peer, `Temporal gave no decision (${reason})`);
    }
  }

  function cancelled(peer: string, reason: string): MessageSendingResult {
    log.warn({ hook: 'message_sending', peer, reason }, 'message to a protected peer cancelled (fail closed)');
    return { cancel: true, cancelReason: `lorene-gate: ${reason}` };
  }

  api.on('message_received', (event, ctx) =>
    onReceived(event, ctx).catch((err: unknown) => {
      log.warn({ hook: 'message_received', err }, 'inbound message could not be handed to Temporal');
    }),
  );
  api.on(
    'message_sending',
    (event, ctx) =>
      onSending(event, ctx).catch((err: unknown) => cancelled('(unknown)', `bridge error: ${String(err)}`)),
    { timeoutMs: config.decisionTimeoutMs + 2000 },
  );
}

export default {
  id: 'lorene-gate',
  name: 'Lorene WhatsApp Gate',
  description: 'Durable outbound gate for protected chats, on Temporal.',
  register: withLiveRegistration('lorene-gate', register),
};
