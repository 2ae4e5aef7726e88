/**
 * The world the fault tests and the chaos run act on: the e2e stack with a restartable Temporal server (its SQLite
 * file in the sandbox), the fake Telegram Bot API (standing in for WhatsApp) behind the redelivery proxy, one
 * protected chat and one stranger's chat, and the fake model answering every turn with the tag it was asked
 * about. Scenarios and faults share what they need to know through it: whether Temporal is down on purpose, the
 * replies' expected and actual outcomes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterToolResult, turnText, type ModelRequest, type ScriptedReply } from '../fakes/model-server.ts';
import { startFakeTelegram, telegramGatewayConfig, type FakeTelegram } from '../fakes/telegram-bot-api.ts';
import type { ReplyOutcome } from '../auditor.ts';
import { startRedeliveryProxy, type RedeliveryProxy } from '../redelivery-proxy.ts';
import { startStack, type E2EStack } from '../harness.ts';
import { eventually } from '../../helpers/temporal.ts';
import type { ThreadSnapshot } from '../orchestrator-audit.ts';
import { afterOwnToolResult, subagentTask } from '../transcripts.ts';

/** The protected family member's private chat (and the person allowed to trigger in it). */
export const FAMILY = 222;
/** An unprotected private chat. */
export const STRANGER = 333;
export const PROTECTED = new Set([String(FAMILY)]);
export const MAX_USES = 2;
/** The gate's decision bound; OpenClaw gives `message_sending` this plus 2000 ms, then delivers. */
export const DECISION_TIMEOUT_MS = 5000;
/** Orchestrator rounds talk in private chats numbered from here on, one per round. */
export const ORCHESTRATOR_CHATS = 7000;
/** The HTTP session the usage scenario talks to. */
export const USAGE_SESSION = 'agent:main:chaos';

/** A running world. */
export interface ChaosWorld {
  readonly stack: E2EStack;
  readonly telegram: FakeTelegram;
  readonly proxy: RedeliveryProxy;
  /** True while a fault keeps Temporal stopped. */
  temporalDown: boolean;
  /** True while a fault has stopped a process on purpose (the crash check skips it). */
  restarting: boolean;
  readonly outcomes: ReplyOutcome[];
  /** Inbound messages and HTTP turns sent so far. */
  events: number;
  /** The channel's re-handed messages (`telegram.handedOutAgain`) whose turns a settle has waited for. */
  handedOutAgainSettled: number;
  /** A fresh tag (`[m<n>]`) for a message; the fake model's reply names it. */
  nextTag(): string;
  /** Front session key → its thread as last audited (undefined until first seen bound). */
  readonly threads: Map<string, ThreadSnapshot | undefined>;
  /** A fresh private chat for an orchestrator round. */
  nextChat(): number;
  stop(): Promise<void>;
}

/**
 * Each reply names the tag it answers; "check your status" runs a tool call first (a two-call run). A front asked
 * to "q-delegate" spawns (the bridge turns it into the hidden orchestrator); the orchestrator tries `exec` once
 * per message it gets (blocked by the thread's rules while Temporal answers) and then says so.
 */
function respond(request: ModelRequest, seq: number): ScriptedReply {
  const usage = { input: 2000 + seq, output: 20 + seq };
  const tag = /\[m\d+\]/.exec(turnText(request))?.[0] ?? `[x${seq}]`;
  const task = subagentTask(request);
  if (task !== undefined) {
    const own = /\[m\d+\]/.exec(task)?.[0] ?? tag;
    if (!task.includes('You are the hidden orchestrator')) return { kind: 'text', text: `worker done ${own}`, usage };
    if (!afterOwnToolResult(request)) return { kind: 'tools', calls: [{ name: 'exec', args: { command: `echo ${seq}` } }], usage };
    return { kind: 'text', text: `orchestrating ${own}`, usage };
  }
  if (turnText(request).includes('q-delegate') && !afterToolResult(request)) return { kind: 'tools', calls: [{ name: 'sessions_spawn', args: { task: `TASK ${tag}: watch the build`, label: 'build' } }], usage };
  if (afterToolResult(request)) return { kind: 'text', text: `status seen ${tag}`, usage };
  if (turnText(request).includes('check your status')) return { kind: 'tools', calls: [{ name: 'session_status', args: {} }], usage };
  return { kind: 'text', text: `reply to ${tag}`, usage };
}

/** Starts the world (≈1 min: the gateway's start dominates). */
export async function startChaosWorld(prefix: string): Promise<ChaosWorld> {
  const telegram = await startFakeTelegram();
  const proxy = await startRedeliveryProxy(telegram.apiRoot);
  const stack = await startStack(prefix, respond, {
    withChannels: true,
    restartableTemporal: true,
    pluginConfig: {
      'lorene-gate': {
        channel: 'telegram',
        protectedTo: [String(FAMILY)],
        allowedFrom: [String(FAMILY)],
        maxUsesPerArm: MAX_USES,
        armTtlMs: 900_000,
        missedResponseTtlMs: 900_000,
        decisionTimeoutMs: DECISION_TIMEOUT_MS,
      },
      orchestrator: { decisionTimeoutMs: DECISION_TIMEOUT_MS },
    },
    extraConfig: telegramGatewayConfig(telegram, proxy.apiRoot),
  }).catch(async (err: unknown) => {
    await proxy.close();
    await telegram.close();
    throw err;
  });
  let tags = 0;
  let chats = 0;
  return {
    stack,
    telegram,
    proxy,
    temporalDown: false,
    restarting: false,
    outcomes: [],
    events: 0,
    handedOutAgainSettled: 0,
    nextTag: () => `[m${++tags}]`,
    threads: new Map(),
    nextChat: () => ORCHESTRATOR_CHATS + ++chats,
    async stop() {
      await stack.stop();
      await proxy.close();
      await telegram.close();
    },
  };
}

/** Lines waiting in a plugin's outbox file under the state dir (0 when there is none). */
export function outboxLines(world: ChaosWorld, plugin: 'lorene-gate' | 'usage-ledger' | 'orchestrator'): number {
  const path = join(world.stack.sandbox.stateDir, plugin, 'outbox.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').length : 0;
}

/**
 * Resolves once `snapshot()` has returned the same value for `quietMs` (the turns a message started have ended), or
 * after `timeoutMs` in any case.
 */
export async function untilUnchanged(what: string, snapshot: () => string, quietMs: number, timeoutMs: number): Promise<void> {
  let last = '';
  let quietSince = Date.now();
  await eventually(what, () => {
    const now = snapshot();
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
    return Date.now() - quietSince > quietMs ? true : undefined;
  }, timeoutMs).catch(() => undefined);
}
