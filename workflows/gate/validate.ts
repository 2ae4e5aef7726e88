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

/** Why a trigger signal is malformed, or null when it is fine. */
export function validateTriggerEvent(event: unknown): string | null {
  if (!isRecord(event)) return 'trigger must be an object';
  const e = event as Partial<Record<keyof GateTriggerEvent, unknown>>;
  for (const key of ['messageId', 'sender', 'text', 'body'] as const) {
    if (typeof e[key] !== 'string') return `${key} must be a string`;
  }
  if (typeof e.receivedAt !== 'number' || !Number.isFinite(e.receivedAt)) return 'receivedAt must be a number';
  if (e.observedAt !== undefined && (typeof e.observedAt !== 'number' || !Number.isFinite(e.observedAt))) return 'observedAt must be a number';
  if (e.factId !== undefined && (typeof e.factId !== 'string' || e.factId.length === 0)) return 'factId must be a non-empty string';
  return configProblem(e.config);
}

/** Why an abandon signal is malformed, or null when it is fine. */
export function validateAbandonEvent(event: unknown): string | null {
  if (!isRecord(event)) return 'abandon must be an object';
  const e = event as Partial<Record<keyof GateAbandonEvent, unknown>>;
  if (typeof e.decisionId !== 'string' || e.decisionId.length === 0) return 'decisionId must be a non-empty string';
  if (typeof e.content !== 'string') return 'content must be a string';
  if (typeof e.reason !== 'string') return 'reason must be a string';
  if (typeof e.observedAt !== 'number' || !Number.isFinite(e.observedAt)) return 'observedAt must be a number';
  return configProblem(e.config);
}

/** Why an outbound request is malformed, or null when it is fine. */
export function validateOutboundRequest(request: unknown): string | null {
  if (!isRecord(request)) return 'request must be an object';
  const r = request as Partial<Record<keyof GateOutboundRequest, unknown>>;
  if (typeof r.decisionId !== 'string' || r.decisionId.length === 0) return 'decisionId must be a non-empty string';
  if (typeof r.content !== 'string') return 'content must be a string';
  if (r.notAfter !== undefined && (typeof r.notAfter !== 'number' || !Number.isFinite(r.notAfter))) return 'notAfter must be a number';
  return configProblem(r.config);
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
