/**
 * The gateway's cached copy of its budgets' state and the local decision `before_agent_run` makes from it: a map
 * lookup and a few comparisons, no I/O and no Temporal call. The copy is refreshed from the budget workflows in
 * the background (budget-keeper.ts) and kept on disk, so a restarted gateway decides on the last known state
 * until Temporal answers again.
 */
import { usedFraction } from '../../workflows/budget/decide.ts';
import type { BudgetSnapshot } from '../../workflows/budget/contract.ts';
import { usageLedgerIdOf } from '../../workflows/usage/contract.ts';
import type { BudgetFailPolicy, ConfiguredBudget } from './budget-config.ts';

/** A snapshot and when the gateway got it from the workflow (epoch ms). */
export interface CachedBudget {
  readonly snapshot: BudgetSnapshot;
  readonly refreshedAt: number;
}

/** A run may start, or is refused with a reason naming the budget. */
export type BudgetVerdict = { readonly block: false } | { readonly block: true; readonly budgetId: string; readonly reason: string };

const PASS: BudgetVerdict = { block: false };

/** What the cache file holds. */
export interface BudgetBookFile {
  readonly version: 1;
  readonly budgets: Readonly<Record<string, CachedBudget>>;
  /** Alerts already given, as `<budget>@<periodStart>:<percent>`. */
  readonly announced: readonly string[];
}

export class BudgetBook {
  readonly #entries = new Map<string, CachedBudget>();
  readonly #announced = new Set<string>();

  constructor(
    readonly budgets: readonly ConfiguredBudget[],
    private readonly failPolicy: BudgetFailPolicy,
    private readonly staleAfterMs: number,
  ) {}

  /** Takes a fresh snapshot; returns the alert thresholds (80, 100) it crossed for the first time this period. */
  update(snapshot: BudgetSnapshot, now: number): number[] {
    this.#entries.set(snapshot.budgetId, { snapshot, refreshedAt: now });
    const budget = this.budgets.find((b) => b.id === snapshot.budgetId);
    const used = budget === undefined ? snapshot.used : usedFraction(budget.spec, snapshot.spentUsd, snapshot.spentTokens);
    const crossed = [80, 100].filter((percent) => used * 100 >= percent && !this.#announced.has(`${snapshot.budgetId}@${snapshot.periodStart}:${percent}`));
    for (const percent of crossed) this.#announced.add(`${snapshot.budgetId}@${snapshot.periodStart}:${percent}`);
    return crossed;
  }

  get(budgetId: string): CachedBudget | undefined {
    return this.#entries.get(budgetId);
  }

  /**
   * The verdict for a new run of `agentId` in `sessionKey` at `now`, over the block budgets that apply to it.
   * A period that has ended no longer blocks, even before the refresh brings the new one.
   */
  decide(agentId: unknown, sessionKey: unknown, now: number): BudgetVerdict {
    const agent = usageLedgerIdOf(agentId);
    const key = typeof sessionKey === 'string' ? sessionKey : '';
    for (const budget of this.budgets) {
      if (budget.spec.mode !== 'block' || budget.spec.agent !== agent) continue;
      if (budget.sessionKeyPattern !== null && !budget.sessionKeyPattern.test(key)) continue;
      const cached = this.#entries.get(budget.id);
      const stale = cached === undefined || now - cached.refreshedAt > this.staleAfterMs;
      if (stale && this.failPolicy === 'closed') {
        const since = cached === undefined ? 'never answered' : `no answer since ${new Date(cached.refreshedAt).toISOString()}`;
        return { block: true, budgetId: budget.id, reason: `usage budget ${budget.id}: state unknown (Temporal ${since}); failPolicy is closed` };
      }
      if (cached === undefined || (stale && this.failPolicy === 'open') || now >= cached.snapshot.periodEnd) continue;
      const { snapshot } = cached;
      if (usedFraction(budget.spec, snapshot.spentUsd, snapshot.spentTokens) >= 1) {
        return { block: true, budgetId: budget.id, reason: `usage budget ${budget.id} reached: ${snapshot.details}` };
      }
    }
    return PASS;
  }

  /** The cache as written to disk. */
  toFile(): BudgetBookFile {
    return { version: 1, budgets: Object.fromEntries(this.#entries), announced: [...this.#announced].slice(-1000) };
  }

  /** Restores a cache file (of configured budgets only); anything malformed is skipped. */
  load(file: unknown): void {
    if (typeof file !== 'object' || file === null) return;
    const { budgets, announced } = file as Partial<BudgetBookFile>;
    for (const [id, cached] of Object.entries(budgets ?? {})) {
      const fine = typeof cached?.refreshedAt === 'number' && typeof cached.snapshot?.periodEnd === 'number' && typeof cached.snapshot.spentUsd === 'number';
      if (fine && this.budgets.some((b) => b.id === id)) this.#entries.set(id, cached);
    }
    for (const key of Array.isArray(announced) ? announced : []) if (typeof key === 'string') this.#announced.add(key);
  }
}
