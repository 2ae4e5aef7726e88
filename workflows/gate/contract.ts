/**
 * The lorene-gate contract: every message between the gateway bridge and the gate workflows, declared once and
 * imported by both sides. Wire names are frozen: recorded histories contain them.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GateState } from './state.ts';

export * from './seen-contract.ts';

/** Durations and the ledger file the gateway's config gives the gate; carried on every event so a changed config applies at once. */
export interface GateRuntimeConfig {
  /** How long an arm lives after a trigger, and after each use. */
  readonly armTtlMs: number;
  /** Uses per trigger. */
  readonly maxUsesPerArm: number;
  /** After this long without an answer a request is `missed` and can no longer be recovered. */
  readonly missedResponseTtlMs: number;
  /** Absolute path of the gate ledger (SQLite) on the worker host. */
  readonly dbPath: string;
  /** The plugin's `gatewayId`: ledger batches go to `openclaw-temporal-ledger/<gatewayId>` (new). Absent: the fixed ledger queue. */
  readonly gatewayId?: string;
}

/** An allowed person's trigger in a protected chat (the bridge has matched the trigger prefix and the body). */
export interface GateTriggerEvent {
  /** Inbound message id; a second trigger with the same id is ignored. Empty when the host gave none. */
  readonly messageId: string;
  readonly sender: string;
  /** The whole inbound text, as the ledger's `trigger_text`. */
  readonly text: string;
  /** The text after the trigger prefix, as the ledger's `body` (it also decides the topic thread). */
  readonly body: string;
  /** Gateway time of the message (epoch ms), used only when the host gave no message id. */
  readonly receivedAt: number;
  /**
   * When the gateway saw the trigger (epoch ms). A trigger replayed from the bridge's outbox after an outage
   * keeps it, so its arm and watchdog count from then (the workflow never uses a time later than its own clock).
   * Absent in old histories: workflow time is used.
   */
  readonly observedAt?: number;
  /**
   * Given by the bridge when it observes the trigger (a UUID). The outbox delivers at least once: a trigger
   * without a message id is recognised by this id when it arrives twice. Absent in old histories.
   */
  readonly factId?: string;
  readonly config: GateRuntimeConfig;
}

/** An outbound message to the protected peer: may it be delivered? */
export interface GateOutboundRequest {
  /** Unique per `message_sending` call: the ledger row of this decision is written once. */
  readonly decisionId: string;
  /** The text for the ledger: as the agent wrote it, before the bridge wraps it for a wrapper target (as the original stored it). */
  readonly content: string;
  readonly config: GateRuntimeConfig;
  /**
   * Sent by older bridges only: their deadline (epoch ms), checked against workflow time by the validator. The
   * bridge now reports a decision it gave up with {@link gateAbandonSignal} instead (no clocks compared).
   */
  readonly notAfter?: number;
}

/**
 * The bridge gave up on a decision (its deadline passed, Temporal gave no answer) and cancelled the message.
 * Sent after the fact, through the bridge's outbox when Temporal is unreachable: the gate records the cancel
 * (a `blocked` row with the reason) and, when the decision had consumed a use, gives the use back.
 */
export interface GateAbandonEvent {
  /** The `decisionId` of the abandoned {@link GateOutboundRequest}. */
  readonly decisionId: string;
  /** The text that was not delivered. */
  readonly content: string;
  /** Why the bridge cancelled it (for the ledger's `reason`). */
  readonly reason: string;
  /** When the bridge cancelled it (epoch ms; capped at workflow time). */
  readonly observedAt: number;
  readonly config: GateRuntimeConfig;
}

/** Why a message was cancelled, or that it was delivered; `abandoned`: the bridge had already given it up. */
export type GateDecisionReason = 'armed' | 'recovered' | 'no-arm' | 'request-missed' | 'abandoned';

/** The gate's answer to an outbound message. */
export interface GateOutboundDecision {
  readonly action: 'deliver' | 'cancel';
  readonly reason: GateDecisionReason;
  /** The request the message answers (deliver) or the one that was found missed. */
  readonly requestId: string | null;
  /** Uses left on the arm after this message (0 when it is disarmed or absent). */
  readonly usesLeft: number;
  /** Expiry of the arm after this message (epoch ms), or null when disarmed. */
  readonly expiresAt: number | null;
}

/** Arguments of the gate workflow; `state` is given only by continue-as-new. */
export interface GateWorkflowArgs {
  readonly channel: string;
  readonly peer: string;
  readonly state?: GateState;
  /**
   * Continue as new once the history has this many events (or when the server suggests it, whichever comes
   * first). Tests lower it to reach the path. @default 2000
   */
  readonly maxHistoryEvents?: number;
}

/** What a replay of the dead-letter queue did. */
export interface ReplayDeadLettersResult {
  /** Ops written by this replay. */
  readonly replayed: number;
  /** Ops still waiting (the replay stops at the first batch that fails again). */
  readonly remaining: number;
  /** Why the replay stopped early, or null when the queue is empty. */
  readonly error: string | null;
}

export const gateTriggerSignal = defineSignal<[GateTriggerEvent]>('lorene-gate.trigger');
export const gateOutboundUpdate = defineUpdate<GateOutboundDecision, [GateOutboundRequest]>('lorene-gate.outbound');
export const gateStateQuery = defineQuery<GateState>('lorene-gate.state');
/** Writes the gate's dead-lettered ledger batches again, in order; answers once the replay is done or stopped. */
export const gateReplayDeadLettersUpdate = defineUpdate<ReplayDeadLettersResult, []>('lorene-gate.replay-dead-letters');
export const gateAbandonSignal = defineSignal<[GateAbandonEvent]>('lorene-gate.abandon');

/** Workflow id of the gate of one protected peer. */
export function gateWorkflowId(channel: string, peer: string): string {
  return `lorene-gate/${channel}/${peer}`;
}
