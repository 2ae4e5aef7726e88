/**
 * Typed search attributes of every openclaw-temporal workflow. They are registered when the dev server starts
 * (and by `temporal operator search-attribute create` on a cluster), so an operator can find the gate of a peer
 * or the thread of a session with `temporal workflow list --query`. Never put message content in them: search
 * attributes are stored unencrypted.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Which plugin a workflow belongs to (`lorene-gate`, `orchestrator`, `usage-ledger`, …). */
export const OPENCLAW_PLUGIN = defineSearchAttributeKey('OpenClawPlugin', SearchAttributeType.KEYWORD);
/** The messaging channel of a gate (`whatsapp`). */
export const OPENCLAW_CHANNEL = defineSearchAttributeKey('OpenClawChannel', SearchAttributeType.KEYWORD);
/** The protected peer of a gate, phone-normalised (`+491701234567`). */
export const OPENCLAW_PEER = defineSearchAttributeKey('OpenClawPeer', SearchAttributeType.KEYWORD);
/** What a gate is doing now: `idle` or `armed`. */
export const OPENCLAW_GATE_STATE = defineSearchAttributeKey('OpenClawGateState', SearchAttributeType.KEYWORD);
/** The front-controller session key of an orchestrator thread. */
export const OPENCLAW_FRONT_SESSION = defineSearchAttributeKey('OpenClawFrontSession', SearchAttributeType.KEYWORD);
/** The hidden orchestrator session key of an orchestrator thread, once bound. */
export const OPENCLAW_ORCHESTRATOR_SESSION = defineSearchAttributeKey(
  'OpenClawOrchestratorSession',
  SearchAttributeType.KEYWORD,
);
/** The stable task key of a subagent task workflow. */
export const OPENCLAW_TASK_KEY = defineSearchAttributeKey('OpenClawTaskKey', SearchAttributeType.KEYWORD);

/** The agent of a usage budget (`main`): find an agent's budgets with `OpenClawAgent = "main"`. */
export const OPENCLAW_AGENT = defineSearchAttributeKey('OpenClawAgent', SearchAttributeType.KEYWORD);

/** Every key, with the type name the dev server's `--search-attribute Name=Type` flag expects. */
export const ALL_SEARCH_ATTRIBUTES = [
  OPENCLAW_PLUGIN,
  OPENCLAW_CHANNEL,
  OPENCLAW_PEER,
  OPENCLAW_GATE_STATE,
  OPENCLAW_FRONT_SESSION,
  OPENCLAW_ORCHESTRATOR_SESSION,
  OPENCLAW_TASK_KEY,
  OPENCLAW_AGENT,
] as const;
