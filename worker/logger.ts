/**
 * The worker's one logger: pino, with the Temporal SDK's own logs routed into it (`Runtime.install`), so worker,
 * SDK and workflow logs share fields (`workflowId`, `peer`, …) and one format. On a terminal the lines are
 * prettified (pino-pretty, in process and synchronous, so nothing is lost at exit); piped, or when asked
 * (`--json`, `OPENCLAW_TEMPORAL_LOG_FORMAT=json`), they stay JSON, one object per line.
 */
import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { pino, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';

/** How log lines are written. */
export type LogFormat = 'json' | 'pretty';

/** What the environment asked for; `auto` is pretty on a terminal, JSON otherwise. */
export type LogFormatSetting = LogFormat | 'auto';

const SDK_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * SDK warnings and notices that describe this project's normal set-up, not a problem: the workflow worker
 * registers no activities, the ledger worker no workflows, neither a Nexus service — on purpose. Kept, at debug.
 */
const EXPECTED_SDK_NOTICES: readonly string[] = [
  'No activities registered, not polling for activity tasks',
  'No workflows registered, not polling for workflow tasks',
  'No Nexus services registered, not polling for Nexus tasks',
];

/** The level an SDK message is logged at: an expected notice becomes debug, whatever the SDK said. */
export function sdkLevel(level: LogLevel, message: string): LogLevel {
  return (level === 'WARN' || level === 'INFO') && EXPECTED_SDK_NOTICES.includes(message) ? 'DEBUG' : level;
}

/** The format for this process: a `--json`/`--pretty` argument wins, then the setting, then whether stdout is a terminal. */
export function resolveLogFormat(setting: LogFormatSetting, argv: readonly string[], stdoutIsTTY: boolean): LogFormat {
  if (argv.includes('--json')) return 'json';
  if (argv.includes('--pretty')) return 'pretty';
  if (setting !== 'auto') return setting;
  return stdoutIsTTY ? 'pretty' : 'json';
}

/** A pino logger writing JSON lines, or readable lines (`12:04:31.120 INFO: worker running {namespace…}`). */
export function createLogger(level: Logger['level'], format: LogFormat): Logger {
  const options = { level, base: { service: 'openclaw-temporal-worker' } };
  if (format === 'json') return pino(options);
  return pino(options, PinoPretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true }));
}

/** What {@link installLogger} needs to know. */
export interface LoggerSettings {
  readonly logLevel: Logger['level'];
  /** @default 'auto' */
  readonly logFormat?: LogFormatSetting;
  /** `host:port` of the SDK's Prometheus endpoint (`/metrics`), or null for no metrics. @default null */
  readonly metricsAddress?: string | null;
}

/** This process's log format: its arguments (`--json`, `--pretty`), the setting, and whether stdout is a terminal. */
export function processLogFormat(setting: LogFormatSetting = 'auto'): LogFormat {
  return resolveLogFormat(setting, process.argv.slice(2), process.stdout.isTTY === true);
}

/**
 * Creates the process logger and installs the SDK runtime with it (and, when asked, the Prometheus exporter).
 * Call once, before creating workers.
 */
export function installLogger(settings: LoggerSettings, format: LogFormat = processLogFormat(settings.logFormat)): Logger {
  const logger = createLogger(settings.logLevel, format);
  const level = settings.logLevel.toUpperCase();
  const minimum = (level === 'FATAL' ? 'ERROR' : level) as LogLevel;
  const metricsAddress = settings.metricsAddress ?? null;
  Runtime.install({
    logger: new DefaultLogger(minimum, (entry) => {
      const meta: LogMetadata = entry.meta ?? {};
      logger[SDK_LEVELS[sdkLevel(entry.level, entry.message)]]({ ...meta, sdk: true }, entry.message);
    }),
    ...(metricsAddress !== null && { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } }),
  });
  return logger;
}
