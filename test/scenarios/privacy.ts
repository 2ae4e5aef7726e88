/**
 * A scenario recorded with the payload codec on (the committed test key): its history in test/histories/ holds
 * only encrypted payloads, and the replay test replays it with the codec configured.
 */
import { gateStateQuery, gateWorkflowId } from '../../workflows/gate/contract.ts';
import type { Scenario } from './types.ts';

const PEER = '+4911100090';

export const privacyScenarios: readonly Scenario[] = [
  {
    name: 'privacy-gate-encrypted',
    async run(ctx) {
      const config = { armTtlMs: 60_000, maxUsesPerArm: 2, missedResponseTtlMs: 120_000, dbPath: ctx.dbPath };
      const deadline = () => Date.now() + 10_000;
      const body = 'what is the door code?';
      await ctx.gate.trigger(PEER, { messageId: 'enc-1', sender: '+15550001', text: `friday: ${body}`, body, receivedAt: Date.now(), config }, deadline());
      await ctx.gate.decide(PEER, { decisionId: 'enc-d1', content: 'The code is 4711.', config }, deadline());
      const handle = ctx.client.workflow.getHandle(gateWorkflowId('whatsapp', PEER));
      for (let i = 0; i < 100 && (await handle.query(gateStateQuery)).ledger.length > 0; i += 1) await new Promise((r) => setTimeout(r, 100));
      return { workflowId: gateWorkflowId('whatsapp', PEER) };
    },
  },
];
