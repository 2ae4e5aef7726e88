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

/** A trigger that matched: the whole inbound text and the body after the trigger prefix. */
export interface TriggerMatch {
  readonly text: string;
  readonly body: string;
}

const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Matches an inbound text against the trigger (case-insensitive). With `requireBody`, the rest of the text must
 * contain a letter or digit in any script: "friday:" alone, or "friday: ?!", does not arm.
 */
export function matchTrigger(trigger: RegExp, requireBody: boolean, content: string): TriggerMatch | null {
  const match = trigger.exec(content);
  if (match === null) return null;
  const body = (content.slice(0, match.index) + content.slice(match.index + match[0].length)).trim();
  if (requireBody && !HAS_LETTER_OR_DIGIT.test(body)) return null;
  return { text: content, body };
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

const MEDIA = /\b(movies?|shows?|episodes?|series|plex|radarr|sonarr)\b/i;
const SCHEDULING = /\b(calendar|remind|reminders?|schedul(e|es|ed|ing)|meetings?)\b/i;

/** `media` (movie/show/episode/series/plex/radarr/sonarr), `scheduling` (calendar/remind/reminder/schedule/meeting), else `general`. */
export function classifyTopic(text: string): GateTopic {
  if (MEDIA.test(text)) return 'media';
  if (SCHEDULING.test(text)) return 'scheduling';
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
