/**
 * token-audit (SEED-BEHAVIOUR §3): one JSON line of token usage per LLM response, and a warning plus a dump file
 * when a prompt grows past `largePromptChars`. A pure observer: no Temporal, and nothing it does may reach the
 * gateway as an error, so handlers catch everything and file writes log their failures.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fallbackStateDir, parseTokenAuditConfig, PLUGIN_ID, type TokenAuditConfig } from './config.ts';
import type { AgentContext, BeforeAgentRunEvent, BeforeAgentRunResult, LlmInputEvent, LlmOutputEvent, TokenAuditApi } from './types.ts';

/** How much of the system prompt and the prompt a dump keeps. */
export const DUMP_HEAD_CHARS = 2000;

/**
 * One line of the audit file, with the original's keys in the original's order. A value the event lacks is
 * left out of the line, as the original's `JSON.stringify` left it out.
 */
export interface AuditRecord {
  readonly timestamp: string;
  readonly sessionId?: string;
  readonly runId?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly usage: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number };
}

/** The size of one model input, as warned about and dumped; the original's key names. */
export interface PromptBreakdown {
  readonly sessionId?: string;
  readonly runId?: string;
  readonly provider?: string;
  readonly model?: string;
  /** System prompt characters. */
  readonly systemLen: number;
  /** Prompt characters. */
  readonly promptLen: number;
  /** Length of the history as JSON. */
  readonly historyLen: number;
  /** Messages in the history. */
  readonly historyCount: number;
  readonly totalChars: number;
  /** Added: the session key from the hook context (the original had none). */
  readonly sessionKey?: string;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (...candidates: unknown[]): string | undefined => candidates.find((c): c is string => typeof c === 'string');
const line = (message: string, fields: object): string => `${PLUGIN_ID}: ${message} ${JSON.stringify(fields)}`;
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The audit line for an `llm_output` event: missing counts are 0; `total` is the given one, else input + output. */
export function buildAuditRecord(event: LlmOutputEvent, ctx: AgentContext, now: Date): AuditRecord {
  const usage = event.usage ?? {};
  const input = count(usage.input);
  const output = count(usage.output);
  const total = typeof usage.total === 'number' && Number.isFinite(usage.total) ? usage.total : input + output;
  return {
    timestamp: now.toISOString(),
    sessionId: text(event.sessionId, ctx.sessionId),
    runId: text(event.runId, ctx.runId),
    provider: text(event.provider),
    model: text(event.model),
    usage: { input, output, cacheRead: count(usage.cacheRead), cacheWrite: count(usage.cacheWrite), total },
  };
}

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0; // a cyclic or BigInt history cannot be measured as JSON; it is then not counted
  }
}

/** The input's size: total = prompt chars + JSON length of the history (0 when it is not an array) + system prompt chars. */
export function measurePrompt(event: LlmInputEvent, ctx: AgentContext): PromptBreakdown {
  const history = Array.isArray(event.historyMessages) ? event.historyMessages : null;
  const promptLen = text(event.prompt)?.length ?? 0;
  const historyLen = history === null ? 0 : jsonLength(history);
  const systemLen = text(event.systemPrompt)?.length ?? 0;
  return {
    sessionId: text(event.sessionId, ctx.sessionId), runId: text(event.runId, ctx.runId), provider: text(event.provider),
    model: text(event.model), systemLen, promptLen, historyLen, historyCount: history?.length ?? 0,
    totalChars: promptLen + historyLen + systemLen, sessionKey: text(ctx.sessionKey),
  };
}

/**
 * The dump file's content, the original's keys in the original's order: the breakdown, then the first 2000
 * characters of the system prompt and the prompt (null when there is none). Added after them: `sessionKey` and
 * the threshold that was crossed.
 */
export function buildPromptDump(breakdown: PromptBreakdown, event: LlmInputEvent, largePromptChars: number, now: Date) {
  const { sessionKey, ...original } = breakdown;
  const head = (value: unknown): string | null => (typeof value === 'string' ? value.slice(0, DUMP_HEAD_CHARS) : null);
  return {
    timestamp: now.toISOString(), ...original,
    systemPromptPreview: head(event.systemPrompt), promptPreview: head(event.prompt),
    sessionKey, largePromptChars,
  };
}

function stateDirOf(api: TokenAuditApi): string {
  try {
    return api.runtime?.state?.resolveStateDir?.() ?? fallbackStateDir();
  } catch (error) {
    api.logger.warn(line('state dir lookup failed; using the default', { error: reason(error) }));
    return fallbackStateDir();
  }
}

function registerHooks(api: TokenAuditApi, config: TokenAuditConfig): void {
  // File writes run one after another (the audit lines keep their order) without blocking the event loop.
  let tail: Promise<void> = Promise.resolve();
  const write = (path: string, op: () => Promise<void>): Promise<void> => {
    const task = async () => {
      await mkdir(dirname(path), { recursive: true });
      await op();
    };
    tail = tail.then(task, task).catch((error: unknown) => api.logger.error(line('write failed', { path, error: reason(error) })));
    return tail;
  };

  api.on('llm_output', (event, ctx) => {
    try {
      const record = buildAuditRecord(event ?? {}, ctx ?? {}, new Date());
      if (config.debug) api.logger.info(line('usage', record));
      return write(config.auditPath, () => appendFile(config.auditPath, `${JSON.stringify(record)}\n`));
    } catch (error) {
      api.logger.error(line('llm_output handler failed', { error: reason(error) }));
    }
  });

  api.on('llm_input', (event, ctx) => {
    try {
      const breakdown = measurePrompt(event ?? {}, ctx ?? {});
      if (breakdown.totalChars <= config.largePromptChars) {
        if (config.debug) api.logger.info(line('prompt size', breakdown));
        return;
      }
      api.logger.warn(line('large prompt', { ...breakdown, largePromptChars: config.largePromptChars }));
      const dump = buildPromptDump(breakdown, event ?? {}, config.largePromptChars, new Date());
      return write(config.dumpPath, () => writeFile(config.dumpPath, JSON.stringify(dump, null, 2)));
    } catch (error) {
      api.logger.error(line('llm_input handler failed', { error: reason(error) }));
    }
  });
}

/**
 * Admission control: the decision for one `before_agent_run`. OpenClaw fails this hook closed, so it never
 * throws: a prompt it cannot measure passes.
 */
export function admissionDecision(event: BeforeAgentRunEvent, ctx: AgentContext, maxPromptChars: number): BeforeAgentRunResult {
  const breakdown = measurePrompt({ prompt: event.prompt, historyMessages: event.messages, systemPrompt: event.systemPrompt }, ctx);
  if (breakdown.totalChars <= maxPromptChars) return undefined;
  return {
    outcome: 'block',
    reason: `token-audit: the prompt is ${breakdown.totalChars} characters (prompt ${breakdown.promptLen}, history ${breakdown.historyLen} in ${breakdown.historyCount} messages, system prompt ${breakdown.systemLen}), over maxPromptChars ${maxPromptChars}`,
  };
}

/**
 * Parses the config and registers both hooks, synchronously (the host ignores later registrations). An invalid
 * config is logged and leaves the plugin inert rather than failing the gateway's plugin load.
 */
function register(api: TokenAuditApi): void {
  let config: TokenAuditConfig;
  try {
    config = parseTokenAuditConfig(api.pluginConfig, stateDirOf(api));
  } catch (error) {
    api.logger.error(line('invalid config; hooks not registered', { error: reason(error) }));
    return;
  }
  if (!config.enabled) return;
  registerHooks(api, config);
  const max = config.maxPromptChars;
  if (max !== null) {
    api.on('before_agent_run', (event, ctx) => {
      try {
        const decision = admissionDecision(event ?? {}, ctx ?? {}, max);
        if (decision?.outcome === 'block') api.logger.warn(line('agent run blocked by admission control', { sessionKey: ctx?.sessionKey, reason: decision.reason }));
        return decision;
      } catch (error) {
        api.logger.error(line('admission check failed; the run passes', { error: reason(error) }));
        return undefined;
      }
    });
  }
}

/** The plugin entry OpenClaw loads (id must equal the manifest's). */
export default {
  id: PLUGIN_ID,
  name: 'Token Audit',
  description: 'Audits LLM token usage to a JSONL file and dumps oversized prompts.',
  register,
};
