/**
 * Structured logging over OpenClaw's message-only `api.logger`: the project's one logger shape, fields first and
 * message second (workflows/shared/logger.ts), as the worker's pino logs, with the same field names (`workflowId`, `peer`, `hook`, …), rendered as
 * `message {"field":…}` on one line.
 */
import type { LogFields, StructuredLogger } from '../../workflows/shared/logger.ts';
import type { PluginLogger } from './openclaw-types.ts';

export type { LogFields };

/** The bridge's name for the project's one logger shape ({@link StructuredLogger}). */
export type BridgeLogger = StructuredLogger;

function render(bindings: LogFields, fields: LogFields, message: string): string {
  const all = { ...bindings, ...fields };
  const keys = Object.keys(all);
  if (keys.length === 0) return message;
  try {
    return `${message} ${JSON.stringify(all, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`;
  } catch {
    return `${message} {unserialisable fields: ${keys.join(', ')}}`;
  }
}

/** Wraps `api.logger`; `debug` lines are dropped unless `debug` is set (the plugins' `debug` config key). */
export function createBridgeLogger(logger: PluginLogger, bindings: LogFields, debug: boolean): BridgeLogger {
  return {
    debug: (fields, message) => {
      if (debug) (logger.debug ?? logger.info)(render(bindings, fields, message));
    },
    info: (fields, message) => logger.info(render(bindings, fields, message)),
    warn: (fields, message) => logger.warn(render(bindings, fields, message)),
    error: (fields, message) => logger.error(render(bindings, fields, message)),
  };
}
