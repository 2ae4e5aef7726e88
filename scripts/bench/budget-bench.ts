/**
 * usage-ledger budgets: the real `before_agent_run` handler (budgetGate over a BudgetBook) deciding from its
 * cached budget state — no Temporal call — for an agent within its budget, one over it (a block with the reason),
 * and an agent without a budget.
 */
import { BudgetBook } from '../../plugin-bridge/usage-ledger/budget-book.ts';
import { parseBudgets } from '../../plugin-bridge/usage-ledger/budget-config.ts';
import { budgetGate } from '../../plugin-bridge/usage-ledger/budgets.ts';
import { initialBudgetState, receiveUsage, snapshotOf } from '../../workflows/budget/decide.ts';
import { timeSync, type Timed } from './timing.ts';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Times `iterations` decisions, cycling through a passing, a blocked and an unbudgeted agent. */
export function benchBudgetGate(iterations: number, warmup: number): Timed {
  const config = parseBudgets({
    enabled: true, timeZone: 'Europe/Berlin',
    limits: [{ agent: 'main', usd: 5, mode: 'block' }, { agent: 'main', period: 'month', tokens: 1_000_000, mode: 'block' }, { agent: 'ops', usd: 0.01, mode: 'block', sessionKeyPattern: 'agent:ops:*' }],
  });
  const book = new BudgetBook(config.limits, config.failPolicy, config.staleAfterMs);
  const now = Date.now();
  for (const budget of config.limits) {
    const spent = budget.spec.agent === 'ops' ? 0.02 : 1;
    book.update(snapshotOf(receiveUsage(initialBudgetState(budget.spec, now), { spec: budget.spec, records: [{ eventId: 'e', ts: now, tokens: 1000, costUsd: spent }] })), now);
  }
  const gate = budgetGate(book, quiet);
  const contexts = [{ agentId: 'main', sessionKey: 'agent:main:main' }, { agentId: 'ops', sessionKey: 'agent:ops:main' }, { agentId: 'other', sessionKey: 'agent:other:main' }];
  const call = (i: number) => gate({}, contexts[i % contexts.length]) === undefined ? 'pass' : 'block';
  timeSync(warmup, call);
  return timeSync(iterations, call);
}
