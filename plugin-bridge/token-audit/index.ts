/**
 * token-audit (SEED-BEHAVIOUR §3): one JSON line of token usage per LLM response, and a warning plus a dump file
 * when a prompt grows past `largePromptChars`. A pure observer: no Temporal, and nothing it does may reach the
 * gateway as an error, so handlers catch everything and file writes log their failures.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fallbackStateDir, parseTokenAuditConfig, PLUGIN_ID, type TokenAuditConfig } from './config.ts';
import { admissionDecision, buildAuditRecord, buildPromptDump, measurePrompt } from './records.ts';
import type { TokenAuditApi } from './types.ts';

const line = (message: string, fields: object): string => `${PLUGIN_ID}: ${message} ${JSON.stringify(fields)}`;
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));


function stateDirOf(api: TokenAuditApi): string {
  try {
    return api.runtime?.state?.resolveStateDir?.() ?? fallbackStateDir();
  } catch (error) {
    api.logger.warn(line('state dir lookup failed; using the default', { error: reason(error) }));
    return fallbackStateDir();
  }
}

function registerHooks(api: TokenAuditApi, config: TokenAuditConfig): void {
  // File writes run one after another (the audit lines keep their order) without blocking the event loop.
  let tail: Promise<void> = Promise.resolve();
  const write = (path: string, op: () => Promise<void>): Promise<void> => {
    const task = async () => {
      await mkdir(dirname(path), { recursive: true });
      await op();
    };
    tail = tail.then(task, task).catch((error: unknown) => api.logger.error(line('write failed', { path, error: reason(error) })));
    return tail;
  };

  api.on('llm_output', (event, ctx) => {
    try {
      const record = buildAuditRecord(event ?? {}, ctx ?? {}, new Date());
      if (config.debug) api.logger.info(line('usage', record));
      return write(config.auditPath, () => appendFile(config.auditPath, `${JSON.stringify(record)}\n`));
    } catch (error) {
      api.logger.error(line('llm_output handler failed', { error: reason(error) }));
    }
  });

  api.on('llm_input', (event, ctx) => {
    try {
      const breakdown = measurePrompt(event ?? {}, ctx ?? {});
      if (breakdown.totalChars <= config.largePromptChars) {
        if (config.debug) api.logger.info(line('prompt size', breakdown));
        return;
      }
      api.logger.warn(line('large prompt', { ...breakdown, largePromptChars: config.largePromptChars }));
      const dump = buildPromptDump(breakdown, event ?? {}, config.largePromptChars, new Date());
      return write(config.dumpPath, () => writeFile(config.dumpPath, JSON.stringify(dump, null, 2)));
    } catch (error) {
      api.logger.error(line('llm_input handler failed', { error: reason(error) }));
    }
  });
}

/**
 * Parses the config and registers both hooks, synchronously (the host ignores later registrations). An invalid
 * config is logged and leaves the plugin inert rather than failing the gateway's plugin load.
 */
function register(api: TokenAuditApi): void {
  let config: TokenAuditConfig;
  try {
    config = parseTokenAuditConfig(api.pluginConfig, stateDirOf(api));
  } catch (error) {
    api.logger.error(line('invalid config; hooks not registered', { error: reason(error) }));
    return;
  }
  if (!config.enabled) return;
  registerHooks(api, config);
  const max = config.maxPromptChars;
  if (max !== null) {
    api.on('before_agent_run', (event, ctx) => {
      try {
        const decision = admissionDecision(event ?? {}, ctx ?? {}, max);
        if (decision?.outcome === 'block') api.logger.warn(line('agent run blocked by admission control', { sessionKey: ctx?.sessionKey, reason: decision.reason }));
        return decision;
      } catch (error) {
        api.logger.error(line('admission check failed; the run passes', { error: reason(error) }));
        return undefined;
      }
    });
  }
}

/** The plugin entry OpenClaw loads (id must equal the manifest's). */
export default {
  id: PLUGIN_ID,
  name: 'Token Audit',
  description: 'Audits LLM token usage to a JSONL file and dumps oversized prompts.',
  register,
};
