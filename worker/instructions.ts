/**
 * What `npm start` prints once the stack runs: where the Web UI is and the exact commands that load the
 * plugins into an OpenClaw gateway.
 */
import { join } from 'node:path';

/** The plugin folders under `plugin-bridge/` that exist today. */
export const PLUGIN_IDS = ['lorene-gate', 'orchestrator', 'token-audit', 'usage-ledger'] as const;

export interface InstructionContext {
  readonly repo: string;
  readonly address: string;
  readonly namespace: string;
  readonly uiUrl: string | null;
  /** The payload key file the plugins must share with the worker; null when the keys come from the environment or encryption is off. */
  readonly payloadKeyFile: string | null;
  /** The codec server the Web UI decodes through, when one runs. */
  readonly codecUrl?: string | null;
}

/** The banner text, ready to print. */
export function pluginInstructions(ctx: InstructionContext): string {
  const dirs = PLUGIN_IDS.map((id) => join(ctx.repo, 'plugin-bridge', id));
  const lines = [
    '',
    'openclaw-temporal is running.',
    `  Temporal:  ${ctx.address} (namespace ${ctx.namespace})`,
    ctx.uiUrl === null ? '  Web UI:    (served by your Temporal service)' : `  Web UI:    ${ctx.uiUrl}/namespaces/${ctx.namespace}/workflows`,
    ctx.payloadKeyFile === null ? '  Payloads:  encrypted with the keys of the environment (or OPENCLAW_TEMPORAL_CODEC=off)' : `  Payloads:  encrypted (AES-256-GCM); key file ${ctx.payloadKeyFile}`,
    ...(ctx.codecUrl ? [`  Codec:     ${ctx.codecUrl} (the Web UI decodes payloads through it)`] : []),
    '',
    'Load the plugins into your OpenClaw gateway (Node >= 24.16):',
    ...dirs.map((dir) => `  openclaw plugins install --link ${dir} --force`),
    ...PLUGIN_IDS.map((id) => `  openclaw plugins enable ${id}`),
    '  # then configure them in openclaw.json, e.g. plugins.entries["lorene-gate"].config.protectedTo = ["+491701234567"]',
    '  # and, when your gateway does not use localhost:7233, set temporalAddress in each plugin config',
    ...(ctx.payloadKeyFile === null ? [] : [`  # every plugin that talks to Temporal needs the same key: "payloadKeyFile": "${ctx.payloadKeyFile}"`]),
    '  openclaw gateway restart',
    '',
    'Play a scripted WhatsApp conversation through the bridge:  npm run demo',
    'Stop everything: Ctrl-C',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
