/**
 * Text helpers shared by the orchestrator rules (SEED-BEHAVIOUR §1.3–1.4): labels, previews, and reading
 * the latest user message out of a prompt's history. Pure, so the bridge and the workflow agree byte for byte.
 */
import { isRecord } from '../shared/is-record.ts';

/** The most characters a label may keep after sanitising (§1.4). */
export const MAX_LABEL_LENGTH = 64;
/** The most characters of a task preview, ellipsis included (§1.4). */
export const MAX_TASK_PREVIEW = 180;
/** The most characters of a blocked call's params preview, ellipsis included (§1.4 rule 2). */
export const MAX_PARAMS_PREVIEW = 260;

/**
 * Sanitises a label the way the original did: trim, whitespace runs → `-`, lowercase, keep only
 * `[a-z0-9._-]`, at most 64 characters. Returns `undefined` for non-strings and for an empty result, so a
 * caller can fall back to a generated label.
 */
export function sanitizeLabel(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const label = raw
    .trim()
    .replace(/\s+/g, '-')
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '')
    .slice(0, MAX_LABEL_LENGTH);
  return label.length > 0 ? label : undefined;
}

/** Collapses whitespace and cuts to `max` characters, the last one being `…` when something was cut. */
export function truncateText(text: string, max: number): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length <= max ? collapsed : `${collapsed.slice(0, max - 1)}…`;
}

/** A one-line task preview of at most 180 characters, used in status snapshots and worker records. */
export function taskPreview(task: string): string {
  return truncateText(task, MAX_TASK_PREVIEW);
}

/**
 * A one-line JSON preview of tool params of at most 260 characters, shown in the orchestrator's
 * "delegate this" hint. Params that cannot be serialised are described rather than thrown on: a hint is
 * never worth failing a tool call for.
 */
export function paramsPreview(params: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(params ?? {}) ?? '{}';
  } catch (error) {
    json = `[unserialisable params: ${error instanceof Error ? error.message : String(error)}]`;
  }
  return truncateText(json, MAX_PARAMS_PREVIEW);
}

/**
 * Whether `text` is the orchestrator's own injected instructions (both marker phrases, any case).
 * Such text reaches `event.messages` because prependContext is prepended to the user's turn; it must
 * never be remembered as "what the user asked".
 */
export function isInjectedOrchestratorText(text: string): boolean {
  const lower = text.toLowerCase();
  return lower.includes('[orchestrator mode is active]') && lower.includes('spawn exactly one hidden orchestrator session');
}

/**
 * The text of one message's content as the original reads it: a string, trimmed; or the `text` parts of an
 * array, each trimmed, blank ones dropped, joined with newlines. `undefined` when nothing is left (blank,
 * image-only, or another shape).
 */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return nonBlankString(content);
  if (!Array.isArray(content)) return undefined;
  const parts = content.flatMap((part: unknown) => {
    const text = isRecord(part) && part.type === 'text' ? nonBlankString(part.text) : undefined;
    return text === undefined ? [] : [text];
  });
  return nonBlankString(parts.join('\n'));
}

/**
 * The latest user message of a prompt history (§1.3 rule 1), as the original finds it: the last message whose
 * role (trimmed) is `user` and whose content has text (see {@link contentText}); a blank or image-only user
 * message falls back to the user message before it. `undefined` when no user message has text, or when the one
 * found is our own injected text (then the previous memory stays).
 */
export function latestUserMessage(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message: unknown = messages[i];
    if (!isRecord(message) || nonBlankString(message.role) !== 'user') continue;
    const text = contentText(message.content);
    if (text === undefined) continue;
    return isInjectedOrchestratorText(text) ? undefined : text;
  }
  return undefined;
}

/** A string param trimmed, or `undefined` when absent, not a string, or blank. */
export function nonBlankString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}
