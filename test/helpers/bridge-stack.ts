/**
 * The workflow tests' common stack: a real dev server, the project's workers, and a bridge-side
 * {@link TemporalBridge} (the connection every plugin's client uses), started and stopped together.
 * {@link withBridgeStack} registers the whole lifecycle of a test file (before/after hooks and a temp folder).
 */
import { after, before } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { startTestServer, startWorkers, tempDir, type RunningWorkers } from './temporal.ts';

/** A running stack; `stop()` closes the bridge, then the workers, then the server. */
export interface BridgeStack {
  readonly env: TestWorkflowEnvironment;
  readonly workers: RunningWorkers;
  readonly bridge: TemporalBridge;
  stop(): Promise<void>;
}

/** Starts server, workers (on the project's task queues) and a started bridge to the server. */
export async function startBridgeStack(): Promise<BridgeStack> {
  const env = await startTestServer();
  const workers = await startWorkers(env);
  const bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
  bridge.start();
  return {
    env,
    workers,
    bridge,
    async stop() {
      await bridge.stop();
      await workers.stop();
      await env.teardown();
    },
  };
}

/** A test file's stack: `env`, `workers` and `bridge` work inside its hooks and tests; `dir` at once. */
export interface BridgeFixture {
  /** The file's temp folder, removed after its tests. */
  readonly dir: string;
  readonly env: TestWorkflowEnvironment;
  readonly workers: RunningWorkers;
  readonly bridge: TemporalBridge;
}

/**
 * Registers the file's `before`/`after` hooks: one {@link startBridgeStack} and a temp folder named `name-…`.
 * `setup` runs in the same `before` hook once the stack is up (e.g. to create the file's clients): a second
 * top-level `before` of the file is not guaranteed to wait for this one.
 */
export function withBridgeStack(name: string, setup?: (stack: BridgeStack) => void | Promise<void>): BridgeFixture {
  const tmp = tempDir(name);
  let stack: BridgeStack | undefined;
  before(async () => {
    stack = await startBridgeStack();
    await setup?.(stack);
  });
  after(async () => {
    await stack?.stop();
    tmp.cleanup();
  });
  const running = (): BridgeStack => {
    if (stack === undefined) throw new Error('the stack runs only while the hooks and tests of its file run');
    return stack;
  };
  return {
    dir: tmp.dir,
    get env() {
      return running().env;
    },
    get workers() {
      return running().workers;
    },
    get bridge() {
      return running().bridge;
    },
  };
}
