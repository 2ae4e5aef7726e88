/**
 * Rebuilds the thread cache from Temporal when the plugin's service starts (after a gateway restart): list
 * the running threads through their search attributes, query each one, and take its state as the truth.
 * While Temporal cannot answer, it tries again with a growing pause; decisions meanwhile follow the
 * `unloaded` rules of route.ts.
 */
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { ThreadDirectory } from './directory.ts';
import type { ThreadClient } from './thread-client.ts';

/** Bound of one rebuild (the listing and every query). */
export const REBUILD_TIMEOUT_MS = 10_000;
/** Pauses between failed rebuilds: doubling from the first to the last. */
export const REBUILD_RETRY_MS = { first: 1000, max: 30_000 } as const;

/** Lists and queries every running thread into the cache; resolves with how many threads it loaded. */
export async function rebuildDirectory(directory: ThreadDirectory, threads: ThreadClient, deadline: number): Promise<number> {
  const fronts = await threads.listOpenThreads(deadline);
  const answers = await Promise.all(fronts.map((front) => threads.thread(front, deadline)));
  for (const answer of answers) if (answer.kind === 'ok') directory.replaceThread(answer.value);
  return answers.filter((a) => a.kind === 'ok').length;
}

/** Runs {@link rebuildDirectory} until it succeeds or {@link stop} is called. One per plugin instance. */
export class DirectoryLoader {
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #firstAttemptDone: () => void = () => undefined;
  /** Resolves once the first rebuild succeeded or failed (or the loader stopped). */
  readonly firstAttempt: Promise<void> = new Promise((resolve) => (this.#firstAttemptDone = resolve));

  constructor(
    private readonly directory: ThreadDirectory,
    private readonly threads: ThreadClient,
    private readonly log: BridgeLogger,
  ) {}

  start(): void {
    this.#running = true;
    this.#attempt(REBUILD_RETRY_MS.first);
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#firstAttemptDone();
  }

  /** Only the first attempt is `loading` (decisions wait for it); retries run while decisions go on. */
  #attempt(nextPause: number): void {
    if (!this.#running) return;
    if (nextPause === REBUILD_RETRY_MS.first) this.directory.setStatus('loading');
    rebuildDirectory(this.directory, this.threads, Date.now() + REBUILD_TIMEOUT_MS).then(
      (threads) => {
        this.#firstAttemptDone();
        this.directory.setStatus('ready');
        this.log.info({ threads }, 'orchestrator threads loaded from Temporal');
      },
      (err: unknown) => {
        this.#firstAttemptDone();
        this.directory.setStatus('unloaded');
        if (!this.#running) return;
        this.log.warn({ err, retryInMs: nextPause }, 'could not load the orchestrator threads from Temporal; retrying');
        this.#timer = setTimeout(() => this.#attempt(Math.min(nextPause * 2, REBUILD_RETRY_MS.max)), nextPause);
      },
    );
  }
}
