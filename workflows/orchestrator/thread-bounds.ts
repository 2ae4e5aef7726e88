/**
 * The bounds that keep a thread's state small however long it runs (it is carried across continue-as-new):
 * pending spawns whose result never came are forgotten after a while, and beyond a number of tracked workers the
 * oldest finished ones are forgotten. Applied by every reducer that may grow the thread (thread-events.ts).
 */
import { withoutEntries, type ThreadState } from './thread-state.ts';

/** A pending spawn whose `after_tool_call` never came is forgotten after an hour (the gateway died mid-call). */
export const PENDING_SPAWN_TTL_MS = 3_600_000;
/** At most this many workers are tracked; beyond it the oldest finished ones are forgotten (never running ones). */
export const MAX_TRACKED_WORKERS = 200;

/** Drops stale pending spawns and, beyond {@link MAX_TRACKED_WORKERS}, the oldest finished workers. */
export function boundThread(thread: ThreadState, now: number): ThreadState {
  const cutoff = now - PENDING_SPAWN_TTL_MS;
  let next = thread;
  if (Object.values(thread.pendingSpawns).some((p) => p.at < cutoff)) {
    next = { ...next, pendingSpawns: withoutEntries(next.pendingSpawns, (_key, p) => p.at < cutoff) };
  }
  const workers = Object.values(next.workers);
  const excess = workers.length - MAX_TRACKED_WORKERS;
  if (excess <= 0) return next;
  const forget = workers
    .filter((w) => w.status !== 'running')
    .sort((a, b) => a.updatedAt - b.updatedAt || (a.childKey < b.childKey ? -1 : 1))
    .slice(0, excess)
    .map((w) => w.childKey);
  return forget.length === 0 ? next : { ...next, workers: withoutEntries(next.workers, (key) => forget.includes(key)) };
}
