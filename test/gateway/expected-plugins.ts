/**
 * What each plugin under `plugin-bridge/` must register in a real gateway. A plugin is expected once its folder has
 * an `openclaw.plugin.json`; a folder with a manifest that is missing from this table fails the gateway test, so a
 * new plugin cannot ship unchecked. Adding one is one line.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keySource } from '../../plugin-bridge/shared/codec/data-converter.ts';

export const PLUGIN_BRIDGE_DIR = fileURLToPath(new URL('../../plugin-bridge/', import.meta.url));

export interface ExpectedPlugin {
  readonly id: string;
  /** Every typed hook the plugin must have registered (order does not matter). */
  readonly hooks: readonly string[];
  /** Registers conversation hooks (`llm_*`, `before_prompt_build`): needs `hooks.allowConversationAccess`. */
  readonly conversationAccess: boolean;
  /** A line the plugin's service logs when it starts in the gateway. */
  readonly startedLog: string;
  /** A line it logs when its service stops, if it logs one. */
  readonly stoppedLog?: string;
}

export const EXPECTED_PLUGINS: readonly ExpectedPlugin[] = [
  { id: 'lorene-gate', hooks: ['message_received', 'message_sending'], conversationAccess: false, startedLog: 'lorene-gate connected to Temporal' },
  { id: 'token-audit', hooks: ['llm_input', 'llm_output'], conversationAccess: true, startedLog: '' },
  {
    id: 'orchestrator',
    hooks: ['before_prompt_build', 'before_tool_call', 'after_tool_call', 'subagent_spawned', 'subagent_delivery_target', 'subagent_ended', 'session_end'],
    conversationAccess: true,
    startedLog: 'orchestrator connected to Temporal',
  },
  { id: 'usage-ledger', hooks: ['llm_output', 'model_call_ended'], conversationAccess: true, startedLog: 'usage-ledger delivering to Temporal' },
];

/** The plugin folders that exist today (those with a manifest). */
export function pluginFoldersWithManifest(): string[] {
  return readdirSync(PLUGIN_BRIDGE_DIR).filter((name) => existsSync(join(PLUGIN_BRIDGE_DIR, name, 'openclaw.plugin.json')));
}

/** The manifest's top-level config property names. */
function configProperties(id: string): string[] {
  const manifest = JSON.parse(readFileSync(join(PLUGIN_BRIDGE_DIR, id, 'openclaw.plugin.json'), 'utf8')) as {
    configSchema?: { properties?: Record<string, unknown> };
  };
  return Object.keys(manifest.configSchema?.properties ?? {});
}

/** `plugins.entries.<id>`: Temporal-aware plugins point at `temporalAddress`; conversation hooks get their grant. */
export function pluginEntry(plugin: ExpectedPlugin, temporalAddress: string): Record<string, unknown> {
  const properties = configProperties(plugin.id);
  const config: Record<string, unknown> = {};
  if (properties.includes('temporalAddress')) config.temporalAddress = temporalAddress;
  if (properties.includes('temporalNamespace')) config.temporalNamespace = 'default';
  // The sandbox drops OPENCLAW_* variables: the plugins get the worker's key file through their config.
  const keys = keySource();
  if (properties.includes('payloadKeyFile') && keys.kind === 'file') config.payloadKeyFile = keys.path;
  return {
    enabled: true,
    config,
    ...(plugin.conversationAccess ? { hooks: { allowConversationAccess: true } } : {}),
  };
}
