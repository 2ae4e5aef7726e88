/**
 * What the orchestrator hooks share, built once per plugin instance by index.ts: the policy, the session → thread
 * cache, the thread calls, the remembered user messages, the spawns waiting for their result, the log.
 */
import type { OrchestratorConfig } from '../../workflows/orchestrator/config.ts';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { ThreadDirectory } from './directory.ts';
import type { LocalSpawns } from './local-spawns.ts';
import type { ThreadClient } from './thread-client.ts';
import type { UnthreadedSpawns } from './unthreaded.ts';
import type { RecentUserMessages } from './user-messages.ts';

/** What the orchestrator hooks share: the policy, the cache, the Temporal calls, remembered messages, the log. */
export interface OrchestratorHookDeps {
  readonly config: OrchestratorConfig;
  readonly directory: ThreadDirectory;
  readonly threads: ThreadClient;
  readonly messages: RecentUserMessages;
  /** Front spawns decided without their thread, until their result arrives (outage-rules.ts). */
  readonly localSpawns: LocalSpawns;
  /** Worker spawns of sessions in no thread, recorded per requester (unthreaded.ts). */
  readonly unthreaded: UnthreadedSpawns;
  readonly log: BridgeLogger;
  /**
   * Resolves once the facts kept in the outbox for a thread are delivered, so a decision never overtakes them
   * (observer-facts.ts); rejects at the deadline. @default nothing to wait for
   */
  readonly afterKeptFacts?: (frontKey: string, deadline: number) => Promise<void>;
}
