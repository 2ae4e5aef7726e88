/**
 * The worker's configuration, parsed once from its environment. Connection settings (address, namespace, TLS,
 * API key, profiles) come from the standard Temporal environment configuration (`@temporalio/envconfig`:
 * `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_PROFILE`, the TOML config file), never
 * from a hand-rolled parser. Nothing else in `worker/` reads `process.env`.
 */
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { keySource, type KeySource } from '../plugin-bridge/shared/codec/data-converter.ts';
import { PayloadKeyError } from '../plugin-bridge/shared/codec/encryption-codec.ts';
import type { CodecServerConfig } from './codec-server.ts';
import { parseSqliteDurability, type SqliteDurability } from './sqlite-durability.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE, isGatewayId } from '../workflows/shared/task-queues.ts';
import type { LogFormatSetting } from './logger.ts';

/** A configuration value the worker cannot use; `variable` names the environment variable. */
export class InvalidWorkerConfigError extends Error {
  override name = 'InvalidWorkerConfigError' as const;
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

export interface WorkerConfig {
  /** Where and how to reach Temporal (envconfig). */
  readonly connect: ClientConnectConfig;
  readonly namespace: string;
  /** True when the environment configuration (env or profile) names an address: `npm start` then starts no dev server. */
  readonly explicitService: boolean;
  readonly taskQueue: string;
  readonly ledgerTaskQueue: string;
  /**
   * Whether this process serves the fixed ledger queue (exactly one host should).
   * @default true, false when {@link gatewayId} is set
   */
  readonly serveLedger: boolean;
  /** `OPENCLAW_TEMPORAL_GATEWAY_ID`: this host's gateway; it serves `openclaw-temporal-ledger/<gatewayId>` too. null: none. */
  readonly gatewayId: string | null;
  /** Workflow cache size; the SDK default is tuned for bigger machines. @default 200 */
  readonly maxCachedWorkflows: number;
  /** Folder of the embedded dev server's database file. @default `.data` in the repository */
  readonly dataDir: string;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** `OPENCLAW_TEMPORAL_LOG_FORMAT`: `json`, `pretty`, or `auto` (pretty on a terminal). @default 'auto' */
  readonly logFormat: LogFormatSetting;
  /** `OPENCLAW_TEMPORAL_METRICS_ADDRESS` (`host:port`): where the Prometheus endpoint listens; null: no metrics. */
  readonly metricsAddress: string | null;
  /** How often the state gauges (open workflows, dead-lettered ledger writes) are read, in ms (`OPENCLAW_TEMPORAL_STATE_GAUGE_INTERVAL_MS`). */
  readonly stateGaugeIntervalMs: number;
  /** `OPENCLAW_TEMPORAL_WORKER_VERSIONING=on`: poll as a version of the Worker Deployment (worker/versioning.ts). @default false */
  readonly workerVersioning: boolean;
  /** `OPENCLAW_TEMPORAL_REPLAY_BEFORE_START=N`: replay the N most recent executions of each workflow type before polling (worker/replay-gate.ts); 0: off. @default 0 */
  readonly replayBeforeStart: number;
  /** `OPENCLAW_TEMPORAL_BUILD_ID`: the build id to poll as; null: `<package version>+<git SHA>`. */
  readonly buildId: string | null;
  /** Where the payload keys come from (`OPENCLAW_TEMPORAL_CODEC`, `…_PAYLOAD_KEYS`, `…_KEY_FILE`, `<dataDir>/payload-keys.json`). */
  readonly payloadKeys: KeySource;
  /** The codec server for the Web UI (`npm run codec-server`, and `npm start` next to the dev server). */
  readonly codecServer: CodecServerConfig;
  /** How the embedded dev server writes its SQLite file (`OPENCLAW_TEMPORAL_SQLITE_DURABILITY`). @default crash-safe */
  readonly sqliteDurability: SqliteDurability;
}

function positiveInt(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new InvalidWorkerConfigError(variable, `must be a positive integer, got "${raw}"`);
  return value;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
const LOG_FORMATS: readonly LogFormatSetting[] = ['auto', 'json', 'pretty'];

/** Parses the worker environment; throws {@link InvalidWorkerConfigError} naming the variable. */
export function parseWorkerConfig(env: NodeJS.ProcessEnv, defaults: { dataDir: string }): WorkerConfig {
  const connect = loadClientConnectConfig({ profile: env.TEMPORAL_PROFILE, overrideEnvVars: envRecord(env) });
  const logLevel = (env.OPENCLAW_TEMPORAL_LOG_LEVEL ?? 'info') as WorkerConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new InvalidWorkerConfigError('OPENCLAW_TEMPORAL_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = (env.OPENCLAW_TEMPORAL_LOG_FORMAT || 'auto') as LogFormatSetting;
  if (!LOG_FORMATS.includes(logFormat)) throw new InvalidWorkerConfigError('OPENCLAW_TEMPORAL_LOG_FORMAT', `must be one of ${LOG_FORMATS.join(', ')}`);
  const metricsAddress = env.OPENCLAW_TEMPORAL_METRICS_ADDRESS?.trim() || null;
  if (metricsAddress !== null && !/^[^\s:]*:\d+$|^\[[0-9a-f:]+\]:\d+$/i.test(metricsAddress)) throw new InvalidWorkerConfigError('OPENCLAW_TEMPORAL_METRICS_ADDRESS', `must be host:port, got "${metricsAddress}"`);
  const versioning = env.OPENCLAW_TEMPORAL_WORKER_VERSIONING || 'off';
  if (versioning !== 'on' && versioning !== 'off') throw new InvalidWorkerConfigError('OPENCLAW_TEMPORAL_WORKER_VERSIONING', 'must be on or off');
  const gatewayId = env.OPENCLAW_TEMPORAL_GATEWAY_ID?.trim() || null;
  if (gatewayId !== null && !isGatewayId(gatewayId)) throw new InvalidWorkerConfigError('OPENCLAW_TEMPORAL_GATEWAY_ID', `must be 1–64 characters of letters, digits, ".", "_" or "-", got "${gatewayId}"`);
  // A gateway host serves its own ledger queue; the fixed one only when told (it should have exactly one host).
  const serveLedger = env.OPENCLAW_TEMPORAL_SERVE_LEDGER || (gatewayId === null ? 'true' : 'false');
  if (serveLedger !== 'true' && serveLedger !== 'false') throw new InvalidWorkerConfigError('OPENCLAW_TEMPORAL_SERVE_LEDGER', 'must be true or false');
  const dataDir = env.OPENCLAW_TEMPORAL_DATA_DIR || defaults.dataDir;
  const sqliteDurability = parseSqliteDurability(env.OPENCLAW_TEMPORAL_SQLITE_DURABILITY);
  if (sqliteDurability === null) throw new InvalidWorkerConfigError('OPENCLAW_TEMPORAL_SQLITE_DURABILITY', 'must be crash-safe or power-safe');
  return {
    connect,
    namespace: connect.namespace ?? 'default',
    explicitService: connect.connectionOptions.address !== undefined,
    taskQueue: env.OPENCLAW_TEMPORAL_TASK_QUEUE || WORKFLOW_TASK_QUEUE,
    // Fixed: workflow code schedules ledger activities on this queue, so a worker cannot move it alone.
    ledgerTaskQueue: LEDGER_TASK_QUEUE,
    serveLedger: serveLedger === 'true',
    gatewayId,
    maxCachedWorkflows: positiveInt(env, 'OPENCLAW_TEMPORAL_MAX_CACHED_WORKFLOWS', 200),
    dataDir,
    logLevel,
    logFormat,
    metricsAddress,
    stateGaugeIntervalMs: positiveInt(env, 'OPENCLAW_TEMPORAL_STATE_GAUGE_INTERVAL_MS', 15_000),
    workerVersioning: versioning === 'on',
    buildId: env.OPENCLAW_TEMPORAL_BUILD_ID?.trim() || null,
    replayBeforeStart: env.OPENCLAW_TEMPORAL_REPLAY_BEFORE_START === '0' ? 0 : positiveInt(env, 'OPENCLAW_TEMPORAL_REPLAY_BEFORE_START', 0),
    payloadKeys: payloadKeys(env, dataDir),
    codecServer: {
      host: env.OPENCLAW_TEMPORAL_CODEC_HOST || '127.0.0.1',
      port: env.OPENCLAW_TEMPORAL_CODEC_PORT === '0' ? 0 : positiveInt(env, 'OPENCLAW_TEMPORAL_CODEC_PORT', 8234),
      allowedOrigins: (env.OPENCLAW_TEMPORAL_CODEC_ORIGINS || 'http://127.0.0.1:8233,http://localhost:8233,http://127.0.0.1:8080,http://localhost:8080').split(',').map((o) => o.trim()).filter(Boolean),
      token: env.OPENCLAW_TEMPORAL_CODEC_TOKEN || null,
    },
    sqliteDurability,
  };
}

function payloadKeys(env: NodeJS.ProcessEnv, dataDir: string): KeySource {
  try {
    return keySource({ env: { ...env, OPENCLAW_TEMPORAL_DATA_DIR: dataDir } });
  } catch (err) {
    if (err instanceof PayloadKeyError) throw new InvalidWorkerConfigError('OPENCLAW_TEMPORAL_CODEC', err.message);
    throw err;
  }
}

function envRecord(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
