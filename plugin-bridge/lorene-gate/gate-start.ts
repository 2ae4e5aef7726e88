/**
 * How the gate bridge starts a peer's gate workflow when a call finds none running (gate-client.ts): its id, arguments,
 * Web UI lines and search attributes.
 */
import { gateWorkflowId, type GateWorkflowArgs } from '../../workflows/gate/contract.ts';
import { maskPeer } from '../../workflows/gate/text.ts';
import { OPENCLAW_CHANNEL, OPENCLAW_GATE_STATE, OPENCLAW_PEER, OPENCLAW_PLUGIN } from '../../workflows/shared/search-attributes.ts';

/** Where the gate workflows run and how they start. */
export interface GateClientOptions {
  readonly channel: string;
  readonly taskQueue: string;
}

/** How a peer's gate workflow starts: its id, arguments, Web UI lines and search attributes (idle until armed). */
export function gateStartOptions(options: GateClientOptions, peer: string) {
  const { channel, taskQueue } = options;
  const args: GateWorkflowArgs = { channel, peer };
  return {
    workflowId: gateWorkflowId(channel, peer),
    taskQueue,
    args: [args] as [GateWorkflowArgs],
    staticSummary: `lorene-gate · ${channel} · ${maskPeer(peer)}`,
    staticDetails: `Outbound gate for one protected ${channel} peer (${maskPeer(peer)}): the assistant may answer only after an allowed sender's trigger, a few times, for a limited time. Signals: lorene-gate.trigger; updates: lorene-gate.outbound; query: lorene-gate.state.`,
    typedSearchAttributes: [
      { key: OPENCLAW_PLUGIN, value: 'lorene-gate' },
      { key: OPENCLAW_CHANNEL, value: channel },
      { key: OPENCLAW_PEER, value: peer },
      { key: OPENCLAW_GATE_STATE, value: 'idle' },
    ],
  };
}
