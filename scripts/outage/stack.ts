/**
 * What the outage run stands on: a real dev server and the project's workers, OpenClaw's real loader and hook
 * runner in a Node 24 host process with lorene-gate loaded, and a TCP proxy between the plugin and the server
 * that plays the outage (see test/helpers/tcp-proxy.ts). The worker talks to the server directly: only the
 * gateway loses Temporal, as when the gateway's network to Temporal fails.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startOpenClawHost, type OpenClawHost } from '../../test/openclaw/host-client.ts';
import { startTcpProxy, type TcpProxy } from '../../test/helpers/tcp-proxy.ts';
import { startTestServer, startWorkers, tempDir, type RunningWorkers } from '../../test/helpers/temporal.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/lorene-gate/', import.meta.url));

/** The protected peer and the allowed person of the run. */
export const OUTAGE_PEERS = { protected: '+491701234567', allowed: '+15550001' } as const;

/** The gate's settings for the run. */
export interface OutageGateSettings {
  readonly decisionTimeoutMs: number;
  readonly maxUsesPerArm: number;
}

export interface OutageStack {
  readonly env: TestWorkflowEnvironment;
  readonly host: OpenClawHost;
  readonly proxy: TcpProxy;
  readonly dbPath: string;
  readonly stateDir: string;
  close(): Promise<void>;
}

/** Starts everything and loads lorene-gate (its service started) with `settings`, Temporal reachable. */
export async function startOutageStack(settings: OutageGateSettings): Promise<OutageStack> {
  const tmp = tempDir('outage-run');
  const dbPath = join(tmp.dir, 'lorene-gate.db');
  const stateDir = join(tmp.dir, 'state');
  let env: TestWorkflowEnvironment | undefined;
  let workers: RunningWorkers | undefined;
  let host: OpenClawHost | undefined;
  let proxy: TcpProxy | undefined;
  const close = async () => {
    await host?.close();
    await proxy?.close();
    await workers?.stop();
    await env?.teardown();
    tmp.cleanup();
  };
  try {
    env = await startTestServer();
    workers = await startWorkers(env);
    host = await startOpenClawHost();
    proxy = await startTcpProxy(env.address, 'forward');
    const pluginConfig = {
      protectedTo: [OUTAGE_PEERS.protected],
      allowedFrom: [OUTAGE_PEERS.allowed],
      temporalAddress: proxy.address,
      dbPath,
      decisionTimeoutMs: settings.decisionTimeoutMs,
      maxUsesPerArm: settings.maxUsesPerArm,
    };
    const loaded = await host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig });
    if (loaded.status !== 'loaded') throw new Error(`lorene-gate did not load: ${loaded.error ?? loaded.status}`);
    await host.startServices({ stateDir });
    return { env, host, proxy, dbPath, stateDir, close };
  } catch (err) {
    await close();
    throw err;
  }
}
