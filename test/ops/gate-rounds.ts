/**
 * What the ops tests of worker builds share: a dev server with a bridge for the suite, and the gate rounds they
 * play against each build (a trigger, and the answers it allows).
 */
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import type { GateOutboundDecision } from '../../workflows/gate/contract.ts';
import { started } from '../helpers/started.ts';
import { startTestServer } from '../helpers/temporal.ts';

/** A trigger and an answer for any peer's gate. */
export interface GateRounds {
  trigger(peer: string, messageId: string): Promise<void>;
  answer(peer: string, decisionId: string, content?: string): Promise<GateOutboundDecision>;
}

/** Gates on `taskQueue` through `bridge`, with their ledger in `dir`; every call may take 20 s. */
export function gateRounds(bridge: TemporalBridge, taskQueue: string, dir: string): GateRounds {
  const gate = new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue });
  const config = { armTtlMs: 600_000, maxUsesPerArm: 3, missedResponseTtlMs: 900_000, dbPath: join(dir, 'gate.db') };
  const deadline = () => Date.now() + 20_000;
  return {
    trigger: (peer, messageId) => gate.trigger(peer, { messageId, sender: '+4915112345678', text: 'friday: movie?', body: 'movie?', receivedAt: Date.now(), config }, deadline()),
    answer: (peer, decisionId, content = 'The Third Man') => gate.decide(peer, { decisionId, content, config }, deadline()),
  };
}

/** The suite's server, and the gate rounds through its bridge. */
export interface GateServer {
  readonly env: TestWorkflowEnvironment;
  readonly rounds: GateRounds;
}

/**
 * Registers the suite's hooks: before, a dev server and a started bridge whose gates run on `taskQueue` with their
 * ledger in `dir`; after, the bridge stopped, then `stopWorkers` (what the suite still runs), then the server.
 */
export function withGateServer(taskQueue: string, dir: string, stopWorkers: () => Promise<void> = () => Promise.resolve()): GateServer {
  let env: TestWorkflowEnvironment | undefined;
  let bridge: TemporalBridge | undefined;
  let rounds: GateRounds | undefined;

  before(async () => {
    env = await startTestServer();
    bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
    bridge.start();
    rounds = gateRounds(bridge, taskQueue, dir);
  });

  after(async () => {
    await bridge?.stop();
    await stopWorkers();
    await env?.teardown();
  });

  return {
    get env() {
      return started(env, 'the dev server');
    },
    get rounds() {
      return started(rounds, 'the bridge');
    },
  };
}
