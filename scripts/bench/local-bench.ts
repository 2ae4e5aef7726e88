/**
 * The in-process measurements: lorene-gate's real `message_sending` handler for a peer that is not protected
 * (what the gateway runs for every other chat), the pure `decideOutbound` on an armed state (the decision
 * itself, without Temporal) as the baseline, and an empty timed call (the timer's own floor). They run in
 * alternating rounds, so a neighbour's load on this shared machine hits all three alike and the ratio holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import gatePlugin from '../../plugin-bridge/lorene-gate/index.ts';
import type { HookHandlers, PluginApi, PluginLogger, PluginService } from '../../plugin-bridge/shared/openclaw-types.ts';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { applyTrigger, decideOutbound } from '../../workflows/gate/decide.ts';
import { initialGateState } from '../../workflows/gate/state.ts';
import { concatTimed, timeAsync, timeSync, type Timed } from './timing.ts';

const PROTECTED = '+4917012345678';
const ALLOWED = '+4915112345678';
const UNPROTECTED = '+4917099887766';
const CONTENT = 'Tonight on Plex: "The Third Man" at 20:15.';

/** Warnings and errors go to stderr (they would mean the harness is wrong); info and debug are dropped. */
const logger: PluginLogger = {
  info: () => undefined,
  warn: (message) => void process.stderr.write(`[lorene-gate warn] ${message}\n`),
  error: (message) => void process.stderr.write(`[lorene-gate error] ${message}\n`),
};

/** The three local runs. */
export interface LocalBenchResult {
  readonly unprotected: Timed;
  readonly pure: Timed;
  readonly floor: Timed;
}

/**
 * `register(api)` of the real plugin entry with the smallest api a gateway passes and its service started (the
 * Temporal connection is lazy: no traffic); returns the captured `message_sending` handler called for a message
 * to an unprotected peer of the protected channel, and the cleanup.
 */
async function unprotectedCall(address: string): Promise<{ call: () => Promise<string>; close: () => Promise<void> }> {
  const handlers: Partial<HookHandlers> = {};
  const services: PluginService[] = [];
  const api: PluginApi = {
    id: 'lorene-gate',
    pluginConfig: { protectedTo: [PROTECTED], allowedFrom: [ALLOWED], wrapperTargets: [PROTECTED], temporalAddress: address },
    logger,
    on(hook, handler) {
      handlers[hook] = handler;
    },
    registerService(service) {
      services.push(service);
    },
  };
  gatePlugin.register(api);
  const sending = handlers.message_sending;
  if (sending === undefined) throw new Error('lorene-gate registered no message_sending handler');
  const stateDir = mkdtempSync(join(tmpdir(), 'openclaw-temporal-bench-plugin-'));
  for (const service of services) await service.start({ stateDir, logger });
  const event = { to: UNPROTECTED, content: CONTENT };
  const ctx = { channelId: 'whatsapp', conversationId: UNPROTECTED };
  return {
    call: async () => {
      const result = await sending(event, ctx);
      return result === undefined ? 'pass' : result.cancel === true ? 'cancel' : 'rewrite';
    },
    close: async () => {
      for (const service of services) await service.stop?.({ stateDir, logger });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** `decideOutbound` on a state armed with plenty of uses (the state is not advanced: every call delivers). */
function pureCall(): () => string {
  const now = Date.now();
  const config: GateRuntimeConfig = { armTtlMs: 600_000, maxUsesPerArm: 1000, missedResponseTtlMs: 1_200_000, dbPath: '/tmp/bench-unused.db' };
  const trigger = { messageId: 'bench-1', sender: ALLOWED, text: 'friday: what is on tonight?', body: 'what is on tonight?', receivedAt: now, config };
  const armed = applyTrigger(initialGateState('whatsapp', PROTECTED), trigger, now).state;
  const request = { decisionId: 'bench-decision', content: CONTENT, config };
  return () => decideOutbound(armed, request, now).result.action;
}

/** `iterations` calls of each, in `rounds` alternating rounds, after `warmup` untimed calls of each. */
export async function benchLocal(address: string, iterations: number, warmup: number, rounds: number): Promise<LocalBenchResult> {
  const unprotected = await unprotectedCall(address);
  const pure = pureCall();
  const empty = () => 'noop';
  try {
    await timeAsync(warmup, 1, unprotected.call);
    timeSync(warmup, pure);
    timeSync(warmup, empty);
    const parts: { unprotected: Timed[]; pure: Timed[]; floor: Timed[] } = { unprotected: [], pure: [], floor: [] };
    for (let r = 0; r < rounds; r++) {
      const size = Math.floor(iterations / rounds) + (r < iterations % rounds ? 1 : 0);
      parts.pure.push(timeSync(size, pure));
      parts.unprotected.push(await timeAsync(size, 1, unprotected.call));
      parts.floor.push(timeSync(size, empty));
    }
    return { unprotected: concatTimed(parts.unprotected), pure: concatTimed(parts.pure), floor: concatTimed(parts.floor) };
  } finally {
    await unprotected.close();
  }
}
