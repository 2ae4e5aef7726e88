/**
 * The auditor: reads what really happened — the ledgers the worker wrote, the token-audit file, what the fake
 * channel delivered, the model calls the fake model answered, the gateway's own log — and returns every violated
 * invariant as a sentence naming it. An empty list means every invariant held. Tests assert `deepEqual(…, [])`,
 * so a failure prints the violated invariants by name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRows } from '../helpers/sqlite.ts';
import { textOf, type ModelCall } from './fakes/model-server.ts';
import { afterOwnToolResult, ownMessages } from './transcripts.ts';
import type { Delivered } from './fakes/telegram-bot-api.ts';

/** Where the plugins keep their files under the gateway's state dir (their defaults). */
export function ledgerPaths(stateDir: string) {
  return {
    gate: join(stateDir, 'lorene-gate.db'),
    usage: join(stateDir, 'usage-ledger', 'usage-ledger.db'),
    tokenAudit: join(stateDir, 'logs', 'token-audit.jsonl'),
  };
}

interface UsageRow {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly source_event: string | null;
  readonly request_id: string | null;
}

/** The usage ledger's rows (none when the file does not exist yet). */
export function usageRows(stateDir: string): UsageRow[] {
  const path = ledgerPaths(stateDir).usage;
  return existsSync(path) ? readRows<UsageRow>(path, 'SELECT input_tokens, output_tokens, source_event, request_id FROM llm_usage_events ORDER BY id') : [];
}

/** The token-audit file's lines, parsed. */
export function tokenAuditLines(stateDir: string): Array<Record<string, unknown>> {
  const path = ledgerPaths(stateDir).tokenAudit;
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The (input, output) token pairs the fake model reported, one per call that carried a usage block. */
export function scriptedUsage(calls: readonly ModelCall[]): Array<[number, number]> {
  return calls.flatMap((c) => (c.reply.kind !== 'http-error' && c.reply.usage ? [[c.reply.usage.input + (c.reply.usage.cached ?? 0), c.reply.usage.output] as [number, number]] : []));
}

const key = ([i, o]: readonly [number, number]) => `${i}/${o}`;

/** Which session a request comes from: its own transcript's first user message (a subagent's task). */
function sessionOf(call: ModelCall): string {
  return textOf(ownMessages(call.request).find((m) => m.role === 'user')?.content).slice(0, 400);
}

/**
 * What OpenClaw reports per agent run in `llm_output`: the sum of the run's model calls (a run starts with a
 * request that does not follow the session's own tool result). Sessions running at once (a front and the
 * orchestrator it spawned) are told apart by their transcripts.
 */
export function runUsage(calls: readonly ModelCall[]): string[] {
  const runs: Array<[number, number]> = [];
  const current = new Map<string, number>();
  for (const call of calls) {
    const session = sessionOf(call);
    if (!afterOwnToolResult(call.request) || !current.has(session)) current.set(session, runs.push([0, 0]) - 1);
    const at = current.get(session) ?? runs.length - 1;
    const [pair] = scriptedUsage([call]);
    const run = runs[at];
    if (pair && run) runs[at] = [run[0] + pair[0], run[1] + pair[1]];
  }
  return runs.map(key);
}

function multisetDiff(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const extra: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else extra.push(x);
  }
  return extra;
}

/**
 * Invariant "usage rows = model responses that reported usage, none twice": every run's reported usage (see
 * {@link runUsage}) has exactly one ledger row with its token counts, and no row exists without one.
 */
export function usageViolations(stateDir: string, expected: readonly string[]): string[] {
  const rows = usageRows(stateDir).map((r) => key([r.input_tokens, r.output_tokens]));
  const missing = multisetDiff(expected, rows);
  const extra = multisetDiff(rows, expected);
  return [
    ...missing.map((k) => `usage rows = model calls: no usage row for the model call that reported ${k} tokens`),
    ...extra.map((k) => `usage rows = model calls, none twice: a usage row ${k} that no model call (or only one) reported`),
  ];
}

interface ResponseRow {
  readonly peer: string | null;
  readonly kind: string;
  readonly content: string | null;
  readonly reason: string | null;
}

/** The gate ledger's responses (none when the file does not exist yet). */
export function gateResponses(stateDir: string): ResponseRow[] {
  const path = ledgerPaths(stateDir).gate;
  // Sent messages are `responses` rows (as in the original); cancelled ones are `blocked_messages` rows.
  return existsSync(path)
    ? readRows<ResponseRow>(path, `SELECT peer, kind, content, reason FROM (
        SELECT peer, 'text' AS kind, content, NULL AS reason, created_at FROM responses
        UNION ALL SELECT peer, 'blocked', content, reason, created_at FROM blocked_messages) ORDER BY created_at`)
    : [];
}

/**
 * Invariant "no message reaches a protected peer without a consumed use": each message the channel delivered to a
 * protected chat is matched to its own `text` row (a consumed use) for that peer with the same content.
 */
export function gateViolations(stateDir: string, delivered: readonly Delivered[], protectedChats: ReadonlySet<string>): string[] {
  const normal = (chat: string) => `+${chat.replace(/\D+/g, '')}`;
  const uses = gateResponses(stateDir).filter((r) => r.kind === 'text');
  const unmatched = [...uses];
  const violations: string[] = [];
  for (const d of delivered.filter((m) => protectedChats.has(m.chatId))) {
    const at = unmatched.findIndex((u) => u.peer === normal(d.chatId) && u.content !== null && d.text.includes(u.content.trim()));
    if (at === -1) violations.push(`no message to a protected peer without a consumed use: "${d.text.slice(0, 60)}" reached ${d.chatId} without a consumed use`);
    else unmatched.splice(at, 1);
  }
  return violations;
}

/** Invariant "the gateway's own logs show no plugin error, no unhandled rejection, no crash". */
export function gatewayLogViolations(logs: string): string[] {
  const bad = [/unhandled ?rejection/i, /uncaught exception/i, /plugin service (stop )?failed/i, /\[(lorene-gate|orchestrator|usage-ledger|token-audit)\][^\n]*\berror\b/i, /hook [^\n]*(failed|threw)/i];
  return logs
    .split('\n')
    .filter((line) => bad.some((re) => re.test(line)))
    .map((line) => `no plugin error in the gateway log: ${line.slice(0, 200)}`);
}

/** The gate ledger's seen messages and responses as text, for failure messages. */
export function gateDump(stateDir: string): string {
  const path = ledgerPaths(stateDir).gate;
  if (!existsSync(path)) return '(no gate ledger yet)';
  const seen = readRows<object>(path, 'SELECT message_id, sender, peer, triggered, request_id FROM seen_messages');
  const requests = readRows<object>(path, 'SELECT request_id, sender, peer, status FROM requests');
  return [...seen.map((r) => `seen ${JSON.stringify(r)}`), ...requests.map((r) => `request ${JSON.stringify(r)}`), ...gateResponses(stateDir).map((r) => `response ${JSON.stringify(r)}`)].join('\n');
}

/** Gateway log lines that mention `pattern`, for failure messages. */
export function logLines(logs: string, pattern: RegExp, max = 40): string {
  return logs.split('\n').filter((l) => pattern.test(l)).slice(-max).map((l) => l.slice(0, 400)).join('\n');
}

/**
 * Invariant "no arm or counter lost": no request answered more often than `maxUsesPerArm` (a lost counter gives
 * uses again), and no trigger message applied twice (one request per inbound message id).
 */
export function counterViolations(stateDir: string, maxUsesPerArm: number): string[] {
  const path = ledgerPaths(stateDir).gate;
  if (!existsSync(path)) return [];
  const overUsed = readRows<{ request_id: string; uses: number }>(path, `SELECT request_id, COUNT(*) AS uses FROM responses WHERE kind = 'text' AND request_id IS NOT NULL GROUP BY request_id HAVING COUNT(*) > ${maxUsesPerArm}`);
  const twice = readRows<{ inbound_message_id: string; n: number }>(path, 'SELECT inbound_message_id, COUNT(*) AS n FROM requests WHERE inbound_message_id IS NOT NULL GROUP BY inbound_message_id HAVING COUNT(*) > 1');
  return [
    ...overUsed.map((r) => `no counter lost: request ${r.request_id} was answered ${r.uses} times, more than maxUsesPerArm ${maxUsesPerArm}`),
    ...twice.map((r) => `no trigger applied twice: message ${r.inbound_message_id} created ${r.n} requests`),
  ];
}

/** What a step expected of a reply and what happened, as the scenario saw it. */
export interface ReplyOutcome {
  readonly tag: string;
  readonly expected: 'delivered' | 'blocked';
  readonly actual: 'delivered' | 'blocked' | 'nothing';
  /** Why the step expected that (the arm and its uses, the fault around it). */
  readonly because: string;
}

/**
 * Invariant "no arm lost" (a reply the live arm allows is delivered once faults have settled) and "fail closed"
 * (a reply without a live arm, or while Temporal is down, is not delivered).
 */
export function outcomeViolations(outcomes: readonly ReplyOutcome[]): string[] {
  return outcomes
    .filter((o) => o.actual !== o.expected)
    .map((o) =>
      o.expected === 'delivered'
        ? `no arm lost: ${o.tag} should have been delivered (${o.because}) but was ${o.actual}`
        : `fail closed: ${o.tag} should have been blocked (${o.because}) but was ${o.actual}`,
    );
}

/** Invariant "no crash": the gateway and the worker are running unless a fault stopped them on purpose. */
export function crashViolations(processes: ReadonlyArray<{ name: string; exitCode: number | null; signalCode: string | null }>): string[] {
  return processes
    .filter((p) => p.exitCode !== null || p.signalCode !== null)
    .map((p) => `no crash: the ${p.name} process exited (${p.signalCode ?? `code ${String(p.exitCode)}`}) without a fault stopping it`);
}

/** Invariant "no unhandled rejection, no crash" in the worker processes' output. */
export function workerLogViolations(logs: string): string[] {
  const bad = [/unhandled ?rejection/i, /uncaught exception/i, /\bFATAL\b/];
  return logs
    .split('\n')
    .filter((line) => bad.some((re) => re.test(line)))
    .map((line) => `no unhandled rejection, no crash in the worker: ${line.slice(0, 200)}`);
}
