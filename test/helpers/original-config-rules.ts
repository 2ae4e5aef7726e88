/**
 * What the original plugins did with one config value, re-implemented from the facts of their source
 * (reference/original-extensions.txt) for the config-parity table: the defaults, clamps, filters and failures
 * of each original `register`. Only reached for values the original manifest accepted.
 */
import { isAbsolute } from 'node:path';

/** A config value's effect: the value the plugin works with, or why the plugin did not load. */
export type Effect = { readonly loads: true; readonly value: string } | { readonly loads: false; readonly why: string };

export const show = (value: unknown): Effect => ({ loads: true, value: value instanceof RegExp ? `/${value.source}/${value.flags}` : JSON.stringify(value) });
const sorted = (values: Iterable<string>): string[] => [...values].sort();

function phone(v: string): string {
  if (!v) return '';
  const digits = v.replace(/\D+/g, '');
  return digits ? `+${digits}` : v.trim();
}

/** The original's dbPath: a path as given (relative to the gateway's working directory), "" a temporary database. */
function dbPath(value: unknown, fallback: string): Effect {
  if (value === undefined) return show(fallback);
  if (value === '') return show('(SQLite temporary database: the ledger is lost at exit)');
  return show(isAbsolute(String(value)) ? value : `(cwd)/${String(value)}`);
}

const PLACEHOLDER = '+1XXXXXXXXXX';
const ROUTER_TOOLS = ['sessions_spawn', 'sessions_send', 'sessions_list', 'sessions_history', 'session_status', 'memory_search', 'memory_get'];
const OUTCOMES = ['error', 'timeout', 'killed', 'reset', 'deleted'];

function strings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.map((v) => (typeof v === 'string' ? v.trim() : '')).filter((v) => v.length > 0);
  return out.length > 0 ? out : undefined;
}

function gate(key: string, value: unknown): Effect {
  switch (key) {
    case 'enabled': return show(value ?? true);
    case 'requireBodyAfterTrigger': return show(value ?? true);
    case 'debug': return show(value ?? false);
    case 'channel': return show(String(value ?? 'whatsapp').toLowerCase());
    case 'protectedTo': return show(sorted(new Set(((value as string[] | undefined) ?? [PLACEHOLDER]).map(phone))));
    case 'allowedFrom': case 'wrapperTargets': return show(sorted(new Set(((value as string[] | undefined) ?? [PLACEHOLDER, PLACEHOLDER]).map(phone))));
    case 'triggerRegex':
      try {
        return show(new RegExp(String(value ?? '^\\s*friday:\\s*'), 'i'));
      } catch {
        return { loads: false, why: 'register throws: the plugin fails to load, no hooks — protected chats ungated' };
      }
    case 'armTtlMs': return show(Math.max(15_000, (value as number | undefined) ?? 120_000));
    case 'maxUsesPerArm': return show(Math.max(1, Math.floor((value as number | undefined) ?? 3)));
    case 'missedResponseTtlMs': return show(Math.max(30_000, (value as number | undefined) ?? 600_000));
    case 'wrapperPrefix': return show(value ?? '↓↓↓ F.R.I.D.A.Y. ↓↓↓');
    case 'wrapperSuffix': return show(value ?? '↑↑↑ F.R.I.D.A.Y. ↑↑↑');
    case 'dbPath': return dbPath(value, '/home/node/.openclaw/workspace/.openclaw/state/lorene-gate.db');
    default: throw new Error(`lorene-gate had no key ${key}`);
  }
}

function orchestrator(key: string, value: unknown): Effect {
  const bool = (fallback: boolean) => show(typeof value === 'boolean' ? value : fallback);
  switch (key) {
    case 'injectOrchestratorPrompt': return bool(true);
    case 'enforceMainDelegation': return bool(false);
    case 'autoRetryFailedSubagents': return bool(true);
    case 'maxRetriesPerTask': return show(typeof value === 'number' && Math.floor(value) > 0 ? Math.floor(value) : 2);
    case 'retryOutcomes': {
      const kept = (strings(value) ?? ['error', 'timeout']).filter((o) => OUTCOMES.includes(o));
      return show(sorted(new Set(kept.length > 0 ? kept : ['error', 'timeout'])));
    }
    case 'allowedMainTools': return show(sorted(new Set([...ROUTER_TOOLS, ...(strings(value) ?? [])].filter((t) => ROUTER_TOOLS.includes(t)))));
    default: throw new Error(`the orchestrator's schema had no key ${key}`);
  }
}

function usageLedger(key: string, value: unknown): Effect {
  switch (key) {
    case 'enabled': return show(value ?? true);
    case 'debug': return show(value ?? false);
    case 'dbPath': return dbPath(value, '/home/node/.openclaw/workspace/.openclaw/state/usage-ledger.db');
    default: throw new Error(`usage-ledger had no key ${key}`);
  }
}

/** The original plugin's effect of `{ [key]: value }` (value undefined: the key not set). */
export function originalEffect(plugin: string, key: string, value: unknown): Effect {
  if (plugin === 'lorene-gate') return gate(key, value);
  if (plugin === 'orchestrator') return orchestrator(key, value);
  if (plugin === 'usage-ledger') return usageLedger(key, value);
  throw new Error(`${plugin} had no config keys`);
}
