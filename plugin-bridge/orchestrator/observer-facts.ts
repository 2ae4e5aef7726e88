/**
 * The way the observer hooks' facts reach their thread (issue 9, nothing dropped). A fact is signalled at once,
 * in its thread's chain, as before; one that could not be signalled by its deadline (Temporal unreachable or slow,
 * the gateway's event loop stalled) goes to the on-disk outbox instead (it survives a gateway restart), and so does
 * every fact observed after it until the outbox is empty again: none overtakes an earlier one. One loop re-sends
 * the outbox in order once Temporal answers (fact-delivery.ts). A tool decision for a thread waits (within its own
 * deadline) for the facts kept for that thread: it never overtakes them.
 */
import { randomUUID } from 'node:crypto';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { Outbox } from '../shared/outbox.ts';
import { OutboxLoop } from '../shared/outbox-loop.ts';
import { Wakeup } from '../shared/wakeup.ts';
import { KeptFactCounts } from './kept-facts.ts';
import { deliverKeptFacts, type ObserverFactsOptions } from './fact-delivery.ts';
import { factKey, type ObserverFact, type ObserverFactEntry, type SendFact } from './observer-fact.ts';
import type { SendTurn } from './send-turn.ts';
import type { Answer } from './thread-client.ts';

/** What became of a fact: the thread's answer, or `kept` in the outbox for later. */
export type FactOutcome = Answer<void> | { readonly kind: 'kept' };

/** The observer facts of one plugin instance: signalled at once, else kept and re-sent in order (file comment). */
export class ObserverFacts {
  readonly #run = randomUUID();
  readonly #file = new OutboxLoop<ObserverFactEntry>();
  #deadFacts = '';
  #seq = 0;
  /** A fact went (or is going) to the outbox: later facts follow it there until the outbox is empty. */
  #diverting = false;
  /** Failed direct sends not appended yet, plus appends in progress: the outbox is not really empty meanwhile. */
  #unsettled = 0;
  readonly #kept = new KeptFactCounts();
  /** The loop's pause between attempts: cut short by stop() and by a decision that waits for kept facts. */
  readonly #pause = new Wakeup();

  constructor(
    private readonly send: SendFact,
    private readonly log: BridgeLogger,
    private readonly options: ObserverFactsOptions,
  ) {}

  /** Opens the outbox (facts an earlier run kept go first) and starts the delivery loop. */
  start(outbox: Outbox<ObserverFactEntry>, deadFactsPath: string): Promise<void> {
    const prepare = (opened: Outbox<ObserverFactEntry>) => {
      this.#unsettled = 0;
      this.#deadFacts = deadFactsPath;
      this.#diverting = !opened.isEmpty;
      this.#kept.open(!opened.isEmpty);
      if (this.#diverting) this.log.info({ outbox: opened.path, bytes: opened.pendingBytes }, 'orchestrator facts kept by an earlier run: delivering them first');
    };
    return this.#file.start(outbox, prepare, (opened) => this.#deliverLoop(opened));
  }

  /** Stops the loop after its current delivery; what is not delivered stays in the outbox for the next start. */
  stop(): Promise<void> {
    return this.#file.stop(() => {
      this.#kept.close();
      this.#pause.wake();
    });
  }

  /**
   * Resolves once no fact kept for `key` (a thread's front key; nor any kept by an earlier run) waits in the
   * outbox; rejects with a `timeout` TemporalCallError at `deadline`.
   */
  afterKeptFacts(key: string, deadline: number): Promise<void> {
    if (this.#kept.clear(key)) return Promise.resolve();
    this.#pause.wake(); // a decision waits: try the outbox again now rather than after the pause
    return this.#kept.waitFor(key, deadline);
  }

  /** Signals `fact` by `deadline`, else keeps it in the outbox. Rejects only when it could do neither. */
  async signal(fact: ObserverFact, deadline: number): Promise<FactOutcome> {
    if (!this.#file.running) return this.send(fact, deadline); // no outbox (service not running): as before
    if (this.#diverting) return this.#keep(fact, null);
    const token = { reserved: false, kept: false };
    const turn: SendTurn = {
      go: () => !this.#diverting,
      failed: () => {
        this.#diverting = true;
        if (token.kept || token.reserved) return;
        token.reserved = true;
        this.#unsettled += 1;
      },
    };
    try {
      return await this.send(fact, deadline, turn);
    } catch (err) {
      if (!this.#file.running) throw err;
      this.log.debug({ kind: fact.kind, key: factKey(fact), err }, 'fact not signalled in time: kept in the outbox');
      return this.#keep(fact, token);
    }
  }

  async #keep(fact: ObserverFact, token: { reserved: boolean; kept: boolean } | null): Promise<FactOutcome> {
    const outbox = this.#file.outbox as Outbox<ObserverFactEntry>;
    this.#diverting = true;
    this.#unsettled += 1;
    if (token !== null) token.kept = true;
    const entry = { run: this.#run, seq: ++this.#seq, fact };
    this.#kept.add(factKey(fact));
    try {
      const { written } = await this.#file.serial(() => outbox.append([entry]));
      if (written === 0) throw new Error(`the orchestrator outbox is full (${outbox.maxBytes} bytes): ${fact.kind} not kept`);
      return { kind: 'kept' };
    } catch (err) {
      this.#kept.remove(factKey(fact)); // nobody waits for a lost fact
      throw err;
    } finally {
      this.#unsettled -= token?.reserved === true ? 2 : 1;
      this.#file.newFact.wake();
    }
  }

  #deliverLoop(outbox: Outbox<ObserverFactEntry>): Promise<void> {
    return deliverKeptFacts({
      outbox,
      deadFacts: this.#deadFacts,
      run: this.#run,
      kept: this.#kept,
      send: this.send,
      log: this.log,
      options: this.options,
      running: () => this.#file.running,
      serial: (task) => this.#file.serial(task),
      idle: () => this.#file.idle(),
      drained: () => {
        if (this.#unsettled === 0) this.#diverting = false;
      },
      newFact: this.#file.newFact,
      pause: this.#pause,
    });
  }
}
