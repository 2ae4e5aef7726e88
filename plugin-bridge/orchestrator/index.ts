/**
 * orchestrator ("Orchestrator Delegation"): a front-controller session delegates real work to one hidden
 * orchestrator per thread, which splits it into workers. Each thread lives in a durable Temporal workflow
 * (`orchestrator/<frontSessionKey>`); this entry maps hooks to it, keeps a cache so sessions outside every
 * thread are decided locally, and decides explicitly what a failure means for each hook.
 */
import { acquireMetricsEndpoint } from '../shared/metrics-endpoint.ts';
import { bridgeMetrics } from '../shared/metrics.ts';
import { Outbox } from '../shared/outbox.ts';
import { withLiveRegistration } from '../shared/live-registration.ts';
import { createBridgeLogger } from '../shared/bridge-logger.ts';
import { KeyedChain } from '../shared/keyed-chain.ts';
import type { PluginApi } from '../shared/openclaw-types.ts';
import { TemporalBridge } from '../shared/temporal-bridge.ts';
import { WorkerVersionCheck } from '../shared/version-check.ts';
import { ORCHESTRATOR_PLUGIN_ID } from '../../workflows/orchestrator/contract.ts';
import { parseBridgeConfig } from './config.ts';
import { ThreadDirectory } from './directory.ts';
import { DirectoryLoader } from './directory-loader.ts';
import { countDeadLetters, orchestratorDeadFactsPath, orchestratorOutboxPath } from './fact-files.ts';
import { OBSERVER_FACT_SHAPE, observerFactSender } from './observer-fact.ts';
import { ObserverFacts } from './observer-facts.ts';
import { createObservers } from './observer-hooks.ts';
import { LocalSpawns } from './local-spawns.ts';
import { createBeforePromptBuild } from './prompt-hook.ts';
import { ThreadClient } from './thread-client.ts';
import type { OrchestratorHookDeps } from './hook-deps.ts';
import { createBeforeToolCall } from './tool-hook.ts';
import { UnthreadedSpawns } from './unthreaded.ts';
import { RecentUserMessages } from './user-messages.ts';
import { gatewayActivityService } from './gateway-service.ts';

/** Slack between our own bound (decisionTimeoutMs) and the host's hook timeout, so ours always fires first. */
const HOST_TIMEOUT_SLACK_MS = 2000;
/** Bound on one delivery of a kept fact from the outbox (the loop tries again after it). */
const FACT_SEND_TIMEOUT_MS = 5000;
/** Longest pause between delivery attempts while Temporal cannot be reached. */
const FACT_RETRY_INTERVAL_MS = 2000;
/** Outbox bound (tens of thousands of facts); beyond it a fact is not kept, and that is logged. */
const OUTBOX_MAX_BYTES = 16 * 1024 * 1024;

function register(api: PluginApi): void {
  const config = parseBridgeConfig(api.pluginConfig);
  const log = createBridgeLogger(api.logger, { plugin: ORCHESTRATOR_PLUGIN_ID }, config.debug);
  const bridge = new TemporalBridge(config.temporal);
  const versionCheck = new WorkerVersionCheck({ bridge, taskQueue: config.taskQueue, log });
  const directory = new ThreadDirectory();
  const threads = new ThreadClient(bridge, new KeyedChain(), config.taskQueue);
  const loader = new DirectoryLoader(directory, threads, log);

  const unthreaded = new UnthreadedSpawns(bridge, new KeyedChain(), config.taskQueue);
  const facts = new ObserverFacts(observerFactSender(threads, unthreaded, (fact) => directory.observe(fact)), log, {
    sendTimeoutMs: FACT_SEND_TIMEOUT_MS,
    retryIntervalMs: FACT_RETRY_INTERVAL_MS,
    delivered: (fact, answer) => {
      if (answer.kind !== 'ok' && 'frontKey' in fact) directory.observe({ kind: 'thread-over', frontKey: fact.frontKey });
    },
  });

  const deps: OrchestratorHookDeps = {
    config: config.policy,
    directory,
    threads,
    messages: new RecentUserMessages(),
    localSpawns: new LocalSpawns(),
    unthreaded,
    log,
    afterKeptFacts: (frontKey, deadline) => facts.afterKeptFacts(frontKey, deadline),
  };

  let releaseMetrics: Array<() => void | Promise<void>> = [];
  api.registerService({
    id: 'orchestrator-temporal',
    async start(ctx) {
      const metrics = bridgeMetrics();
      const outbox = new Outbox(orchestratorOutboxPath(ctx.stateDir), OUTBOX_MAX_BYTES, OBSERVER_FACT_SHAPE);
      const deadFacts = orchestratorDeadFactsPath(ctx.stateDir);
      releaseMetrics = [
        await acquireMetricsEndpoint(process.env, log),
        metrics.gauge('openclaw_bridge_outbox_pending_bytes', 'Bytes of facts waiting in the outbox for Temporal.', { plugin: ORCHESTRATOR_PLUGIN_ID }, () => outbox.pendingBytes),
        metrics.gauge('openclaw_bridge_dead_letters', 'Facts Temporal refused, kept in the dead-letter file.', { plugin: ORCHESTRATOR_PLUGIN_ID }, () => countDeadLetters(deadFacts)),
      ];
      bridge.start();
      await facts.start(outbox, deadFacts).catch((err: unknown) => {
        log.error({ outbox: outbox.path, err }, 'the orchestrator outbox cannot be opened: a fact Temporal cannot be told in time is lost');
      });
      versionCheck.start();
      loader.start();
      log.info({ taskQueue: config.taskQueue, onTemporalError: config.policy.onTemporalError, outbox: outbox.path }, 'orchestrator connected to Temporal (lazily)');
    },
    async stop() {
      // The bridge stops first: a call still running after its short grace gives up, so nothing below waits out a
      // call's deadline (OpenClaw gives a stopping plugin 5 s; see TemporalBridge.stop).
      const closing = bridge.stop();
      for (const release of releaseMetrics.splice(0)) await release();
      loader.stop();
      await versionCheck.stop();
      await facts.stop(); // what is not delivered stays in the outbox for the next start
      await closing;
    },
  });
  const system = api.runtime?.system;
  if (system !== undefined) api.registerService(gatewayActivityService({ config, system, session: api.session?.workflow, bridge, log, after: loader.firstAttempt }));
  else log.warn({}, 'api.runtime.system is missing: retry events cannot be delivered by this gateway');

  // Every hook gets an explicit host timeout: OpenClaw awaits the subagent_* and session_end hooks without one.
  const timeoutMs = config.policy.decisionTimeoutMs + HOST_TIMEOUT_SLACK_MS;
  const observers = createObservers(deps, facts);
  api.on('before_tool_call', createBeforeToolCall(deps), { timeoutMs });
  api.on('before_prompt_build', createBeforePromptBuild(deps), { timeoutMs });
  api.on('after_tool_call', observers.afterToolCall, { timeoutMs });
  api.on('subagent_spawned', observers.subagentSpawned, { timeoutMs });
  api.on('subagent_delivery_target', async (event, ctx) => {
    await observers.subagentDeliveryTarget(event, ctx);
    return undefined; // never claims the delivery origin
  }, { timeoutMs });
  api.on('subagent_ended', observers.subagentEnded, { timeoutMs });
  api.on('session_end', observers.sessionEnd, { timeoutMs });
}

/** The plugin entry OpenClaw's loader resolves (`id` must match the manifest). */
export default {
  id: ORCHESTRATOR_PLUGIN_ID,
  name: 'Orchestrator Delegation',
  description: 'Front-controller sessions delegate to one hidden orchestrator per thread; threads are durable Temporal workflows.',
  register: withLiveRegistration(ORCHESTRATOR_PLUGIN_ID, register),
};
