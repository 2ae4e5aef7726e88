/**
 * What the gate bridge observes and the gate must hear about — triggers, inbound messages to record as seen,
 * decisions the bridge abandoned — and their delivery to Temporal. Every fact goes to the on-disk outbox first
 * (it survives a gateway restart); one loop delivers the facts in the order they were observed, and while
 * Temporal is unreachable they wait there until it is back. Delivery is at least once; the gate applies each
 * fact once (message ids, decision ids, seen-row keys). An outbound decision waits, bounded by its own deadline,
 * until the facts observed before it for its peer are delivered: it never overtakes the trigger sent before it.
 * Seen facts next to each other in the outbox go as one batch (one signal, up to {@link MAX_SEEN_PER_SIGNAL} rows);
 * a batch Temporal refuses is sent again one fact at a time, so only the refused fact is set aside. A fact Temporal refuses (rather than cannot be reached for) 5 times in a row goes to a dead-letter file
 * (dead-facts.ts) so the facts behind it move on.
 */
import { randomUUID } from 'node:crypto';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import { TemporalCallError } from '../shared/errors.ts';
import type { Outbox } from '../shared/outbox.ts';
import { OutboxLoop } from '../shared/outbox-loop.ts';
import { Wakeup } from '../shared/wakeup.ts';
import { deadFactsPath, moveToDeadFacts } from './dead-facts.ts';
import { FactProgress } from './fact-progress.ts';
import { MAX_SEEN_PER_SIGNAL, outgoing, type DeliverFact, type FactEntry, type GateFact } from './fact-entry.ts';

export { FACT_SHAPE, FactsPendingError, MAX_SEEN_PER_SIGNAL, type DeliverFact, type FactEntry, type GateFact, type OutgoingFact, type SeenBatch } from './fact-entry.ts';

const REJECTED_ATTEMPTS = 5;
const unreachable = (err: unknown) => !(err instanceof TemporalCallError && err.kind === 'rejected');

export class GateFacts {
  readonly #run = randomUUID();
  readonly #file = new OutboxLoop<FactEntry>();
  #seq = 0;
  readonly #progress = new FactProgress();
  readonly #stopping = new Wakeup();
  #failures = 0;

  constructor(
    private readonly deliver: DeliverFact,
    private readonly log: BridgeLogger,
    private readonly options: { readonly sendTimeoutMs: number; readonly retryIntervalMs: number },
  ) {}

  /** Opens the outbox (facts left by an earlier run are delivered first, and decisions wait for them) and starts the loop. */
  start(outbox: Outbox<FactEntry>): Promise<void> {
    const prepare = (opened: Outbox<FactEntry>) => {
      this.#progress.startWithBacklog(!opened.isEmpty);
      if (!opened.isEmpty) this.log.info({ outbox: opened.path, bytes: opened.pendingBytes }, 'gate facts from an earlier run: delivering them first');
    };
    return this.#file.start(outbox, prepare, (opened) => this.#deliverLoop(opened));
  }

  /** Stops the loop after its current delivery (bounded by `sendTimeoutMs`); undelivered facts stay in the outbox. */
  stop(): Promise<void> {
    return this.#file.stop(() => this.#stopping.wake());
  }

  /** Records a fact: ordered at once (before any await), resolved once it is on disk. Rejects on a disk error. */
  record(fact: GateFact): Promise<void> {
    const outbox = this.#file.outbox;
    if (outbox === null || !this.#file.running) return Promise.reject(new Error('the lorene-gate fact outbox is not open'));
    const seq = ++this.#seq;
    const peer = fact.kind === 'seen' ? null : fact.peer;
    this.#progress.recorded(peer, seq);
    return this.#file.serial(async () => {
      const { written } = await outbox.append([{ run: this.#run, seq, fact }]);
      if (written === 0) throw new Error(`the lorene-gate outbox is full (${outbox.maxBytes} bytes): ${fact.kind} not recorded`);
      this.#file.newFact.wake();
    }).catch((err: unknown) => {
      this.#progress.lost(peer, seq); // nobody waits for a lost fact
      throw err;
    });
  }

  /** Resolves once every fact recorded so far for `peer` (and every fact of an earlier run) is delivered; rejects at `deadline`. */
  afterFactsOf(peer: string, deadline: number): Promise<void> {
    return this.#progress.after(peer, deadline);
  }

  async #deliverLoop(outbox: Outbox<FactEntry>): Promise<void> {
    let rejected = 0;
    let singlesLeft = 0; // facts of a refused batch, sent again one at a time
    while (this.#file.running) {
      await this.#file.idle();
      if (outbox.isEmpty) {
        this.#progress.reached(this.#progress.delivered, true);
        if (!this.#file.running) break; // stop() may have run while we awaited: its wake-up found no waiter
        await this.#file.newFact.wait(1, null);
        continue;
      }
      const chunk = await this.#file.serial(() => outbox.read(singlesLeft > 0 ? 1 : MAX_SEEN_PER_SIGNAL, Number.POSITIVE_INFINITY));
      if (chunk.unreadable > 0) this.log.warn({ outbox: outbox.path, lines: chunk.unreadable }, 'unreadable gate outbox lines skipped (torn write)');
      const entry = chunk.entries.at(-1);
      const fact = outgoing(chunk.entries);
      if (entry !== undefined && fact !== null) {
        try {
          await this.deliver(fact, Date.now() + this.options.sendTimeoutMs);
          this.#failures = 0;
          rejected = 0;
        } catch (err) {
          this.#failures += 1;
          rejected = unreachable(err) ? 0 : rejected + 1;
          if (!unreachable(err) && chunk.entries.length > 1) {
            singlesLeft = chunk.entries.length; // refused: its facts one at a time, so the refused one alone is set aside
            rejected = 0;
            continue;
          }
          if (rejected < REJECTED_ATTEMPTS) {
            if (this.#failures === 1 || this.#failures % 20 === 0) this.log.warn({ kind: entry.fact.kind, attempts: this.#failures, err }, 'gate fact not delivered; it waits in the outbox');
            if (this.#file.running) await this.#stopping.wait(1, Math.min(this.options.retryIntervalMs, 200 * 2 ** Math.min(this.#failures, 10)));
            continue;
          }
          if (!(await moveToDeadFacts(deadFactsPath(outbox.path), entry, err, this.log))) {
            if (this.#file.running) await this.#stopping.wait(1, this.options.retryIntervalMs);
            continue; // not on disk: it stays in the outbox
          }
          rejected = 0;
        }
      }
      await this.#file.serial(() => outbox.commit(chunk.nextOffset));
      singlesLeft = Math.max(0, singlesLeft - chunk.entries.length);
      this.#progress.reached(entry?.run === this.#run ? entry.seq : this.#progress.delivered, entry?.run === this.#run || outbox.isEmpty);
    }
  }
}
