// The OpenClaw side of the plugin test harness. It runs on the Node 24 binary of the isolated host folder
// (scripts/openclaw-host.mjs), because OpenClaw's real plugin loader needs Node >= 24.16 while the tests run on Node 20.
// It serves line-delimited JSON on stdin/stdout: each request `{ id, op, ...params }` gets one reply
// `{ id, result }` or `{ id, error: { message, stack } }`. stdout carries replies only; everything else goes to stderr.
// Plain JS with bare imports of node:* only: OpenClaw is imported by file URL from $OPENCLAW_HOST_DIR.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

// Keep stdout for replies: whatever OpenClaw or a plugin prints with console.log goes to stderr instead.
const writeReply = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];

/** Imports the public SDK subpaths and the unexported (but stably named) loader from the host folder. */
async function importOpenClaw(hostDir) {
  const require = createRequire(join(hostDir, 'package.json'));
  const urlOf = (specifier) => pathToFileURL(require.resolve(specifier)).href;
  const hookRuntimeUrl = urlOf('openclaw/plugin-sdk/hook-runtime');
  const [hookRuntime, pluginRuntime, systemEvents, loader, sessionStore] = await Promise.all([
    import(hookRuntimeUrl),
    import(urlOf('openclaw/plugin-sdk/plugin-runtime')),
    import(urlOf('openclaw/plugin-sdk/system-event-runtime')),
    import(new URL('../plugins/loader.js', hookRuntimeUrl).href),
    import(urlOf('openclaw/plugin-sdk/session-store-runtime')),
  ]);
  const { version } = JSON.parse(readFileSync(join(hostDir, 'node_modules', 'openclaw', 'package.json'), 'utf8'));
  return { hookRuntime, pluginRuntime, systemEvents, loader, sessionStore, version };
}

function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}

/** JSON that survives what hook results and diagnostics hold: functions, bigints, errors, cycles, AbortSignals. */
function toJsonLine(value) {
  const seen = new WeakSet();
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return { name: v.name, message: v.message };
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    if (v && typeof v === 'object') {
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
    }
    return v;
  });
}

function createHost(oc, env) {
  const logs = [];
  const unhandled = [];
  const current = { registry: undefined, config: {}, pluginId: undefined, workspaceDir: env.OPENCLAW_TEST_WORKSPACE, started: [] };

  /** A logger that records each line for the `logs` op and mirrors it to stderr for humans. */
  const capturingLogger = (source) =>
    Object.fromEntries(
      LOG_LEVELS.map((level) => [
        level,
        (message) => {
          logs.push({ source, level, message: String(message) });
          process.stderr.write(`[${source}] ${level}: ${message}\n`);
        },
      ]),
    );
  const pluginLogger = capturingLogger('plugins');
  const serviceLogger = capturingLogger('service');

  process.on('unhandledRejection', (reason) => {
    unhandled.push({ kind: 'unhandledRejection', message: errorMessage(reason), stack: reason instanceof Error ? reason.stack : undefined });
    process.stderr.write(`[host] unhandled rejection: ${reason instanceof Error ? reason.stack : reason}\n`);
  });
  process.on('uncaughtException', (err) => {
    unhandled.push({ kind: 'uncaughtException', message: errorMessage(err), stack: err instanceof Error ? err.stack : undefined });
    process.stderr.write(`[host] uncaught exception: ${err instanceof Error ? err.stack : err}\n`);
  });

  async function stopServices() {
    const stopped = [];
    const failures = [];
    for (const entry of current.started.reverse()) {
      try {
        await entry.service.stop?.(entry.ctx);
        stopped.push(entry.id);
      } catch (err) {
        failures.push(`${entry.id}: ${errorMessage(err)}`);
      }
    }
    current.started = [];
    if (failures.length) throw new Error(`service stop failed: ${failures.join('; ')}`);
    return { stopped };
  }

  const ops = {
    info: () => ({ node: process.version, openclaw: oc.version, pid: process.pid, importMs: oc.importMs }),

    async load({ pluginDir, pluginId, pluginConfig = {}, allowConversationAccess = true, hooks = {}, workspaceDir }) {
      if (current.started.length) await stopServices();
      oc.hookRuntime.resetGlobalHookRunner();
      const config = {
        plugins: {
          allow: [pluginId],
          load: { paths: [pluginDir] },
          entries: { [pluginId]: { enabled: true, config: pluginConfig, hooks: { allowConversationAccess, ...hooks } } },
        },
      };
      const started = performance.now();
      const registry = oc.loader.loadOpenClawPlugins({
        cache: false,
        onlyPluginIds: [pluginId],
        workspaceDir: workspaceDir ?? current.workspaceDir,
        config,
        logger: pluginLogger,
      });
      const loadMs = Math.round(performance.now() - started);
      Object.assign(current, { registry, config, pluginId, workspaceDir: workspaceDir ?? current.workspaceDir });
      const record = registry.plugins.find((p) => p.id === pluginId);
      return {
        status: record?.status ?? 'missing',
        error: record?.error ?? (record ? null : `plugin ${pluginId} was not discovered in ${pluginDir}`),
        hookNames: registry.typedHooks.filter((h) => h.pluginId === pluginId).map((h) => h.hookName),
        services: registry.services.filter((s) => s.pluginId === pluginId).map((s) => s.id),
        diagnostics: registry.diagnostics,
        loadMs,
      };
    },

    async startServices({ stateDir = env.OPENCLAW_STATE_DIR } = {}) {
      if (!current.registry) throw new Error('no plugin loaded: call load first');
      for (const entry of current.registry.services.filter((s) => s.pluginId === current.pluginId)) {
        const ctx = {
          config: current.config,
          workspaceDir: current.workspaceDir,
          stateDir,
          logger: serviceLogger,
          serviceHealth: {
            reportFailure: (err) => serviceLogger.warn(`service ${entry.id} reported a failure: ${errorMessage(err)}`),
            clearFailure: () => {},
          },
        };
        await entry.service.start(ctx);
        current.started.push({ id: entry.id, service: entry.service, ctx });
      }
      return { started: current.started.map((s) => s.id) };
    },

    stopServices,

    async run({ method, event = {}, ctx = {} }) {
      const runner = oc.pluginRuntime.getGlobalHookRunner();
      if (!runner) throw new Error('no global hook runner: load a plugin first');
      if (typeof runner[method] !== 'function') {
        const known = Object.keys(runner).filter((k) => k.startsWith('run') && typeof runner[k] === 'function');
        throw new Error(`the hook runner has no method "${method}"; it has ${known.join(', ')}`);
      }
      try {
        return { ok: true, result: await runner[method](event, ctx) };
      } catch (err) {
        return { ok: false, error: errorMessage(err) };
      }
    },

    // Fires `count` llm_output events through the real runner inside this process, so thousands of hook calls do not
    // cost one RPC each: event i is `template` with runId `${runIdPrefix}${startIndex + i}` (ctx gets the same runId);
    // `cyclic` adds self-references JSON cannot carry. Each call is awaited, as the runner's own callers may.
    async fireLlmOutputs({ template = {}, ctx = {}, count = 1, startIndex = 0, runIdPrefix = 'run-', cyclic = false }) {
      const runner = oc.pluginRuntime.getGlobalHookRunner();
      if (!runner) throw new Error('no global hook runner: load a plugin first');
      const failures = [];
      let maxMs = 0;
      const started = performance.now();
      for (let i = 0; i < count; i += 1) {
        const runId = `${runIdPrefix}${startIndex + i}`;
        const event = { ...structuredClone(template), runId };
        if (cyclic) {
          event.self = event;
          if (event.usage && typeof event.usage === 'object') event.usage.parent = event;
        }
        const t0 = performance.now();
        try {
          await runner.runLlmOutput(event, { ...ctx, runId });
        } catch (err) {
          failures.push(errorMessage(err));
        }
        maxMs = Math.max(maxMs, performance.now() - t0);
      }
      return { fired: count, ms: Math.round(performance.now() - started), maxCallMs: Math.round(maxMs * 1000) / 1000, failures };
    },

    peekSystemEvents: ({ sessionKey }) => oc.systemEvents.peekSystemEventEntries(sessionKey),

    // The session store (SQLite under OPENCLAW_STATE_DIR) through OpenClaw's own SDK: a session must exist before
    // next-turn injections can be stored for it; `takeTurn` drains them the way a turn's prompt build does.
    async upsertSession({ sessionKey, agentId = 'main' }) {
      await oc.sessionStore.upsertSessionEntry({ sessionKey, agentId, entry: { sessionId: randomUUID(), updatedAt: Date.now() } });
      return null;
    },
    peekInjections: ({ sessionKey, agentId = 'main' }) => Object.values(oc.sessionStore.getSessionEntry({ sessionKey, agentId })?.pluginNextTurnInjections ?? {}).flat(),
    async takeTurn({ sessionKey, agentId = 'main' }) {
      const entry = oc.sessionStore.getSessionEntry({ sessionKey, agentId });
      if (!entry) return [];
      const { pluginNextTurnInjections = {}, ...rest } = entry;
      await oc.sessionStore.upsertSessionEntry({ sessionKey, agentId, entry: { ...rest, updatedAt: Date.now() } });
      return Object.values(pluginNextTurnInjections).flat();
    },
    logs: () => logs,
    unhandled: () => unhandled,
    exit: () => null,
  };
  return ops;
}

async function main() {
  const hostDir = process.env.OPENCLAW_HOST_DIR;
  if (!hostDir) throw new Error('OPENCLAW_HOST_DIR is not set: start this process through test/openclaw/host-client.ts');
  const started = performance.now();
  const oc = await importOpenClaw(hostDir);
  oc.importMs = Math.round(performance.now() - started);
  process.stderr.write(`[host] node ${process.version}, openclaw ${oc.version} imported in ${oc.importMs} ms\n`);
  const ops = createHost(oc, process.env);

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('close', () => process.exit(0));
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let request;
    try {
      request = JSON.parse(line);
    } catch (err) {
      process.stderr.write(`[host] ignoring a request that is not JSON (${errorMessage(err)}): ${line}\n`);
      return;
    }
    const { id, op, ...params } = request;
    const handler = Object.hasOwn(ops, op) ? ops[op] : undefined;
    const reply = handler
      ? Promise.resolve().then(() => handler(params)).then(
          (result) => ({ id, result }),
          (err) => ({ id, error: { message: errorMessage(err), stack: err instanceof Error ? err.stack : undefined } }),
        )
      : Promise.resolve({ id, error: { message: `unknown op "${op}"; known: ${Object.keys(ops).join(', ')}` } });
    reply.then((message) => writeReply(`${toJsonLine(message)}\n`, () => op === 'exit' && process.exit(0)));
  });
}

main().catch((err) => {
  process.stderr.write(`[host] failed to start: ${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
