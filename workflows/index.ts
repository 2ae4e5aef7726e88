/**
 * Every workflow the worker serves. The worker bundles this file with the SDK's bundler; it must import only
 * deterministic code.
 */
export { gateWorkflow } from './gate/workflow.ts';
export { gateSeenLedgerWorkflow } from './gate/seen-ledger.ts';
export { usageLedgerWorkflow } from './usage/workflow.ts';
export { usageBudgetWorkflow } from './budget/workflow.ts';
export { orchestratorThreadWorkflow } from './orchestrator/workflow.ts';
export { subagentTaskWorkflow } from './subagent/task-workflow.ts';
export { subagentRetryWorkflow } from './subagent/retry-workflow.ts';
export { subagentRequesterWorkflow } from './subagent/requester-workflow.ts';
