/**
 * The gate's workflow-test stack: a real dev server, the project's workers and a bridge-side {@link GateClient}
 * (the same client the lorene-gate plugin uses), started and stopped together.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { startTestServer, startWorkers } from './temporal.ts';

/** A running gate stack; `stop()` closes the bridge, then the workers, then the server. */
export interface GateStack {
  readonly env: TestWorkflowEnvironment;
  readonly gate: GateClient;
  stop(): Promise<void>;
}

/** Starts server, workers and a gate client for `channel` on the project's workflow task queue. */
export async function startGateStack(channel: string): Promise<GateStack> {
  const env = await startTestServer();
  const workers = await startWorkers(env);
  const bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
  bridge.start();
  const gate = new GateClient(bridge, new KeyedChain(), { channel, taskQueue: 'openclaw-temporal' });
  return {
    env,
    gate,
    async stop() {
      await bridge.stop();
      await workers.stop();
      await env.teardown();
    },
  };
}
