/**
 * lorene-gate: in a protected chat the assistant may only answer after an allowed person's trigger, a few times,
 * for a limited time. The arm, its timers and the ledger live in one durable gate workflow per peer; this entry
 * only maps hooks to those workflows and decides what a failure means: protected peers fail closed, within the
 * decision's own deadline. What the gate must hear about (triggers, seen messages, cancels) goes through a
 * durable outbox ({@link GateFacts}), so an outage or a restart loses none of it.
 */
import { randomUUID } from 'node:crypto';
import { withLiveRegistration } from '../shared/live-registration.ts';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { maskPeer } from '../../workflows/gate/text.ts';
import { createBridgeLogger } from '../shared/bridge-logger.ts';
import { KeyedChain } from '../shared/keyed-chain.ts';
import type {
  MessageContext,
  MessageReceivedEvent,
  MessageSendingEvent,
  MessageSendingResult,
  PluginApi,
  ReplyPayloadSendingEvent,
  ReplyPayloadSendingResult,
} from '../shared/openclaw-types.ts';
import { TemporalBridge } from '../shared/temporal-bridge.ts';
import { WorkerVersionCheck } from '../shared/version-check.ts';
import { GateDecisions } from './decision.ts';
import { GateFacts, type OutgoingFact } from './facts.ts';
import { GateClient } from './gate-client.ts';
import { classifyInbound } from './inbound.ts';
import { loadGateConfig } from './load-config.ts';
import { classifyOutbound } from './outbound.ts';
import { classifyReplyPayload, describeWithoutText, eventMedia, passKeyOf, PayloadPasses } from './payload-gate.ts';
import { GATE_FACT_DELIVERY, gateService } from './service.ts';
import { hookSpanAttributes } from '../shared/span-attributes.ts';

export { gateOutboxPath } from './service.ts';

function register(api: PluginApi): void {
  const loaded = loadGateConfig(api);
  if (loaded === null) return; // unusable config: a fail-closed hook is registered instead
  const config = loaded;
  const log = createBridgeLogger(api.logger, { plugin: 'lorene-gate' }, config.debug);
  if (!config.enabled) {
    log.info({}, 'lorene-gate is disabled (enabled: false): its hooks do nothing');
    return;
  }
  const bridge = new TemporalBridge(config.temporal);
  const versionCheck = new WorkerVersionCheck({ bridge, taskQueue: config.taskQueue, log });
  const gate = new GateClient(bridge, new KeyedChain(config.maxQueuedPerPeer), { channel: config.channel, taskQueue: config.taskQueue });
  const deliver = (fact: OutgoingFact, deadline: number): Promise<void> => {
    if (fact.kind === 'trigger') return gate.trigger(fact.peer, fact.trigger, deadline, hookSpanAttributes('lorene-gate', 'message_received', {}, fact.peer));
    if (fact.kind === 'abandon') return gate.abandon(fact.peer, fact.abandon, deadline);
    return gate.seen(fact.rows, fact.dbPath, deadline, fact.gatewayId);
  };
  const facts = new GateFacts(deliver, log, GATE_FACT_DELIVERY);
  let runtime: GateRuntimeConfig | null = null;

  api.registerService(
    gateService({ config, log, bridge, versionCheck, facts }, (next) => {
      runtime = next;
    }),
  );

  async function onReceived(event: MessageReceivedEvent, ctx: MessageContext): Promise<void> {
    if (runtime === null) {
      log.warn({ hook: 'message_received' }, 'lorene-gate service is not running: inbound message not recorded');
      return;
    }
    const now = Date.now();
    const action = classifyInbound(config, runtime, event, ctx, now);
    if (action.kind === 'trigger') {
      // The fact id lets the gate recognise this trigger when the outbox delivers it twice (it may lack a message id).
      await facts.record({ kind: 'trigger', peer: action.peer, trigger: { ...action.trigger, observedAt: now, factId: randomUUID() } });
      log.debug({ hook: 'message_received', peer: maskPeer(action.peer), messageId: action.trigger.messageId }, 'trigger recorded');
    } else if (action.kind === 'seen') {
      await facts.record({ kind: 'seen', dbPath: runtime.dbPath, ...(runtime.gatewayId !== undefined && { gatewayId: runtime.gatewayId }), row: action.row });
    }
  }

  const decisions = new GateDecisions(gate, facts, log, config.decisionTimeoutMs);
  const passes = new PayloadPasses();
  const hookBudget = { timeoutMs: config.decisionTimeoutMs + 2000 };

  async function onSending(event: MessageSendingEvent, ctx: MessageContext): Promise<MessageSendingResult | undefined> {
    const action = classifyOutbound(config, event, ctx);
    if (action.kind === 'pass') return action.content === null ? undefined : { content: action.content };
    let content = action.ledgerText; // the ledger keeps the text before wrapping; the peer gets action.content
    if (content.trim().length === 0) {
      // No text: media (or nothing visible). Allowed already in reply_payload_sending? Then not a second use.
      const media = eventMedia(event.metadata);
      if (passes.take(passKeyOf(action.peer, media), Date.now())) return undefined;
      content = describeWithoutText(media);
    }
    const verdict = await decisions.decide('message_sending', action.peer, content, runtime, ctx);
    if (!verdict.deliver) return { cancel: true, cancelReason: verdict.reason };
    return action.changed ? { content: action.content } : undefined;
  }

  async function onReplyPayload(event: ReplyPayloadSendingEvent, ctx: MessageContext): Promise<ReplyPayloadSendingResult | undefined> {
    const action = classifyReplyPayload(config, event, ctx);
    if (action.kind === 'pass') return undefined;
    const verdict = await decisions.decide('reply_payload_sending', action.peer, action.content, runtime, ctx);
    if (!verdict.deliver) return { cancel: true, reason: verdict.reason };
    passes.grant(action.passKey, Date.now());
    return undefined;
  }

  api.on('message_received', (event, ctx) =>
    onReceived(event, ctx).catch((err: unknown) => {
      log.warn({ hook: 'message_received', err }, 'inbound message could not be handed to Temporal');
    }),
  );
  api.on(
    'message_sending',
    (event, ctx) => onSending(event, ctx).catch((err: unknown) => ({ cancel: true, cancelReason: decisions.bridgeError('message_sending', err) })),
    hookBudget,
  );
  api.on(
    'reply_payload_sending',
    (event, ctx) => onReplyPayload(event, ctx).catch((err: unknown) => ({ cancel: true, reason: decisions.bridgeError('reply_payload_sending', err) })),
    hookBudget,
  );
}

export default {
  id: 'lorene-gate',
  name: 'Lorene WhatsApp Gate',
  description: 'Durable outbound gate for protected chats, on Temporal.',
  register: withLiveRegistration('lorene-gate', register),
};
