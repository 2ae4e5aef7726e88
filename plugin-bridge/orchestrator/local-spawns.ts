/**
 * The front spawns decided without their thread (outage-rules.ts), remembered until their `after_tool_call` asks the
 * thread to record them. Bounded: the oldest go first.
 */
import type { ToolCallRequest } from '../../workflows/orchestrator/contract.ts';

/** How many locally decided spawns wait for their result; the oldest go first. */
export const MAX_LOCAL_SPAWNS = 500;

/** A front's spawn decided without its thread: the request the thread is asked again, with its update id. */
export interface LocalSpawn {
  readonly frontKey: string;
  readonly request: ToolCallRequest;
  readonly updateId: string;
}

/** Spawns decided locally, by spawn key, until their `after_tool_call`. One per plugin instance. */
export class LocalSpawns {
  readonly #bySpawnKey = new Map<string, LocalSpawn>();

  remember(spawnKey: string, spawn: LocalSpawn): void {
    this.#bySpawnKey.set(spawnKey, spawn);
    if (this.#bySpawnKey.size <= MAX_LOCAL_SPAWNS) return;
    const oldest = this.#bySpawnKey.keys().next().value;
    if (oldest !== undefined) this.#bySpawnKey.delete(oldest);
  }

  take(spawnKey: string): LocalSpawn | undefined {
    const spawn = this.#bySpawnKey.get(spawnKey);
    this.#bySpawnKey.delete(spawnKey);
    return spawn;
  }
}
