/**
 * The operations CLI's command line, parsed once into a typed command; anything it does not understand is a
 * {@link OpsUsageError} naming the argument, never a guess.
 */
import { resolve } from 'node:path';
import { isGatewayId } from '../../workflows/shared/task-queues.ts';

/** A command line the CLI cannot run; the CLI prints the message and the usage and exits with 2. */
export class OpsUsageError extends Error {
  override name = 'OpsUsageError' as const;
  constructor(
    readonly argument: string | null,
    message: string,
  ) {
    super(message);
  }
}

export type OpsCommand =
  | { readonly command: 'help' }
  | { readonly command: 'status'; readonly json: boolean; readonly gateways: readonly string[] }
  | { readonly command: 'replay-dead-letters'; readonly workflowId: string | null }
  | { readonly command: 'replay'; readonly recentMs: number; readonly limit: number; readonly workflowsPath: string | null }
  | { readonly command: 'export'; readonly dir: string; readonly recentMs: number; readonly limit: number };

export const USAGE = `usage: openclaw-temporal <command>

  worker                      run the worker (workflows + ledger activities) until SIGINT/SIGTERM; settings from
                              the environment (TEMPORAL_*, OPENCLAW_TEMPORAL_*, see the README)
  status [--json] [--gateway <id,…>]
                              per plugin: running workflows, armed gates, threads, retries waiting, dead letters,
                              outbox backlog on this host; the workers polling and their versions; then open
                              gates, threads, subagent tasks and retries in detail. --json: the same as JSON.
                              --gateway: also the pollers of these gateway hosts' ledger and retry queues
                              (OPENCLAW_TEMPORAL_GATEWAY_ID, this host's, is always included)
  replay [options]            download the histories of open and recent workflows and replay them against this
                              checkout's workflows; exits 1 on non-determinism (a pre-deploy check)
  histories export <dir>      write those histories as JSON files (the format of test/histories/)
  replay-dead-letters [<workflow id>]
                              write the gates' dead-lettered ledger writes again, in order (after fixing the
                              ledger database); exits 1 if any are still waiting

options (replay, histories export):
  --since <n>m|h|d            also include workflows closed within this window (default 24h)
  --limit <n>                 at most this many histories (default 1000)
  --workflows <index.ts>      replay against another workflows index instead of ./workflows/index.ts

Temporal connection: the standard environment configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE); default localhost:7233, namespace default.
status also reads the gateway state dir on this host (OPENCLAW_STATE_DIR, default ~/.openclaw): the plugins'
outboxes (lorene-gate/, orchestrator/, usage-ledger/outbox.jsonl) and the lorene-gate and orchestrator facts
Temporal refused (lorene-gate/dead-facts.jsonl, orchestrator/dead-facts.jsonl).
`;

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

function duration(raw: string): number {
  const match = /^(\d+)([mhd])$/.exec(raw);
  if (match === null) throw new OpsUsageError('--since', `--since wants a number and m, h or d (like 24h), got "${raw}"`);
  return Number(match[1]) * (UNIT_MS[match[2] ?? 'h'] ?? 0);
}

function count(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new OpsUsageError('--limit', `--limit wants a positive integer, got "${raw}"`);
  return value;
}

/** `--gateway east,west`: gateway ids as the plugins' `gatewayId` accepts them. */
function gatewayIds(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const ids = raw.split(',').map((id) => id.trim());
  const bad = ids.find((id) => !isGatewayId(id));
  if (bad !== undefined) throw new OpsUsageError('--gateway', `--gateway wants gateway ids (letters, digits, ".", "_", "-"; comma-separated), got "${bad}"`);
  return ids;
}

/** Parses `argv` (without node and the script); relative paths resolve against `cwd`. */
export function parseOpsArgs(argv: readonly string[], cwd: string): OpsCommand {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return { command: 'help' };
    if (!arg.startsWith('--')) positional.push(arg);
    else if (arg === '--json') options.set(arg, 'true');
    else if (!['--since', '--limit', '--workflows', '--gateway'].includes(arg)) throw new OpsUsageError(arg, `unknown option ${arg}`);
    else if (argv[i + 1] === undefined) throw new OpsUsageError(arg, `${arg} needs a value`);
    else options.set(arg, argv[(i += 1)] ?? '');
  }
  const recentMs = duration(options.get('--since') ?? '24h');
  const limit = count(options.get('--limit') ?? '1000');
  const [command, ...rest] = positional;
  if (command === undefined || command === 'help') return { command: 'help' };
  const json = options.has('--json');
  options.delete('--json');
  const gateway = options.get('--gateway');
  options.delete('--gateway');
  if (command === 'status' && rest.length === 0 && options.size === 0) return { command: 'status', json, gateways: gatewayIds(gateway) };
  if (gateway !== undefined) throw new OpsUsageError('--gateway', `--gateway is an option of status only`);
  if (json) throw new OpsUsageError('--json', `--json is an option of status only`);
  if (command === 'replay-dead-letters' && rest.length <= 1 && options.size === 0) return { command: 'replay-dead-letters', workflowId: rest[0] ?? null };
  if (command === 'replay' && rest.length === 0) {
    const workflows = options.get('--workflows');
    return { command: 'replay', recentMs, limit, workflowsPath: workflows === undefined ? null : resolve(cwd, workflows) };
  }
  if (command === 'histories' && rest[0] === 'export' && rest.length === 2 && !options.has('--workflows')) {
    return { command: 'export', dir: resolve(cwd, rest[1] ?? '.'), recentMs, limit };
  }
  throw new OpsUsageError(command, `cannot run "${positional.join(' ')}"${options.size > 0 ? ` with ${[...options.keys()].join(', ')}` : ''}`);
}
