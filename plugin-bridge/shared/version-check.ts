/**
 * The bridge/worker version handshake. At service start a plugin logs its own version, then asks Temporal once
 * which workers poll its workflow task queue (DescribeTaskQueue) and reads their versions from their identities
 * (`version.ts`). A worker of another version is reported at warn, naming both versions; no worker polling yet
 * means asking again a little later, a bounded number of times. It never blocks start and never costs a hook
 * anything: it is one RPC per attempt, in the background.
 */
import type { Timestamp } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { BridgeLogger } from './bridge-logger.ts';
import type { TemporalBridge } from './temporal-bridge.ts';
import { OPENCLAW_TEMPORAL_VERSION, versionOfIdentity } from '../../workflows/shared/version.ts';

const WORKFLOW_QUEUE = proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW;

export interface VersionCheckOptions {
  readonly bridge: TemporalBridge;
  readonly taskQueue: string;
  readonly log: BridgeLogger;
  /** This plugin's version. @default OPENCLAW_TEMPORAL_VERSION */
  readonly version?: string;
  /** Pause between attempts while no worker of ours polls. @default 15000 */
  readonly retryDelayMs?: number;
  /** Attempts before giving up (logged at info). @default 20 */
  readonly attempts?: number;
}

/** The outcome of one look at the task queue. */
export type VersionVerdict = { readonly kind: 'no-worker' } | { readonly kind: 'match' } | { readonly kind: 'mismatch'; readonly workerVersions: readonly string[] };

/** Compares the versions announced by the pollers' identities with ours (pollers that announce none are ignored). */
export function versionVerdict(identities: readonly string[], version: string): VersionVerdict {
  const seen = [...new Set(identities.map(versionOfIdentity).filter((v): v is string => v !== null))].sort();
  if (seen.length === 0) return { kind: 'no-worker' };
  const others = seen.filter((v) => v !== version);
  return others.length === 0 ? { kind: 'match' } : { kind: 'mismatch', workerVersions: seen };
}

/** A long poll lasts at most about 70 s: a poller last seen longer before the newest one has stopped. */
const LIVE_POLLER_WINDOW_MS = 75_000;

/** One poller as DescribeTaskQueue lists it (identity, and when it last polled, epoch ms). */
export interface PollerSeen {
  readonly identity: string;
  readonly lastAccessMs: number;
}

/**
 * The identities of the pollers still alive: the server lists a stopped worker for minutes (right after an upgrade,
 * the old one); it is the one whose last poll is older than a long poll before the newest poller's.
 */
export function liveIdentities(pollers: readonly PollerSeen[]): string[] {
  const newest = Math.max(...pollers.map((p) => p.lastAccessMs));
  return pollers.filter((p) => p.lastAccessMs >= newest - LIVE_POLLER_WINDOW_MS).map((p) => p.identity);
}

/** Started by a plugin service's start(), stopped by its stop() before the bridge closes. */
export class WorkerVersionCheck {
  readonly #stop = new AbortController();
  #running: Promise<void> | null = null;

  constructor(private readonly options: VersionCheckOptions) {}

  start(): void {
    if (this.#running !== null) return;
    const { log, taskQueue } = this.options;
    log.info({ version: this.#version, taskQueue }, `openclaw-temporal plugin ${this.#version}: checking the worker's version`);
    this.#running = this.#run().catch((err: unknown) => log.warn({ err, taskQueue }, 'the worker version check failed'));
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  get #version(): string {
    return this.options.version ?? OPENCLAW_TEMPORAL_VERSION;
  }

  async #run(): Promise<void> {
    const { log, taskQueue, attempts = 20 } = this.options;
    for (let attempt = 1; attempt <= attempts && !this.#stop.signal.aborted; attempt++) {
      const verdict = await this.#look().catch((err: unknown) => {
        log.debug({ err, taskQueue, attempt }, 'worker version check: Temporal did not answer; asking again later');
        return { kind: 'no-worker' } as const;
      });
      if (verdict.kind === 'match') {
        log.info({ version: this.#version, taskQueue }, 'the worker runs the same openclaw-temporal version');
        return;
      }
      if (verdict.kind === 'mismatch') {
        const workers = verdict.workerVersions.join(', ');
        log.warn(
          { pluginVersion: this.#version, workerVersions: verdict.workerVersions, taskQueue },
          `openclaw-temporal version mismatch: this plugin is ${this.#version}, the worker on task queue ${taskQueue} is ${workers}; install the plugins and the worker of one release (README: Upgrading)`,
        );
        return;
      }
      await this.#pause();
    }
    if (!this.#stop.signal.aborted) log.info({ taskQueue, attempts }, 'no openclaw-temporal worker announced its version on the task queue; version not checked');
  }

  async #look(): Promise<VersionVerdict> {
    const response = await this.options.bridge.call('describeTaskQueue', Date.now() + 5000, (client) =>
      client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: this.options.taskQueue }, taskQueueType: WORKFLOW_QUEUE }),
    );
    const pollers = (response.pollers ?? []).map((p) => ({ identity: p.identity ?? '', lastAccessMs: millisOf(p.lastAccessTime) }));
    return versionVerdict(liveIdentities(pollers), this.#version);
  }

  #pause(): Promise<void> {
    // A stop during the look before this pause has aborted already: an abort listener added now would never fire,
    // and the stop would wait out the whole pause (past OpenClaw's 5-s budget for a stopping plugin).
    if (this.#stop.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.retryDelayMs ?? 15_000);
      timer.unref();
      this.#stop.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}

function millisOf(at: Timestamp | null | undefined): number {
  if (at === null || at === undefined) return 0;
  return (at.seconds?.toNumber() ?? 0) * 1000 + Math.floor((at.nanos ?? 0) / 1e6);
}
