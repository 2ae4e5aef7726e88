/**
 * The operations CLI's Temporal client, from the standard Temporal environment configuration (address,
 * namespace, TLS, API key, profile): the same settings the worker and the plugins read, so `status` and `replay`
 * look at the service the deployment uses.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';

/** No Temporal service answered at `address`; the message says which settings to check. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError' as const;
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`cannot reach Temporal at ${address} (${reason}); set TEMPORAL_ADDRESS (or a TEMPORAL_PROFILE) to your service`);
  }
}

/** An open client; `close()` ends its connection. */
export interface OpsClient {
  readonly client: Client;
  readonly address: string;
  readonly namespace: string;
  /** The payload codec the client uses (from the same environment as the worker's); replay decodes with it. */
  readonly dataConverter: DataConverter;
  close(): Promise<void>;
}

/** Connects to the configured service (default localhost:7233, namespace default). */
export async function connectOps(env: NodeJS.ProcessEnv = process.env): Promise<OpsClient> {
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const config = loadClientConnectConfig({ profile: env.TEMPORAL_PROFILE, overrideEnvVars });
  const address = config.connectionOptions.address ?? 'localhost:7233';
  const namespace = config.namespace ?? 'default';
  const dataConverter = payloadDataConverter({ env });
  const connection = await Connection.connect({ ...config.connectionOptions, address, connectTimeout: '10 seconds' }).catch((err: unknown) => {
    throw new TemporalUnreachableError(address, err instanceof Error ? err.message : String(err));
  });
  return { client: new Client({ connection, namespace, dataConverter }), address, namespace, dataConverter, close: () => connection.close() };
}
