/**
 * The loop that re-sends the facts kept in the orchestrator's outbox (observer-facts.ts keeps them), in order, one at
 * a time, once Temporal answers; a thread drops an event id it saw already, so a fact that reached it late and comes
 * again from here applies once. A fact Temporal refuses (rather than cannot be reached for) 5 times in a row goes to
 * the dead-letter file (fact-files.ts), so the facts behind it move on.
 */
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import { TemporalCallError } from '../shared/errors.ts';
import type { Outbox } from '../shared/outbox.ts';
import type { Wakeup } from '../shared/wakeup.ts';
import { deadLetterFact } from './fact-files.ts';
import type { KeptFactCounts } from './kept-facts.ts';
import { factKey, type ObserverFact, type ObserverFactEntry, type SendFact } from './observer-fact.ts';
import type { Answer } from './thread-client.ts';

const REJECTED_ATTEMPTS = 5;
/** Temporal refused the fact itself (retrying cannot help: e.g. a payload over the server's size limit). */
const refused = (err: unknown) => err instanceof TemporalCallError && err.kind === 'rejected';

/** Timings of the loop and who hears of each delivery. */
export interface ObserverFactsOptions {
  /** Bound on one delivery from the outbox (the loop tries again after it). */
  readonly sendTimeoutMs: number;
  /** Longest pause between delivery attempts while Temporal cannot be reached. */
  readonly retryIntervalMs: number;
  /** Told of each thread's answer to a fact delivered from the outbox. */
  readonly delivered: (fact: ObserverFact, answer: Answer<void>) => void;
}

/** What the loop shares with the facts' owner (ObserverFacts), which appends to the same outbox. */
export interface DeliveryHost {
  readonly outbox: Outbox<ObserverFactEntry>;
  readonly deadFacts: string;
  /** This plugin run's id, on the entries it appended. */
  readonly run: string;
  readonly kept: KeptFactCounts;
  readonly send: SendFact;
  readonly log: BridgeLogger;
  readonly options: ObserverFactsOptions;
  running(): boolean;
  /** Runs an outbox call after the ones in progress; `idle` resolves once none is. */
  serial<T>(task: () => Promise<T>): Promise<T>;
  idle(): Promise<unknown>;
  /** The outbox is empty: facts may be signalled directly again (unless some are still on their way to it). */
  drained(): void;
  /** Woken by a new kept fact, and by stop. */
  readonly newFact: Wakeup;
  /** The pause between attempts: cut short by stop and by a decision that waits for kept facts. */
  readonly pause: Wakeup;
}

/** Delivers the outbox in order until the host stops running (file comment). */
export async function deliverKeptFacts(host: DeliveryHost): Promise<void> {
  const { outbox, log, options } = host;
  let rejected = 0;
  let failures = 0;
  let delivered = 0;
  while (host.running()) {
    await host.idle();
    if (outbox.isEmpty) {
      host.drained();
      if (delivered > 0) log.info({ delivered }, 'orchestrator facts kept in the outbox were delivered in order');
      delivered = 0;
      if (!host.running()) break; // stop() may have run while we awaited: its wake-up found no waiter
      await host.newFact.wait(1, null);
      continue;
    }
    const chunk = await host.serial(() => outbox.read(1, Number.POSITIVE_INFINITY));
    if (chunk.unreadable > 0) log.warn({ outbox: outbox.path, lines: chunk.unreadable }, 'unreadable orchestrator outbox lines skipped (torn write)');
    const entry = chunk.entries[0];
    if (entry !== undefined) {
      try {
        options.delivered(entry.fact, await host.send(entry.fact, Date.now() + options.sendTimeoutMs));
        delivered += 1;
        failures = 0;
        rejected = 0;
      } catch (err) {
        failures += 1;
        rejected = refused(err) ? rejected + 1 : 0;
        if (rejected < REJECTED_ATTEMPTS) {
          if (failures === 1 || failures % 20 === 0) log.warn({ kind: entry.fact.kind, key: factKey(entry.fact), attempts: failures, err }, 'orchestrator fact not delivered; it waits in the outbox');
          if (host.running()) await host.pause.wait(1, Math.min(options.retryIntervalMs, 200 * 2 ** Math.min(failures, 10)));
          continue;
        }
        if (!(await deadLetterFact(host.deadFacts, entry, err, log))) {
          if (host.running()) await host.pause.wait(1, options.retryIntervalMs);
          continue; // not on disk: it stays in the outbox
        }
        rejected = 0;
      }
    }
    await host.serial(() => outbox.commit(chunk.nextOffset));
    if (entry?.run === host.run || outbox.isEmpty) host.kept.backlogDone();
    if (entry?.run === host.run) host.kept.remove(factKey(entry.fact));
  }
}
