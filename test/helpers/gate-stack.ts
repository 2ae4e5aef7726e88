/**
 * The gate's workflow-test stack: a real dev server, the project's workers and a bridge-side {@link GateClient}
 * (the same client the lorene-gate plugin uses), started and stopped together. {@link withGateStack} is the whole
 * lifecycle of a test file (hooks, a temp folder, the usual calls) in one line.
 */
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { gateStateQuery, gateWorkflowId, type GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import type { GateState } from '../../workflows/gate/state.ts';
import { withBridgeStack } from './bridge-stack.ts';

/** What a trigger may say besides its message id and config. */
export interface TriggerOptions {
  /** The request's text after the trigger word. @default 'what is on tonight?' */
  readonly body?: string;
  /** When the bridge observed it (a trigger replayed from the outbox); also its `receivedAt`. */
  readonly observedAt?: number;
}

/** A test file's gate stack: `env` and `gate` work inside its tests; the functions may be destructured at once. */
export interface GateFixture {
  readonly channel: string;
  /** The file's temp folder, removed after its tests. */
  readonly dir: string;
  /** `lorene-gate.db` in {@link dir}. */
  readonly dbPath: string;
  readonly env: TestWorkflowEnvironment;
  readonly gate: GateClient;
  /** A deadline for one bridge call: ten seconds from now. */
  soon(): number;
  /** The gate workflow of `peer`. */
  handle(peer: string): ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>;
  /** Its state, by query. */
  state(peer: string): Promise<GateState>;
  /** A trigger from `+15550001` (`friday: <body>`), as the bridge sends it. */
  trigger(peer: string, messageId: string, config: GateRuntimeConfig, options?: TriggerOptions): Promise<void>;
}

/** Registers the file's hooks ({@link withBridgeStack}, temp folder `name-…`) and a gate client for `channel`. */
export function withGateStack(name: string, channel = 'whatsapp'): GateFixture {
  let client: GateClient | undefined;
  const stack = withBridgeStack(name, ({ bridge }) => {
    client = new GateClient(bridge, new KeyedChain(), { channel, taskQueue: 'openclaw-temporal' });
  });
  const gate = (): GateClient => {
    if (client === undefined) throw new Error('the gate stack runs only while the tests of its file run');
    return client;
  };
  const soon = () => Date.now() + 10_000;
  const handle = (peer: string) => stack.env.client.workflow.getHandle(gateWorkflowId(channel, peer));
  return {
    channel,
    dir: stack.dir,
    dbPath: join(stack.dir, 'lorene-gate.db'),
    get env() {
      return stack.env;
    },
    get gate() {
      return gate();
    },
    soon,
    handle,
    state: (peer) => handle(peer).query(gateStateQuery),
    trigger: (peer, messageId, config, { body = 'what is on tonight?', observedAt } = {}) =>
      gate().trigger(
        peer,
        { messageId, sender: '+15550001', text: `friday: ${body}`, body, receivedAt: observedAt ?? Date.now(), ...(observedAt !== undefined && { observedAt }), config },
        soon(),
      ),
  };
}
