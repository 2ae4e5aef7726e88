/**
 * The worker's one logger: pino, with the Temporal SDK's own logs routed into it (`Runtime.install`), so worker,
 * SDK and workflow logs share fields (`workflowId`, `peer`, …) and one format.
 */
import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { pino, type Logger } from 'pino';

const SDK_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Creates the process logger and installs it as the SDK's logger. Call once, before creating workers. */
export function installLogger(level: Logger['level']): Logger {
  const logger = pino({ level, base: { service: 'openclaw-temporal-worker' } });
  const sdkLevel = (level.toUpperCase() === 'FATAL' ? 'ERROR' : level.toUpperCase()) as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(sdkLevel, (entry) => {
      const meta: LogMetadata = entry.meta ?? {};
      logger[SDK_LEVELS[entry.level]]({ ...meta, sdk: true }, entry.message);
    }),
  });
  return logger;
}
