/**
 * Shape checks for what crosses into a gate workflow. A malformed trigger is dropped with a warning; a
 * malformed outbound request is rejected by the update validator before it reaches history.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { GateAbandonEvent, GateOutboundRequest, GateRuntimeConfig, GateTriggerEvent } from './contract.ts';
import { isRecord } from '../shared/is-record.ts';
import { gatewayIdProblem } from '../shared/ledger-target.ts';

function configProblem(config: unknown): string | null {
  if (!isRecord(config)) return 'config must be an object';
  const c = config as Partial<Record<keyof GateRuntimeConfig, unknown>>;
  for (const key of ['armTtlMs', 'maxUsesPerArm', 'missedResponseTtlMs'] as const) {
    const value = c[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return `config.${key} must be a positive number`;
  }
  if (typeof c.dbPath !== 'string' || !c.dbPath.startsWith('/')) return 'config.dbPath must be an absolute path';
  return gatewayIdProblem(c.gatewayId, 'config.gatewayId');
}

/** One field's rule: what it must be, for the message, and the test. */
interface FieldRule {
  readonly must: string;
  readonly ok: (value: unknown) => boolean;
}

const finite = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
const TEXT: FieldRule = { must: 'a string', ok: (value) => typeof value === 'string' };
const ID: FieldRule = { must: 'a non-empty string', ok: (value) => typeof value === 'string' && value.length > 0 };
const NUMBER: FieldRule = { must: 'a number', ok: finite };
/** The same rule, but the field may be absent. */
const optional = (rule: FieldRule): FieldRule => ({ must: rule.must, ok: (value) => value === undefined || rule.ok(value) });

/** The first field of `fields` that breaks its rule, as "<field> must be …", then the config; null when all hold. */
function fieldsProblem(what: string, value: unknown, fields: Readonly<Record<string, FieldRule>>): string | null {
  if (!isRecord(value)) return `${what} must be an object`;
  for (const [key, rule] of Object.entries(fields)) {
    if (!rule.ok(value[key])) return `${key} must be ${rule.must}`;
  }
  return configProblem(value.config);
}

/** Why a trigger signal is malformed, or null when it is fine. */
export function validateTriggerEvent(event: unknown): string | null {
  return fieldsProblem('trigger', event, {
    messageId: TEXT,
    sender: TEXT,
    text: TEXT,
    body: TEXT,
    receivedAt: NUMBER,
    observedAt: optional(NUMBER),
    factId: optional(ID),
  } satisfies Partial<Record<keyof GateTriggerEvent, FieldRule>>);
}

/** Why an abandon signal is malformed, or null when it is fine. */
export function validateAbandonEvent(event: unknown): string | null {
  return fieldsProblem('abandon', event, {
    decisionId: ID,
    content: TEXT,
    reason: TEXT,
    observedAt: NUMBER,
  } satisfies Partial<Record<keyof GateAbandonEvent, FieldRule>>);
}

/** Why an outbound request is malformed, or null when it is fine. */
export function validateOutboundRequest(request: unknown): string | null {
  return fieldsProblem('request', request, {
    decisionId: ID,
    content: TEXT,
    notAfter: optional(NUMBER),
  } satisfies Partial<Record<keyof GateOutboundRequest, FieldRule>>);
}

/**
 * The outbound update's validator: throws (non-retryable) for a malformed request (`InvalidGateRequest`) and for
 * one that arrives after its `notAfter` (`GateDecisionExpired`) — the bridge gave up then and cancelled the
 * message, so consuming a use for it now would be a lie. A refused update never reaches history.
 */
export function checkOutboundRequest(request: GateOutboundRequest, now: number): void {
  const problem = validateOutboundRequest(request);
  if (problem !== null) throw ApplicationFailure.nonRetryable(problem, 'InvalidGateRequest');
  if (request.notAfter !== undefined && now > request.notAfter) {
    throw ApplicationFailure.nonRetryable(`decision ${request.decisionId} arrived after its deadline`, 'GateDecisionExpired');
  }
}
