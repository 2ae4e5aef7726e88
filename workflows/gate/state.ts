/**
 * The gate's state: one plain JSON value, exactly what continue-as-new carries (no Map, Set or class).
 */
import type { DeadLetter } from './dead-letters.ts';
import type { GateLedgerOp } from './ledger-ops.ts';
import type { GateRuntimeConfig } from './contract.ts';

/** A live or dead arm: the permission to answer a request a few more times, until `expiresAt`. */
export interface Arm {
  readonly requestId: string;
  readonly sourceMessageId: string | null;
  readonly sender: string;
  readonly expiresAt: number;
  readonly usesLeft: number;
}

/** A request still waiting for its first answer (`received`); the watchdog marks it `missed` at `createdAt + missedResponseTtlMs`. */
export interface PendingRequest {
  readonly requestId: string;
  readonly sender: string;
  readonly inboundMessageId: string | null;
  readonly createdAt: number;
  readonly missedAt: number;
}

/** A delivered decision the bridge may still abandon, with what it consumed (to give it back). */
export interface DeliveredDecision {
  readonly decisionId: string;
  readonly requestId: string;
  /** The live arm the decision used, or null when watchdog recovery made a one-use arm for it. */
  readonly armBefore: Arm | null;
  /** The request as it was pending, when this decision was its first answer (abandoning reopens it). */
  readonly reopens: PendingRequest | null;
}

/** Counters shown in the Web UI; they survive continue-as-new. */
export interface GateCounters {
  readonly triggers: number;
  readonly delivered: number;
  readonly blocked: number;
  readonly missed: number;
  readonly duplicates: number;
}

/** Everything one gate (one protected peer on one channel) knows. */
export interface GateState {
  readonly channel: string;
  readonly peer: string;
  readonly arm: Arm | null;
  /** Requests in status `received`, oldest first, at most {@link MAX_PENDING_REQUESTS}. */
  readonly pending: readonly PendingRequest[];
  /** The newest thread id per topic (`media`, `scheduling`, `general`). */
  readonly threads: Readonly<Record<string, string>>;
  /** Recent inbound message ids (or `fact:<id>` of triggers without one), newest last, at most {@link DEDUPE_WINDOW}: duplicates are ignored. */
  readonly recentMessageIds: readonly string[];
  /** What happened last, for the Web UI ("request … missed"). */
  readonly lastEvent: string | null;
  /** Ledger operations decided but not yet written; flushed by the workflow through the ledger activity. */
  readonly ledger: readonly GateLedgerOp[];
  /** The config of the newest event (durations and ledger path). */
  readonly config: GateRuntimeConfig | null;
  readonly counters: GateCounters;
  /** Ledger batches that failed after the bounded attempts, oldest first, waiting for a replay (absent in old runs). */
  readonly deadLetters?: readonly DeadLetter[];
  /** Ops dropped from the dead-letter queue over its bound, or rejected as malformed on replay. */
  readonly deadLettersDropped?: number;
  /** Recent delivered decisions, newest last, at most {@link DECISION_WINDOW}. Absent in states from older runs. */
  readonly delivered?: readonly DeliveredDecision[];
  /** Decision ids the bridge abandoned, newest last, at most {@link DEDUPE_WINDOW}. Absent in older states. */
  readonly abandoned?: readonly string[];
}

/** How many inbound ids a gate remembers for dedupe. */
export const DEDUPE_WINDOW = 256;
/** How many delivered decisions a gate remembers, for the bridge to abandon (it does so within seconds). */
export const DECISION_WINDOW = 64;
/** How many unanswered requests a gate tracks; older ones are marked missed early rather than forgotten. */
export const MAX_PENDING_REQUESTS = 32;

/** A gate that has seen nothing yet. */
export function initialGateState(channel: string, peer: string): GateState {
  return {
    channel,
    peer,
    arm: null,
    pending: [],
    threads: {},
    recentMessageIds: [],
    lastEvent: null,
    ledger: [],
    config: null,
    counters: { triggers: 0, delivered: 0, blocked: 0, missed: 0, duplicates: 0 },
  };
}
