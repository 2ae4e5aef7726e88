/**
 * Reads `openclaw plugins inspect --runtime --json` and says, in words, what is wrong with one plugin: not
 * loaded, an expected hook not registered (a dropped permission-gated hook shows up exactly so), or a diagnostic.
 */
import type { ExpectedPlugin } from './expected-plugins.ts';

/** The parts of one inspection report the gateway test checks. */
export interface PluginInspection {
  readonly plugin: {
    readonly id: string;
    readonly status: string;
    readonly error?: string | null;
    readonly rootDir?: string;
    readonly trust?: { readonly reason?: string; readonly installSource?: string };
  };
  readonly typedHooks: ReadonlyArray<{ readonly name: string }>;
  readonly services: readonly string[];
  readonly diagnostics: ReadonlyArray<{ readonly level?: string; readonly message: string }>;
}

/** The inspect output is not the JSON we expect (an OpenClaw upgrade changed it, or the CLI printed text). */
export class InspectOutputError extends Error {
  override name = 'InspectOutputError' as const;
  constructor(
    readonly stdout: string,
    message: string,
  ) {
    super(`${message}; stdout starts with: ${stdout.slice(0, 300)}`);
  }
}

/** Parses `inspect --all --runtime --json` (an array) or `inspect <id> --runtime --json` (one report). */
export function parseInspections(stdout: string): PluginInspection[] {
  const start = stdout.search(/^[[{]/m);
  if (start < 0) throw new InspectOutputError(stdout, 'no JSON in the inspect output');
  const parsed: unknown = JSON.parse(stdout.slice(start));
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const item of list) {
    const ok = typeof item === 'object' && item !== null && 'plugin' in item && Array.isArray((item as { typedHooks?: unknown }).typedHooks);
    if (!ok) throw new InspectOutputError(stdout, 'an inspection has no plugin or typedHooks');
  }
  return list as PluginInspection[];
}

/** Everything wrong with `expected`'s inspection; empty when it loaded with every hook and no diagnostics. */
export function inspectionProblems(expected: ExpectedPlugin, inspections: readonly PluginInspection[]): string[] {
  const found = inspections.find((i) => i.plugin.id === expected.id);
  if (found === undefined) return [`${expected.id}: not discovered at all`];
  const problems: string[] = [];
  if (found.plugin.status !== 'loaded') problems.push(`${expected.id}: status ${found.plugin.status}${found.plugin.error ? ` (${found.plugin.error})` : ''}`);
  const registered = new Set(found.typedHooks.map((h) => h.name));
  for (const hook of expected.hooks) if (!registered.has(hook)) problems.push(`${expected.id}: hook ${hook} not registered`);
  for (const d of found.diagnostics) problems.push(`${expected.id}: diagnostic ${d.level ?? '?'}: ${d.message}`);
  return problems;
}
