/**
 * The faults, each returning once the system has settled again: the gateway stopped by SIGTERM (its own shutdown
 * path) or kill -9 and started again, or restarted in place by `openclaw gateway restart` (its restart path); the
 * worker killed with -9 and started again, the Temporal server stopped for
 * a while (a step of the scenario runs during the outage) or restarted on the same database file, and the next
 * inbound message handed to the gateway twice.
 */
import { gateResponses, tokenAuditLines, runUsage } from '../auditor.ts';
import { eventually } from '../../helpers/temporal.ts';
import { waitUntilPolling } from '../../helpers/processes.ts';
import { gateStateQuery, gateWorkflowId } from '../../../workflows/gate/contract.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../../workflows/shared/task-queues.ts';
import type { Step } from './scenarios.ts';
import { FAMILY, outboxLines, untilUnchanged, type ChaosWorld } from './world.ts';
import { settledWithin } from '../../../plugin-bridge/shared/bounded-wait.ts';

export const FAULT_KINDS = ['gateway-sigterm', 'gateway-restart', 'gateway-kill9', 'worker-kill9', 'temporal-stop', 'temporal-restart', 'duplicate-inbound'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const SETTLE_TIMEOUT_MS = 180_000;

/** How long the turns of a message the channel handed out again must stay unchanged to count as settled. */
const TURNS_QUIET_MS = 12_000;

/**
 * Waits until the world is quiet: the channel's messages are all taken (and the turns of any it handed out again
 * have ended), the worker polls, every outbox is delivered and the gate workflow answers a query (so a worker
 * restart's sticky-queue wait is over). A reply sent earlier could be cancelled for a reason that is no fault of
 * the gate.
 */
export async function settle(world: ChaosWorld): Promise<void> {
  const { stack } = world;
  await channelSettled(world);
  await waitUntilPolling(stack.server.client, stack.worker, { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE }, 60_000).catch(async () => {
    // The worker did not come back by itself after the server's outage: its process manager would restart it.
    await stack.killWorker();
  });
  const pending = () => outboxLines(world, 'lorene-gate') + outboxLines(world, 'usage-ledger') + outboxLines(world, 'orchestrator');
  await eventually('every outbox delivered', () => (pending() === 0 ? true : undefined), SETTLE_TIMEOUT_MS);
  const gate = stack.server.client.workflow.getHandle(gateWorkflowId('telegram', `+${FAMILY}`));
  const exists = await gate.describe().then(() => true, () => false);
  // It answers, and has written every ledger row it decided: a busy gate batches its rows for a few seconds.
  if (exists) await eventually('the gate workflow answers, its ledger written', () => gate.query(gateStateQuery).then((state) => (state.ledger.length === 0 ? true : undefined)), SETTLE_TIMEOUT_MS);
}

/**
 * Waits until every agent run so far has its token-audit line: OpenClaw fires `llm_output` after the reply, so a
 * kill -9 in between loses that run's usage with the process (a limit of the host, not of the plugin).
 */
async function runsReported(world: ChaosWorld): Promise<void> {
  const runs = runUsage(world.stack.model.calls).length;
  await eventually('every run reported (token-audit)', () => (tokenAuditLines(world.stack.sandbox.stateDir).length >= runs ? true : undefined), 60_000).catch(() => undefined);
}

/**
 * A gateway killed after taking an inbound message but before acknowledging it gets that message again when it comes
 * back (the Bot API's at-least-once delivery): the message's turn runs a second time, and a reply it sends to the
 * protected chat consumes a use like any other. The next step's expectation counts the uses the channel delivered
 * before it, so that second turn must have ended first: wait until every message is taken and, when one was handed
 * out again, until the model calls and the replies delivered or blocked stay unchanged for {@link TURNS_QUIET_MS}.
 */
async function channelSettled(world: ChaosWorld): Promise<void> {
  const { telegram, stack } = world;
  await settledWithin(telegram.drained(), SETTLE_TIMEOUT_MS);
  if (telegram.handedOutAgain === world.handedOutAgainSettled) return;
  world.handedOutAgainSettled = telegram.handedOutAgain;
  await untilUnchanged('the turns of the messages handed out again', () => `${stack.model.calls.length}/${telegram.delivered.length}/${gateResponses(stack.sandbox.stateDir).length}`, TURNS_QUIET_MS, SETTLE_TIMEOUT_MS);
}

/** Injects `kind` before `next` (which a Temporal outage runs while the server is down); returns when settled. */
export async function injectFault(world: ChaosWorld, kind: FaultKind, next: Step | undefined, outageMs: number): Promise<{ ranNext: boolean }> {
  const { stack } = world;
  world.restarting = true;
  try {
    switch (kind) {
      case 'gateway-sigterm':
        await stack.restartGateway();
        break;
      case 'gateway-restart':
        await stack.restartGatewayInPlace();
        break;
      case 'gateway-kill9':
        await runsReported(world);
        await stack.killGateway();
        break;
      case 'worker-kill9':
        await stack.killWorker();
        break;
      case 'temporal-restart':
        await stack.stopTemporal();
        await stack.startTemporal();
        break;
      case 'duplicate-inbound':
        world.proxy.duplicateNext(1);
        break;
      case 'temporal-stop': {
        const started = Date.now();
        await stack.stopTemporal();
        world.temporalDown = true;
        world.restarting = false;
        try {
          await next?.run(world);
          await new Promise((r) => setTimeout(r, Math.max(0, outageMs - (Date.now() - started))));
        } finally {
          world.temporalDown = false;
          world.restarting = true;
          await stack.startTemporal();
        }
        await settle(world);
        return { ranNext: next !== undefined };
      }
    }
    await settle(world);
    return { ranNext: false };
  } finally {
    world.restarting = false;
  }
}
