/**
 * How a bridge's Temporal client is built from its settings (temporal-bridge.ts opens one per plugin instance):
 * the connection profile (`@temporalio/envconfig`) under the plugin's own keys, a lazy connection — no network
 * traffic until the first call — with the continue-as-new retry interceptor, the payload codec, and tracing.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { bridgeDataConverter } from './codec/data-converter.ts';
import { bridgeTracing, type BridgeTracing } from './deferred-tracing.ts';
import { bridgeGrpcInterceptors } from './grpc-retry.ts';
import type { TemporalSettings } from './temporal-settings.ts';

/** A lazy connection, the client over it, and the tracing its calls run in. */
export interface LazyClient {
  readonly connection: Connection;
  readonly client: Client;
  readonly tracing: BridgeTracing;
}

/** Builds the lazy connection and client for `settings`; connects on the first call. */
export function openLazyClient(settings: TemporalSettings): LazyClient {
  const env = loadClientConnectConfig(settings.profile === undefined ? {} : { profile: settings.profile });
  const address = settings.address ?? env.connectionOptions.address ?? 'localhost:7233';
  // Calls turned away by a run closing for continue-as-new are sent again within milliseconds (grpc-retry.ts).
  const connection = Connection.lazy({ ...env.connectionOptions, address, interceptors: bridgeGrpcInterceptors() });
  const dataConverter = bridgeDataConverter({ keyFile: settings.payloadKeyFile });
  const tracing = bridgeTracing(settings.tracing, process.env);
  const interceptors = { workflow: tracing.interceptors };
  const client = new Client({ connection, namespace: settings.namespace ?? env.namespace ?? 'default', dataConverter, interceptors });
  return { connection, client, tracing };
}
