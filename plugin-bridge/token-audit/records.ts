/**
 * What token-audit writes, as pure functions of a hook event (SEED-BEHAVIOUR §3): the audit line of an
 * `llm_output`, the prompt breakdown of an `llm_input` and its dump when it is large, and the admission decision
 * of a `before_agent_run`. No I/O here; `index.ts` writes the files.
 */
import type { AgentContext, BeforeAgentRunEvent, BeforeAgentRunResult, LlmInputEvent, LlmOutputEvent } from './types.ts';

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
