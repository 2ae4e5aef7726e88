/**
 * Keeps the gateway's budget cache ({@link BudgetBook}) in step with the budget workflows, off every hook's
 * path: delivered usage rows are signalled to the budgets (from the sender loop, after the ledger took them), and
 * a background loop reads each budget's state every `refreshIntervalMs` and right after a delivery. Crossing 80 %
 * or 100 % is logged once per period (and told to the agent's session when `systemEvents` is on). The cache is
 * written to `<stateDir>/usage-ledger/budgets.json` after each change.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import { Wakeup } from '../shared/wakeup.ts';
import type { BudgetBook } from './budget-book.ts';
import { budgetUsageOf, type BudgetClient } from './budget-client.ts';
import type { BudgetsConfig } from './budget-config.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';

/** Bound on one state query. */
const QUERY_TIMEOUT_MS = 5000;

/** Tells an agent's session about a budget (a system event); false when there is no session to tell. */
export type BudgetNotify = (agent: string, text: string) => boolean;

/** The cache file in the plugin's state dir. */
export function budgetCachePathOf(stateDir: string): string {
  return join(stateDir, 'usage-ledger', 'budgets.json');
}

export class BudgetKeeper {
  readonly #wakeup = new Wakeup();
  #running = false;
  #loop: Promise<void> | null = null;
  #path: string | null = null;
  #ensured = false;
  /** A delivery happened since the last refresh began: refresh again without waiting. */
  #dirty = false;

  constructor(
    readonly book: BudgetBook,
    private readonly client: BudgetClient,
    private readonly config: BudgetsConfig,
    private readonly log: BridgeLogger,
    private readonly notify: BudgetNotify,
  ) {}

  /** Loads the cache file (the last known state) and starts the refresh loop. */
  async start(stateDir: string): Promise<void> {
    if (this.#running) return;
    this.#path = budgetCachePathOf(stateDir);
    const text = await readFile(this.#path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') this.log.warn({ err, path: this.#path }, 'budget cache unreadable: starting without a last known state');
      return null;
    });
    if (text !== null) {
      try {
        this.book.load(JSON.parse(text));
      } catch (err) {
        this.log.warn({ err, path: this.#path }, 'budget cache is not JSON: starting without a last known state');
      }
    }
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wakeup.wake();
    await this.#loop;
  }

  /**
   * Signals the rows of a delivered batch to the budgets that count them; rejects when one could not be
   * delivered, so the sender keeps the batch and sends it again (each budget counts an event id once).
   */
  async delivered(ledgerId: string, records: readonly UsageRecord[], deadline: number): Promise<void> {
    let sent = 0;
    for (const budget of this.book.budgets) {
      const rows = budgetUsageOf(budget, ledgerId, records);
      if (rows.length === 0) continue;
      await this.client.deliver(budget, rows, deadline);
      sent += 1;
    }
    if (sent === 0) return;
    this.#dirty = true;
    this.#wakeup.wake();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#dirty = false;
      try {
        if (!this.#ensured) await this.#ensure();
        await this.refresh();
      } catch (err) {
        this.log.warn({ err }, 'budgets not reachable on Temporal: deciding on the last known state; retrying');
      }
      if (!this.#dirty && this.#running) await this.#wakeup.wait(1, this.config.refreshIntervalMs);
    }
  }

  /** Starts every budget workflow (with the configured limits) once, so each is visible and answers queries. */
  async #ensure(): Promise<void> {
    for (const budget of this.book.budgets) await this.client.deliver(budget, [], Date.now() + QUERY_TIMEOUT_MS);
    this.#ensured = true;
  }

  /** Reads every budget's state into the cache; a budget that does not answer keeps its last state. */
  async refresh(): Promise<void> {
    let changed = false;
    for (const budget of this.book.budgets) {
      try {
        const snapshot = await this.client.snapshot(budget, Date.now() + QUERY_TIMEOUT_MS);
        for (const percent of this.book.update(snapshot, Date.now())) this.#alert(budget.spec.agent, budget.spec.mode, percent, snapshot.details);
        changed = true;
      } catch (err) {
        this.log.debug({ err, budget: budget.id }, 'budget state not refreshed: deciding on the last known state');
      }
    }
    if (changed) await this.#save();
  }

  #alert(agent: string, mode: string, percent: number, details: string): void {
    const text = `Usage budget ${percent >= 100 ? 'reached' : `at ${percent} %`}: ${details}${percent >= 100 && mode === 'block' ? ' — new runs are refused until it resets' : ''}`;
    this.log.warn({ agent, percent, mode }, text);
    if (this.config.systemEvents && !this.notify(agent, text)) this.log.debug({ agent }, 'no session of the agent seen yet: budget alert not sent as a system event');
  }

  async #save(): Promise<void> {
    const path = this.#path;
    if (path === null) return;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, `${JSON.stringify(this.book.toFile())}\n`);
    await rename(`${path}.tmp`, path);
  }
}
