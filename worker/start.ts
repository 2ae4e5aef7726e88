/**
 * `npm start`: the whole stack on one machine. Starts the embedded dev server (persistent database, Web UI on
 * 127.0.0.1:8233, search attributes registered) unless the Temporal environment configuration names a service,
 * then runs the worker and prints how to load the plugins into an OpenClaw gateway. Ctrl-C stops everything.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { temporalCliPath } from '../scripts/paths.mjs';
import { parseWorkerConfig, type WorkerConfig } from './config.ts';
import { startCodecServer, type RunningCodecServer } from './codec-server.ts';
import { startDevServer, type DevServer } from './dev-server.ts';
import { sqlitePragmas } from './sqlite-durability.ts';
import { installLogger, processLogFormat } from './logger.ts';
import { workerPayloadKeys } from './payload-keys.ts';
import { pluginInstructions } from './instructions.ts';
import { ensureSearchAttributes } from './search-attributes.ts';
import { bundleWorkflows, createWorkerSet, type WorkerLogger } from './workers.ts';
import { workerTracingFromEnv } from './tracing.ts';
import { configuredDeployment } from './versioning.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** A dev server that just opened its port may still answer "Frontend is not healthy yet": try for a while. */
async function connectWhenHealthy<T>(connect: () => Promise<T>, logger: Pick<WorkerLogger, 'warn'>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await connect();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      logger.warn({ err: (err as Error).message }, 'Temporal is not ready yet; retrying');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** The Web UI's codec server (none when encryption is off); a busy port costs the decoded view, not the stack. */
async function startUiCodecServer(config: WorkerConfig['codecServer'], dataConverter: DataConverter, logger: Pick<WorkerLogger, 'warn'>): Promise<RunningCodecServer | null> {
  const [codec] = dataConverter.payloadCodecs ?? [];
  if (codec === undefined) return null;
  try {
    return await startCodecServer(config, codec, logger);
  } catch (err) {
    logger.warn({ err, port: config.port }, 'the codec server did not start: the Web UI shows payloads encrypted (set OPENCLAW_TEMPORAL_CODEC_PORT)');
    return null;
  }
}

async function main(): Promise<void> {
  const config = parseWorkerConfig(process.env, { dataDir: join(repo, '.data') });
  const format = processLogFormat(config.logFormat);
  const logger = installLogger(config, format);
  const keys = workerPayloadKeys(config.payloadKeys, { create: true });
  if (keys.created) logger.info({ keyFile: keys.keyFile }, 'created a payload encryption key: keep it safe, back it up, give the plugins the same file');
  let server: DevServer | null = null;
  let codecServer: RunningCodecServer | null = null;
  let address = config.connect.connectionOptions.address;
  if (!config.explicitService) {
    const dbFile = join(config.dataDir, 'temporal.db');
    codecServer = await startUiCodecServer(config.codecServer, keys.dataConverter, logger);
    logger.info({ dbFile, codecServer: codecServer?.url ?? null, sqliteDurability: config.sqliteDurability }, 'starting the embedded Temporal dev server');
    const sqlite = sqlitePragmas(config.sqliteDurability);
    server = await startDevServer({ cliPath: temporalCliPath(), dbFile, logFile: join(config.dataDir, 'temporal-server.log'), sqlitePragmas: sqlite, ...(codecServer && { codecEndpoint: codecServer.url }) });
    address = server.address;
  } else {
    const client = await Connection.connect({ ...config.connect.connectionOptions });
    try {
      const added = await ensureSearchAttributes(client, config.namespace);
      if (added.length > 0) logger.info({ added }, 'registered search attributes');
    } catch (err) {
      logger.warn({ err }, 'search attributes are not registered');
    } finally {
      await client.close();
    }
  }
  const deployment = configuredDeployment(config, repo);
  const tracing = workerTracingFromEnv(process.env, logger);
  const connection = await connectWhenHealthy(() => NativeConnection.connect({ ...config.connect.connectionOptions, address }), logger);
  try {
    // Inside the try: a worker the replay gate refuses (OPENCLAW_TEMPORAL_REPLAY_BEFORE_START) still stops the dev server.
    const set = await createWorkerSet({ ...config, connection, bundle: await bundleWorkflows({ tracing: tracing !== null, metrics: config.metricsAddress !== null }), tracing, deployment, logger, dataConverter: keys.dataConverter });
    // With JSON logs stdout carries only JSON lines (for a log shipper); the banner is for a person: stderr.
    (format === 'json' ? process.stderr : process.stdout).write(pluginInstructions({ repo, address: address ?? 'localhost:7233', namespace: config.namespace, uiUrl: server?.uiUrl ?? null, payloadKeyFile: keys.keyFile, codecUrl: codecServer?.url ?? null }));
    await set.run();
  } finally {
    await connection.close();
    await tracing?.shutdown();
    await codecServer?.close();
    if (server !== null) {
      logger.info('stopping the dev server');
      await server.stop();
    }
    logger.info('stopped');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
