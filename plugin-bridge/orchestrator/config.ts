/**
 * The orchestrator plugin's config, parsed once from `api.pluginConfig`: the policy keys go through the pure
 * parser the workflow shares (SEED-BEHAVIOUR §1.1: the original's defaults and filters), the connection keys
 * are the bridge's own. Unknown keys are rejected like the manifest's `additionalProperties: false`.
 */
import { configFields } from '../shared/config-fields.ts';
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

/** Parses the whole plugin config; throws the plugin's config error naming the field (`InvalidConfigError`). */
export function parseBridgeConfig(input: unknown): OrchestratorBridgeConfig {
  const raw = (input ?? {}) as Record<string, unknown>;
  const { fail, bool, str, temporal } = configFields(ORCHESTRATOR_PLUGIN_ID, raw);
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) fail('(root)', 'must be an object');
  const unknown = Object.keys(raw).find((key) => !(ORCHESTRATOR_CONFIG_KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) fail(unknown, 'is not an orchestrator config key');
  const policy = parseOrchestratorConfig(raw);
  return { policy, temporal: temporal(), taskQueue: str('taskQueue', WORKFLOW_TASK_QUEUE), debug: bool('debug', false) };
}
