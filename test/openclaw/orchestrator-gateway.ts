/**
 * A gateway process with the orchestrator loaded, as the retry tests restart it: a fresh OpenClaw host on the same
 * state dir (its session store survives, its in-memory event queue does not), the plugin's services running, and
 * the thread cache rebuilt from Temporal before traffic arrives — like a gateway that finished starting.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../helpers/temporal.ts';
import { orchestratorDriver } from './orchestrator-driver.ts';
import { orchestratorPluginDir } from './orchestrator-host.ts';
import { loadAndStart } from './plugin-load.ts';
import { withOpenClawHost, type HostStack } from './with-host.ts';

/** The gateway of one test file. */
export interface OrchestratorGateway {
  /** The gateway's state dir (session store included): it survives every restart. */
  readonly stateDir: string;
  /** Drives the current gateway's hooks. */
  readonly driver: ReturnType<typeof orchestratorDriver>;
  /** Starts a gateway process with the plugin (`config` over the file's base config) and its services. */
  start(config?: Record<string, unknown>): Promise<void>;
  /** The gateway process goes away after checking nothing unhandled reached it. */
  stop(): Promise<void>;
}

/** A gateway on `stack` (which must run Temporal) with `baseConfig` for the orchestrator; the state dir goes with the file. */
export function orchestratorGateway(stack: HostStack, baseConfig: Record<string, unknown>): OrchestratorGateway {
  const stateDir = mkdtempSync(join(tmpdir(), 'openclaw-gateway-state-'));
  stack.onTeardown(() => rmSync(stateDir, { recursive: true, force: true }));
  let driver: ReturnType<typeof orchestratorDriver> | undefined;
  return {
    stateDir,
    get driver() {
      return driver ?? assert.fail('the gateway is not started');
    },
    async start(config = {}) {
      const host = await stack.restartHost({ env: { OPENCLAW_STATE_DIR: stateDir } });
      driver = orchestratorDriver(host);
      const pluginConfig = { temporalAddress: stack.env.address, decisionTimeoutMs: 5000, maxRetriesPerTask: 2, ...baseConfig, ...config };
      await loadAndStart(host, { pluginDir: orchestratorPluginDir, pluginId: 'orchestrator', pluginConfig }, { stateDir });
      await eventually('thread cache rebuilt', async () => ((await host.logs()).some((l) => /orchestrator threads loaded from Temporal/.test(l.message)) ? true : undefined), 60_000);
    },
    async stop() {
      assert.deepEqual(await stack.host.unhandled(), [], 'nothing unhandled reached the gateway');
      await stack.host.stopServices();
      await stack.host.close();
    },
  };
}

/**
 * The stack of a retry test file: Temporal, and the file's gateway (`baseConfig` for the orchestrator) started before
 * the tests with `requester` in its session store, the session whose workers are retried.
 */
export function withOrchestratorGateway(baseConfig: Record<string, unknown>, requester: string): { readonly stack: HostStack; readonly gateway: OrchestratorGateway } {
  const stack = withOpenClawHost({
    temporal: true,
    host: false,
    started: async () => {
      await gateway.start();
      await stack.host.upsertSession(requester);
    },
  });
  const gateway = orchestratorGateway(stack, baseConfig);
  return { stack, gateway };
}
