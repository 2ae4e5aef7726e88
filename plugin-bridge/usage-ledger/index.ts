/**
 * usage-ledger (SEED-BEHAVIOUR §4): one row per LLM response in the SQLite usage ledger, written by a durable
 * usage ledger workflow per agent. The hooks only observe: `llm_output` turns the event into a record with a
 * stable event id and queues it (it returns at once and never awaits Temporal); `model_call_ended` adds latency
 * and outcome. The plugin's service owns delivery: a bounded buffer, a sender loop, and an on-disk outbox for
 * while Temporal is unreachable.
 */
import { withLiveRegistration } from '../shared/live-registration.ts';
import { createBridgeLogger } from '../shared/bridge-logger.ts';
import { TemporalBridge } from '../shared/temporal-bridge.ts';
import { WorkerVersionCheck } from '../shared/version-check.ts';
import { outboxPathOf, parseUsageLedgerConfig, PLUGIN_ID, resolveUsageDbPath } from './config.ts';
import { CallCorrelator } from './correlate.ts';
import { UsageLedgerClient } from './ledger-client.ts';
import { Outbox } from './outbox.ts';
import { acquireMetricsEndpoint } from '../shared/metrics-endpoint.ts';
import { bridgeMetrics } from '../shared/metrics.ts';
import { runIdOf, usageRecordOf, withAgentAndCost } from './record.ts';
import { createBudgets, type Budgets } from './budgets.ts';
import { createPriceLookup } from './cost.ts';
import { UsageSender } from './sender.ts';
import type { UsageLedgerApi } from './types.ts';

/**
 * Raw-JSON characters per delivered batch: below the server's 512 KB payload warning for typical records, and
 * below the 2 MB limit even if every character took three bytes.
 */
const BATCH_MAX_CHARS = 400_000;

/**
 * Parses the config (an invalid one fails the plugin load, naming the field) and registers both hooks and the
 * delivery service, synchronously: the host ignores registrations made later.
 */
function register(api: UsageLedgerApi): void {
  const configLog = createBridgeLogger(api.logger, { plugin: PLUGIN_ID }, false);
  const config = parseUsageLedgerConfig(api.pluginConfig, (field, problem) => configLog.warn({ field }, `usage-ledger config: ${field} ${problem}`));
  const log = createBridgeLogger(api.logger, { plugin: PLUGIN_ID }, config.debug);
  if (!config.enabled) {
    log.info({}, 'usage-ledger is disabled (enabled: false): no usage is recorded');
    return;
  }
  const bridge = new TemporalBridge(config.temporal);
  const versionCheck = new WorkerVersionCheck({ bridge, taskQueue: config.taskQueue, log });
  const client = new UsageLedgerClient(bridge, { taskQueue: config.taskQueue });
  const priceOf = createPriceLookup(config.prices, api.config);
  const budgets: Budgets | null = createBudgets(api, config, bridge, log);
  // The budgets count a batch once the ledger has it; a failed budget delivery fails the batch, which is sent
  // again (the ledger and the budgets drop the repeats by event id).
  const deliver = async (ledgerId: string, event: Parameters<UsageLedgerClient['send']>[1], deadline: number) => {
    const result = await client.send(ledgerId, event, deadline);
    await budgets?.keeper.delivered(ledgerId, event.records, deadline);
    return result;
  };
  const sender = new UsageSender(deliver, log, {
    batchMaxRecords: config.batchMaxRecords,
    batchMaxChars: BATCH_MAX_CHARS,
    bufferMaxRecords: config.bufferMaxRecords,
    sendTimeoutMs: config.sendTimeoutMs,
    retryIntervalMs: config.retryIntervalMs,
  });
  const calls = new CallCorrelator();
  let releaseMetrics: Array<() => void | Promise<void>> = [];

  api.registerService({
    id: 'usage-ledger-delivery',
    async start(ctx) {
      const dbPath = resolveUsageDbPath(config, ctx.stateDir);
      const outbox = new Outbox(outboxPathOf(ctx.stateDir), config.outboxMaxBytes);
      bridge.start();
      versionCheck.start();
      await sender.start(dbPath, outbox, config.gatewayId);
      releaseMetrics = [
        await acquireMetricsEndpoint(process.env, log),
        bridgeMetrics().gauge('openclaw_bridge_outbox_pending_bytes', 'Bytes of facts waiting in the outbox for Temporal.', { plugin: PLUGIN_ID }, () => outbox.pendingBytes),
      ];
      await budgets?.keeper.start(ctx.stateDir);
      log.info({ dbPath, gatewayId: config.gatewayId, outbox: outbox.path, budgets: budgets?.keeper.book.budgets.map((b) => b.id) ?? [] }, 'usage-ledger delivering to Temporal (connects lazily)');
    },
    async stop() {
      // The bridge stops first: a call still running after its short grace gives up, so nothing below waits out a
      // call's deadline (OpenClaw gives a stopping plugin 5 s; see TemporalBridge.stop).
      const closing = bridge.stop().catch((err: unknown) => log.warn({ err }, 'closing the Temporal connection failed'));
      await budgets?.keeper.stop();
      await versionCheck.stop();
      for (const release of releaseMetrics.splice(0)) await release();
      await sender.stop(); // the delivery in flight ends with the bridge; what is left goes to the outbox
      await closing;
    },
  });

  api.on('llm_output', (event, ctx) => {
    try {
      const runId = runIdOf(event, ctx);
      const usage = usageRecordOf(event, ctx, calls.take(runId), Date.now());
      if (usage === null) {
        log.debug({ hook: 'llm_output', runId }, 'no token usage in llm_output: no row');
        return;
      }
      budgets?.sawSession(ctx);
      sender.enqueue(usage.ledgerId, withAgentAndCost(usage.record, event, ctx, priceOf));
    } catch (err) {
      log.debug({ hook: 'llm_output', err }, 'malformed llm_output ignored');
    }
  });

  api.on('model_call_ended', (event, ctx) => {
    try {
      calls.observe(event, ctx);
    } catch (err) {
      log.debug({ hook: 'model_call_ended', err }, 'malformed model_call_ended ignored');
    }
  });
}

/** The plugin entry OpenClaw loads (id must equal the manifest's). */
export default {
  id: PLUGIN_ID,
  name: 'Usage Ledger',
  description: 'Records token usage per LLM response in a SQLite ledger, durably through Temporal.',
  register: withLiveRegistration(PLUGIN_ID, register),
};
