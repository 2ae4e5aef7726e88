/**
 * usage-ledger's budgets (new, beyond the original), wired into the plugin: the cache and its keeper, the
 * agent's last session for alerts, and — when a budget blocks — the `before_agent_run` gate. The gate decides from
 * the cache alone (no Temporal call); the host treats a throw as a block, so it never throws.
 */
import { BudgetBook } from './budget-book.ts';
import { BudgetClient } from './budget-client.ts';
import { BudgetKeeper } from './budget-keeper.ts';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { TemporalBridge } from '../shared/temporal-bridge.ts';
import { usageLedgerIdOf } from '../../workflows/usage/contract.ts';
import type { UsageLedgerConfig } from './config.ts';
import type { AgentContext, BeforeAgentRunResult, UsageLedgerApi } from './types.ts';

export interface Budgets {
  readonly keeper: BudgetKeeper;
  /** Remembers the agent's latest session (from `llm_output`), where alerts go as system events. */
  sawSession(ctx: AgentContext | undefined): void;
}

/** The `before_agent_run` handler over `book`: pass, or a block naming the budget. */
export function budgetGate(book: BudgetBook, log: BridgeLogger, now: () => number = Date.now): (event: unknown, ctx: AgentContext | undefined) => BeforeAgentRunResult {
  return (_event, ctx) => {
    try {
      const verdict = book.decide(ctx?.agentId, ctx?.sessionKey, now());
      if (!verdict.block) return undefined;
      log.info({ hook: 'before_agent_run', budget: verdict.budgetId, agent: ctx?.agentId, sessionKey: ctx?.sessionKey }, 'new run refused by a usage budget');
      return { outcome: 'block', reason: verdict.reason, message: verdict.reason, category: 'cost_limit' };
    } catch (err) {
      log.error({ hook: 'before_agent_run', err }, 'budget decision failed: the run passes');
      return undefined;
    }
  };
}

/** Sets budgets up when `budgets.enabled` is true and limits are configured; null otherwise (nothing registered). */
export function createBudgets(api: UsageLedgerApi, config: UsageLedgerConfig, bridge: TemporalBridge, log: BridgeLogger): Budgets | null {
  const settings = config.budgets;
  if (!settings.enabled || settings.limits.length === 0) return null;
  const book = new BudgetBook(settings.limits, settings.failPolicy, settings.staleAfterMs);
  const sessions = new Map<string, string>();
  const notify = (agent: string, text: string): boolean => {
    const sessionKey = sessions.get(agent);
    const enqueue = api.runtime?.system?.enqueueSystemEvent;
    return sessionKey !== undefined && enqueue !== undefined && enqueue(text, { sessionKey, agentId: agent });
  };
  const keeper = new BudgetKeeper(book, new BudgetClient(bridge, config.taskQueue), settings, log, notify);
  if (settings.limits.some((b) => b.spec.mode === 'block')) api.on('before_agent_run', budgetGate(book, log));
  return {
    keeper,
    sawSession(ctx) {
      if (typeof ctx?.sessionKey === 'string' && ctx.sessionKey !== '') sessions.set(usageLedgerIdOf(ctx.agentId), ctx.sessionKey);
    },
  };
}
