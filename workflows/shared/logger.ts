/**
 * The one logger shape of the project: fields first, message second. The worker's pino logger fits it as it is;
 * the bridge's logger (plugin-bridge/shared/bridge-logger.ts) renders it onto OpenClaw's message-only `api.logger`.
 * Activities and the worker's wiring depend on this interface (or a `Pick` of it), never on pino's types. Declared
 * here because it is the one folder every side may import; workflow code itself logs through Temporal's `log`.
 */

/** The fields of one log line, keyed by the same names on every side (`workflowId`, `peer`, `dbPath`, …). */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger: `logger.warn({ dbPath, op }, 'gate ledger op skipped')`. */
export interface StructuredLogger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}
