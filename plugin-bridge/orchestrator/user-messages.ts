/**
 * The latest user message per session, as `before_prompt_build` showed it (§1.3 rule 1). It is remembered
 * locally — no round trip on the prompt path — and travels to a thread with the session's next spawn, the
 * only decision that reads it (the fallback task). Held by a plugin instance, bounded, oldest entries first out.
 */
import { latestUserMessage } from '../../workflows/orchestrator/text.ts';

/** How many sessions' messages are kept. */
export const MAX_REMEMBERED_SESSIONS = 2000;

/** Per plugin instance: session key → latest user message, at most `limit` sessions. */
export class RecentUserMessages {
  readonly #bySession = new Map<string, string>();

  constructor(private readonly limit = MAX_REMEMBERED_SESSIONS) {}

  /** Remembers the last user message of a prompt's history; blank or injected text keeps the previous one. */
  observe(sessionKey: string, messages: unknown): void {
    const text = latestUserMessage(messages);
    if (text === undefined) return;
    this.#bySession.delete(sessionKey);
    this.#bySession.set(sessionKey, text);
    if (this.#bySession.size > this.limit) {
      const oldest = this.#bySession.keys().next().value;
      if (oldest !== undefined) this.#bySession.delete(oldest);
    }
  }

  get(sessionKey: string): string | undefined {
    return this.#bySession.get(sessionKey);
  }

  forget(sessionKey: string): void {
    this.#bySession.delete(sessionKey);
  }
}
