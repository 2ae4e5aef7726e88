/** `status` as a terminal shows it, and as `--json` prints it. */
import { SUBAGENT_RETRY_WORKFLOW_TYPE } from '../../workflows/subagent/contract.ts';
import type { RetryStatus, StatusReport } from './status.ts';

/** A retry delivered to its requester and not yet answered by the respawn (from its current details). */
export function waitingForPickup(retry: RetryStatus): boolean {
  return retry.type === SUBAGENT_RETRY_WORKFLOW_TYPE && /waiting for (respawn|the respawn)/.test(retry.line);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line per plugin: what runs, what is armed or waiting, what waits on this host. */
function pluginLines(report: StatusReport): string[] {
  const running = (plugin: string, type: string) => report.plugins.find((p) => p.plugin === plugin)?.running[type] ?? 0;
  const outbox = (plugin: string) => {
    const o = report.outboxes.find((b) => b.plugin === plugin);
    return o === undefined ? 'outbox: (no gateway state dir)' : `outbox: ${o.pendingEntries} waiting${o.pendingEntries > 0 ? ` (${o.pendingBytes} bytes in ${o.path})` : ''}`;
  };
  const ledgerDead = report.gates.reduce((n, g) => n + g.deadLetters, 0);
  const armed = report.gates.filter((g) => g.armed).length;
  return [
    `  lorene-gate   ${plural(running('lorene-gate', 'gateWorkflow'), 'gate')} running, ${armed} armed, ${plural(running('lorene-gate', 'gateSeenLedgerWorkflow'), 'channel ledger')}; dead letters: ${ledgerDead} ledger write(s), ${report.deadFacts?.count ?? 0} refused fact(s); ${outbox('lorene-gate')}`,
    `  orchestrator  ${plural(running('orchestrator', 'orchestratorThreadWorkflow'), 'thread')}, ${plural(running('orchestrator', 'subagentTaskWorkflow'), 'subagent task')}, ${plural(running('orchestrator', 'subagentRetryWorkflow'), 'retry', 'retries')} (${report.retriesWaiting} waiting for pickup), ${plural(running('orchestrator', 'subagentRequesterWorkflow'), 'requester record')}; dead letters: ${report.orchestratorDeadFacts?.count ?? 0} refused fact(s); ${outbox('orchestrator')}`,
    `  usage-ledger  ${plural(running('usage-ledger', 'usageLedgerWorkflow'), 'ledger workflow')}; ${outbox('usage-ledger')}`,
    '  token-audit   no workflows (it writes its audit file in the gateway)',
  ];
}

function workerLines(report: StatusReport): string[] {
  if (report.workers.length === 0) return ['  (no worker polls the task queues — start one: npm start / npm run worker)'];
  return report.workers.map((w) => `  ${w.taskQueue} (${w.kind})  ${w.identity}  version ${w.version ?? 'unversioned'}${w.lastAccessTime ? `  last poll ${w.lastAccessTime}` : ''}`);
}

/** The report as the terminal shows it. */
export function formatStatus(report: StatusReport, where: string): string {
  const lines = [`openclaw-temporal status · ${where}`, '', 'Plugins', ...pluginLines(report), '', `Workers (${report.workers.length} pollers)`, ...workerLines(report), ''];
  const deadLetters = report.gates.reduce((n, g) => n + g.deadLetters, 0);
  const ledger = deadLetters > 0 ? `, ${deadLetters} ledger write(s) dead-lettered — npm run ops -- replay-dead-letters` : '';
  lines.push(`Gates (${report.gates.length} open, ${report.gates.filter((g) => g.armed).length} armed${ledger})`);
  for (const g of report.gates) lines.push(`  ${g.armed ? 'ARMED' : 'idle '}  ${g.workflowId}  ${g.line}`);
  const dead = report.deadFacts;
  if (dead != null) lines.push(`  gate facts Temporal refused (dead-lettered on this host): ${dead.count}${dead.count > 0 ? ` in ${dead.path}` : ''}`);
  lines.push('', `Orchestrator threads (${report.threads.length} open)`);
  const orchestratorDead = report.orchestratorDeadFacts;
  if (orchestratorDead != null) lines.push(`  observer facts Temporal refused (dead-lettered on this host): ${orchestratorDead.count}${orchestratorDead.count > 0 ? ` in ${orchestratorDead.path}` : ''}`);
  for (const t of report.threads) {
    lines.push(`  ${t.workflowId}  ${t.line}`);
    for (const w of t.workers) lines.push(`      ${w.status.padEnd(8)} ${w.childKey}${w.label ? ` (${w.label})` : ''}`);
  }
  lines.push('', `Subagent tasks and retries in flight (${report.retries.length})`);
  for (const r of report.retries) lines.push(`  ${r.workflowId}  [${r.type}]  ${r.line}`);
  const waiting = report.retries.filter(waitingForPickup);
  lines.push('', `Retries waiting for pickup (${waiting.length})`);
  for (const r of waiting) lines.push(`  ${r.workflowId}  ${r.line}`);
  return `${lines.join('\n')}\n`;
}

/** The report for a program: `--json`. */
export function statusJson(report: StatusReport, where: { address: string; namespace: string }, now: number): string {
  return `${JSON.stringify({ ...where, at: new Date(now).toISOString(), ...report }, null, 2)}\n`;
}
