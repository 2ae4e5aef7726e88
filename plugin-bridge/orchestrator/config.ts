/**
 * The orchestrator plugin's config, parsed once from `api.pluginConfig`: the policy keys go through the pure
 * parser the workflow shares (SEED-BEHAVIOUR §1.1: the original's defaults and filters), the connection keys
 * are the bridge's own. Unknown keys are rejected like the manifest's `additionalProperties: false`.
 */
import { InvalidConfigError } from '../shared/errors.ts';
import type { TemporalSettings } from '../shared/temporal-bridge.ts';
import type { OrchestratorConfig } from '../../workflows/orchestrator/config.ts';
import { parseOrchestratorConfig } from './policy-config.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { ORCHESTRATOR_PLUGIN_ID } from '../../workflows/orchestrator/contract.ts';

/** The parsed config: the policy (plain JSON, sent to the thread workflows) and how to reach Temporal. */
export interface OrchestratorBridgeConfig {
  readonly policy: OrchestratorConfig;
  readonly temporal: TemporalSettings;
  /** Task queue of the openclaw-temporal worker. @default "openclaw-temporal" */
  readonly taskQueue: string;
  /** Debug log lines. @default false */
  readonly debug: boolean;
}

/** Every key the manifest schema declares. */
export const ORCHESTRATOR_CONFIG_KEYS = [
  'injectOrchestratorPrompt', 'enforceMainDelegation', 'autoRetryFailedSubagents', 'maxRetriesPerTask', 'retryOutcomes',
  'allowedMainTools', 'allowedOrchestratorTools', 'orchestratorLabelPrefix', 'decisionTimeoutMs', 'onTemporalError',
  'retryBackoff', 'retryPickupTimeoutMs', 'notifyRequesterOnExhausted', 'gatewayId', 'retryRedelivery',
  'temporalAddress', 'temporalNamespace', 'temporalProfile', 'payloadKeyFile', 'taskQueue', 'debug',
] as const;

const fail = (field: string, reason: string): never => {
  throw new InvalidConfigError(ORCHESTRATOR_PLUGIN_ID, field, reason);
};

function optionalString(raw: Record<string, unknown>, field: string): string | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length > 0 ? value : fail(field, 'must be a non-empty string');
}

/** Parses the whole plugin config; throws {@link InvalidConfigError} naming the field. */
export function parseBridgeConfig(input: unknown): OrchestratorBridgeConfig {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) fail('(root)', 'must be an object');
  const raw = (input ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(raw).find((key) => !(ORCHESTRATOR_CONFIG_KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) fail(unknown, 'is not an orchestrator config key');
  const policy = parseOrchestratorConfig(raw);
  const debug = raw.debug;
  if (debug !== undefined && typeof debug !== 'boolean') fail('debug', 'must be a boolean');
  const address = optionalString(raw, 'temporalAddress');
  const namespace = optionalString(raw, 'temporalNamespace');
  const profile = optionalString(raw, 'temporalProfile');
  const payloadKeyFile = optionalString(raw, 'payloadKeyFile');
  return {
    policy,
    temporal: { ...(address && { address }), ...(namespace && { namespace }), ...(profile && { profile }), ...(payloadKeyFile && { payloadKeyFile }) },
    taskQueue: optionalString(raw, 'taskQueue') ?? WORKFLOW_TASK_QUEUE,
    debug: debug === true,
  };
}
