/**
 * Text rules of the gate that the bridge applies before anything reaches Temporal: phone normalisation, trigger
 * matching, topic threads and the outbound wrapper. Pure and deterministic (also imported by workflow code).
 */

/** Keeps the digits: `+` and digits when there are any, otherwise the trimmed input; missing → empty. */
export function normalizePhone(raw: unknown): string {
  if (typeof raw !== 'string' && typeof raw !== 'number') return '';
  const text = String(raw).trim();
  const digits = text.replace(/\D+/g, '');
  return digits.length > 0 ? `+${digits}` : text;
}

/** A trigger that matched: the trimmed inbound text (the ledger's `trigger_text`) and the body after the trigger. */
export interface TriggerMatch {
  readonly text: string;
  readonly body: string;
}

const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Matches an inbound text against the trigger (case-insensitive). Like the original, the pattern is tested on the
 * trimmed text, so `^friday:` matches "  friday: …". With `requireBody`, the rest of the text must contain a
 * letter or digit in any script: "friday:" alone, or "friday: ?!", does not arm.
 */
export function matchTrigger(trigger: RegExp, requireBody: boolean, content: string): TriggerMatch | null {
  const text = content.trim();
  const match = trigger.exec(text);
  if (match === null) return null;
  const body = (text.slice(0, match.index) + text.slice(match.index + match[0].length)).trim();
  if (requireBody && !HAS_LETTER_OR_DIGIT.test(body)) return null;
  return { text, body };
}

/**
 * Compiles the configured trigger pattern, case-insensitive like the original. No `u` flag: it would turn
 * patterns the original accepted (such as `friday\:`) into syntax errors.
 */
export function compileTrigger(pattern: string): RegExp {
  return new RegExp(pattern, 'i');
}

/** The topic threads a request is filed under. */
export type GateTopic = 'media' | 'scheduling' | 'general';

const MEDIA_WORDS = ['movie', 'show', 'episode', 'series', 'plex', 'radarr', 'sonarr'] as const;
const SCHEDULING_WORDS = ['calendar', 'remind', 'reminder', 'schedule', 'meeting'] as const;

/**
 * The original's rule: the lowercased text *contains* one of the words — a substring, not a whole word, so
 * "showtime" is `media`, "reminding" and "reschedule" are `scheduling`, and "scheduling" (which does not contain
 * "schedule") is `general`. Media words win over scheduling words.
 */
export function classifyTopic(text: string): GateTopic {
  const lower = text.toLowerCase();
  if (MEDIA_WORDS.some((w) => lower.includes(w))) return 'media';
  if (SCHEDULING_WORDS.some((w) => lower.includes(w))) return 'scheduling';
  return 'general';
}

/** Wraps non-blank text as prefix, newline, trimmed text, newline, suffix — unless it is wrapped already. */
export function wrapContent(content: string, prefix: string, suffix: string): string {
  const trimmed = content.trim();
  if (trimmed.length === 0) return content;
  if (trimmed.startsWith(prefix) && trimmed.endsWith(suffix)) return content;
  return `${prefix}\n${trimmed}\n${suffix}`;
}

/** Shortens a phone number for logs and the Web UI: `+4917…67`. */
export function maskPeer(peer: string): string {
  return peer.length <= 6 ? peer : `${peer.slice(0, 3)}…${peer.slice(-2)}`;
}
