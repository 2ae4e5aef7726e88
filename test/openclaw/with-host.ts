/**
 * The lifecycle every OpenClaw-host test shares, registered once: a real dev server and the project's workers
 * when the test needs Temporal, OpenClaw's real loader in its own process, the host's stderr printed when a test
 * fails, and everything stopped after the file — including what a test stopped or replaced on purpose.
 */
import { after, afterEach, before } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestServer, startWorkers, type RunningWorkers } from '../helpers/temporal.ts';
import { startOpenClawHost, type OpenClawHost } from './host-client.ts';

/** What to start before the file's tests. */
export interface HostStackOptions {
  /** A dev server and the project's workers, started before the host. @default false */
  readonly temporal?: boolean;
  /** The host's start options, or `false` when the tests start it themselves with {@link HostStack.restartHost}. */
  readonly host?: false | { readonly env?: Record<string, string> };
  /** Runs once everything is up (a proxy, a session in the store, …). */
  readonly started?: (stack: HostStack) => Promise<void>;
}

/** The running parts; reading one that is not running throws, naming it. */
export interface HostStack {
  readonly host: OpenClawHost;
  readonly env: TestWorkflowEnvironment;
  readonly workers: RunningWorkers;
  /** Closes the current host (if any) and starts a new one: a gateway restart as the loader sees it. */
  restartHost(options?: { readonly env?: Record<string, string> }): Promise<OpenClawHost>;
  /** Stops the workers now (the server stays): a worker outage. */
  stopWorkers(): Promise<void>;
  /** Starts the project's workers again against the running server. */
  startWorkers(): Promise<RunningWorkers>;
  /** Stops the workers and the server now, as an outage; the file's teardown then leaves them alone. */
  stopTemporal(): Promise<void>;
  /** Something the test started that must stop with the file: run after the host and Temporal stopped, last added first. */
  onTeardown(stop: () => unknown): void;
}

const missing = (name: string): never => {
  throw new Error(`withOpenClawHost: ${name} is not running (not started, or stopped by the test)`);
};

/** Registers the file's before/after/afterEach hooks and returns the stack they manage. */
export function withOpenClawHost(options: HostStackOptions = {}): HostStack {
  let env: TestWorkflowEnvironment | undefined;
  let workers: RunningWorkers | undefined;
  let host: OpenClawHost | undefined;
  const teardowns: Array<() => unknown> = [];

  const stack: HostStack = {
    get host() {
      return host ?? missing('the OpenClaw host');
    },
    get env() {
      return env ?? missing('the Temporal dev server');
    },
    get workers() {
      return workers ?? missing('the workers');
    },
    async restartHost(hostOptions = {}) {
      const previous = host;
      host = undefined;
      await previous?.close();
      host = await startOpenClawHost(hostOptions);
      return host;
    },
    async stopWorkers() {
      const running = workers;
      workers = undefined;
      await running?.stop();
    },
    async startWorkers() {
      await stack.stopWorkers();
      workers = await startWorkers(stack.env);
      return workers;
    },
    async stopTemporal() {
      await stack.stopWorkers();
      const running = env;
      env = undefined;
      await running?.teardown();
    },
    onTeardown(stop) {
      teardowns.push(stop);
    },
  };

  before(async () => {
    if (options.temporal === true) {
      env = await startTestServer();
      workers = await startWorkers(env);
    }
    if (options.host !== false) host = await startOpenClawHost(options.host ?? {});
    await options.started?.(stack);
  });

  after(async () => {
    await host?.close();
    await stack.stopTemporal();
    for (const stop of teardowns.reverse()) await stop();
  });

  afterEach((t) => {
    if ('passed' in t && t.passed === false && host) process.stderr.write(`--- openclaw host stderr ---\n${host.stderrText()}\n`);
  });

  return stack;
}
