/**
 * Log notes emitted by the pure orchestrator decisions. Decisions cannot log (the workflow logs through
 * its replay-safe `log`, the bridge through `api.logger`), so they return notes and the caller logs them with
 * its own bindings (`sessionKey`, `workflowId`, `hook`): object first, message second.
 */

/** Stable identifiers of the notes, usable as a log field and in tests. */
export const NoteCode = {
  OrchestratorFallback: 'orchestrator-fallback',
  SpawnNotAccepted: 'spawn-not-accepted',
  SpawnWithoutChildKey: 'spawn-without-child-key',
  SpawnUnmatched: 'spawn-unmatched',
  OrchestratorBound: 'orchestrator-bound',
  OrchestratorRebound: 'orchestrator-rebound',
  OrchestratorEnded: 'orchestrator-ended',
  WorkerRegistered: 'worker-registered',
} as const;
/** One of {@link NoteCode}. */
export type NoteCode = (typeof NoteCode)[keyof typeof NoteCode];

/** A structured log line: `level`, a stable `code`, a human message, and flat fields. */
export interface PolicyNote {
  readonly level: 'info' | 'warn';
  readonly code: NoteCode;
  readonly message: string;
  readonly fields: Readonly<Record<string, string | number | boolean>>;
}

/** Builds a {@link PolicyNote}. */
export function note(
  level: PolicyNote['level'],
  code: NoteCode,
  message: string,
  fields: Readonly<Record<string, string | number | boolean>> = {},
): PolicyNote {
  return { level, code, message, fields };
}
