/**
 * lorene-gate's service: at start it opens the Temporal connection (lazily), the facts' outbox and the metrics,
 * and works out the runtime config every event carries; at stop it ends them within OpenClaw's stop budget.
 */
import { join } from 'node:path';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import { acquireMetricsEndpoint } from '../shared/metrics-endpoint.ts';
import { bridgeMetrics } from '../shared/metrics.ts';
import type { PluginService } from '../shared/openclaw-types.ts';
import { Outbox } from '../shared/outbox.ts';
import type { TemporalBridge } from '../shared/temporal-bridge.ts';
import type { WorkerVersionCheck } from '../shared/version-check.ts';
import { resolveDbPath, type GateConfig } from './config.ts';
import { countDeadFacts, gateDeadFactsPath } from './dead-facts.ts';
import { FACT_SHAPE, type GateFacts } from './facts.ts';

/** Bound on one delivery of a fact from the outbox (the loop tries again after it). */
const FACT_SEND_TIMEOUT_MS = 5000;
/** Longest pause between delivery attempts while Temporal is unreachable. */
const FACT_RETRY_INTERVAL_MS = 2000;
/** Outbox bound: about 100 000 facts; beyond it new facts are refused and logged. */
const OUTBOX_MAX_BYTES = 64 * 1024 * 1024;

/** Where the gate's facts wait while Temporal is unreachable: under the state dir OpenClaw gives the service. */
export function gateOutboxPath(stateDir: string): string {
  return join(stateDir, 'lorene-gate', 'outbox.jsonl');
}

/** How the gate's facts are delivered from the outbox. */
export const GATE_FACT_DELIVERY = { sendTimeoutMs: FACT_SEND_TIMEOUT_MS, retryIntervalMs: FACT_RETRY_INTERVAL_MS } as const;

/** What the service starts and stops. */
export interface GateServiceParts {
  readonly config: GateConfig;
  readonly log: BridgeLogger;
  readonly bridge: TemporalBridge;
  readonly versionCheck: WorkerVersionCheck;
  readonly facts: GateFacts;
}

/** The service; `onRuntime` gets the runtime config once started, and null when stopping. */
export function gateService(parts: GateServiceParts, onRuntime: (runtime: GateRuntimeConfig | null) => void): PluginService {
  const { config, log, bridge, versionCheck, facts } = parts;
  let releaseMetrics: Array<() => void | Promise<void>> = [];
  return {
    id: 'lorene-gate-temporal',
    async start(ctx) {
      const dbPath = resolveDbPath(config, ctx.stateDir);
      bridge.start();
      versionCheck.start();
      const outbox = new Outbox(gateOutboxPath(ctx.stateDir), OUTBOX_MAX_BYTES, FACT_SHAPE);
      await facts.start(outbox);
      const metrics = bridgeMetrics();
      releaseMetrics = [
        await acquireMetricsEndpoint(process.env, log),
        metrics.gauge('openclaw_bridge_outbox_pending_bytes', 'Bytes of facts waiting in the outbox for Temporal.', { plugin: 'lorene-gate' }, () => outbox.pendingBytes),
        metrics.gauge('openclaw_bridge_dead_letters', 'Facts Temporal refused, kept in the dead-letter file.', { plugin: 'lorene-gate' }, () => countDeadFacts(gateDeadFactsPath(ctx.stateDir))),
      ];
      // The gateway id travels with every event: the gate's ledger batches then go to this host's ledger queue.
      const host = config.gatewayId === undefined ? {} : { gatewayId: config.gatewayId };
      onRuntime({ armTtlMs: config.armTtlMs, maxUsesPerArm: config.maxUsesPerArm, missedResponseTtlMs: config.missedResponseTtlMs, dbPath, ...host });
      log.info({ dbPath, ...host, outbox: outbox.path, protectedPeers: config.protectedTo.size }, 'lorene-gate connected to Temporal (lazily)');
    },
    async stop() {
      onRuntime(null);
      // The bridge stops first: a call still running after its short grace gives up, so nothing below waits out a
      // call's deadline (OpenClaw gives a stopping plugin 5 s; see TemporalBridge.stop).
      const closing = bridge.stop().catch((err: unknown) => log.warn({ err }, 'closing the Temporal connection failed'));
      await versionCheck.stop();
      for (const release of releaseMetrics.splice(0)) await release();
      await facts.stop(); // undelivered facts stay in the outbox for the next start
      await closing;
    },
  };
}
