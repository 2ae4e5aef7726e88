/**
 * Shape checks for what crosses into a thread workflow. A malformed tool-call update is rejected by the
 * update validator before it reaches history; a malformed signal is dropped with a warning (a signal cannot
 * be refused). Each function returns why the value is malformed, or null when it is fine.
 */
import type { OrchestratorConfig } from './config.ts';
import { isRecord } from '../shared/is-record.ts';

type Shape<T> = Partial<Record<keyof T, unknown>>;

const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';
const stringArray = (value: unknown): boolean => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Why a config is not an {@link OrchestratorConfig} the rules can use, or null. */
export function configProblem(config: unknown): string | null {
  if (!isRecord(config)) return 'config must be an object';
  const c = config as Shape<OrchestratorConfig>;
  for (const key of ['injectOrchestratorPrompt', 'enforceMainDelegation', 'autoRetryFailedSubagents'] as const) {
    if (typeof c[key] !== 'boolean') return `config.${key} must be a boolean`;
  }
  if (typeof c.maxRetriesPerTask !== 'number' || !Number.isInteger(c.maxRetriesPerTask)) return 'config.maxRetriesPerTask must be an integer';
  for (const key of ['retryOutcomes', 'allowedMainTools', 'allowedOrchestratorTools'] as const) {
    if (!stringArray(c[key])) return `config.${key} must be an array of strings`;
  }
  if (!nonEmpty(c.orchestratorLabelPrefix)) return 'config.orchestratorLabelPrefix must be a non-empty string';
  return null;
}

/** Why a tool-call update is malformed, or null. */
export function toolCallRequestProblem(request: unknown): string | null {
  if (!isRecord(request)) return 'request must be an object';
  const call = request.call;
  if (!isRecord(call)) return 'call must be an object';
  if (!nonEmpty(call.sessionKey)) return 'call.sessionKey must be a non-empty string';
  if (!nonEmpty(call.toolName)) return 'call.toolName must be a non-empty string';
  if (!isRecord(call.params)) return 'call.params must be an object';
  if (!optionalString(call.runId) || !optionalString(call.toolCallId)) return 'call.runId and call.toolCallId must be strings when given';
  if (!optionalString(request.lastUserMessage)) return 'lastUserMessage must be a string when given';
  return configProblem(request.config);
}

/** Why a signal payload is malformed, or null. `required` names its mandatory non-empty string fields. */
export function signalProblem(signal: unknown, required: readonly string[], optional: readonly string[] = []): string | null {
  if (!isRecord(signal)) return 'signal must be an object';
  for (const key of ['eventId', ...required]) if (!nonEmpty(signal[key])) return `${key} must be a non-empty string`;
  for (const key of optional) if (!optionalString(signal[key])) return `${key} must be a string when given`;
  return null;
}

/** `orchestrator.spawn-result`: session key, `accepted` flag, optional ids and child key. */
export function spawnResultProblem(signal: unknown): string | null {
  const problem = signalProblem(signal, ['sessionKey'], ['runId', 'toolCallId', 'childSessionKey']);
  if (problem !== null) return problem;
  return typeof (signal as { accepted?: unknown }).accepted === 'boolean' ? null : 'accepted must be a boolean';
}

/** `orchestrator.subagent-activity`: child key, optional requester, and the hook it came from. */
export function subagentActivityProblem(signal: unknown): string | null {
  const problem = signalProblem(signal, ['childSessionKey', 'hook'], ['requesterSessionKey']);
  if (problem !== null) return problem;
  const hook = (signal as { hook?: unknown }).hook;
  return hook === 'subagent_spawned' || hook === 'subagent_delivery_target' ? null : 'hook must be subagent_spawned or subagent_delivery_target';
}

/** `orchestrator.subagent-ended`: target key and kind, optional outcome. */
export function subagentEndedProblem(signal: unknown): string | null {
  return signalProblem(signal, ['targetSessionKey', 'targetKind'], ['outcome']);
}

/** `orchestrator.session-end`: the session key. */
export function sessionEndProblem(signal: unknown): string | null {
  return signalProblem(signal, ['sessionKey']);
}
