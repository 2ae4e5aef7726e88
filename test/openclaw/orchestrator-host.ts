/**
 * The stack of an orchestrator test file that loads the plugin into one OpenClaw host itself: a dev server and
 * the project's workers, the host, a driver of the plugin's hooks in that host, and the threads' handles.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { orchestratorThreadWorkflowId } from '../../workflows/orchestrator/contract.ts';
import type { LoadResult } from './host-client.ts';
import { orchestratorDriver } from './orchestrator-driver.ts';
import { loadAndStart } from './plugin-load.ts';
import { withOpenClawHost, type HostStack } from './with-host.ts';

/** The orchestrator plugin's folder, as the loader discovers it. */
export const orchestratorPluginDir = fileURLToPath(new URL('../../plugin-bridge/orchestrator/', import.meta.url));

/** What {@link withOrchestratorHost} gives a test file. */
export interface OrchestratorHost {
  readonly stack: HostStack;
  /** Drives the plugin's hooks in the file's host. */
  readonly driver: ReturnType<typeof orchestratorDriver>;
  /** Loads the plugin with `pluginConfig` (it must load) and starts its services. */
  load(pluginConfig: Record<string, unknown>): Promise<LoadResult>;
  /** The thread workflow of the front session `front`. */
  thread(front: string): WorkflowHandle;
}

/** Registers the file's host lifecycle (Temporal included) and returns the orchestrator's view of it. */
export function withOrchestratorHost(): OrchestratorHost {
  let driver: ReturnType<typeof orchestratorDriver> | undefined;
  const stack = withOpenClawHost({ temporal: true, started: async ({ host }) => {
    driver = orchestratorDriver(host);
  } });
  return {
    stack,
    get driver() {
      return driver ?? assert.fail('the OpenClaw host is not started');
    },
    load: (pluginConfig) => loadAndStart(stack.host, { pluginDir: orchestratorPluginDir, pluginId: 'orchestrator', pluginConfig }),
    thread: (front) => stack.env.client.workflow.getHandle(orchestratorThreadWorkflowId(front)),
  };
}
