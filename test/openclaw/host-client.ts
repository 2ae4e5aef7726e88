// The Node 20 side of the OpenClaw harness: starts host.mjs on the isolated Node 24 binary and talks to it over
// line-delimited JSON. Tests get OpenClaw's real loader and hook runner without running on Node 24 themselves.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureOpenClawHost } from '../../scripts/openclaw-host.mjs';

/** What `load` hands to the real loader as `plugins.entries.<id>`; `hooks` may add `timeoutMs`/`timeouts`. */
export interface LoadParams {
  pluginDir: string;
  pluginId: string;
  pluginConfig?: Record<string, unknown>;
  /** Needed for before_prompt_build / llm_* hooks of non-bundled plugins. @default true */
  allowConversationAccess?: boolean;
  hooks?: { timeoutMs?: number; timeouts?: Record<string, number>; allowPromptInjection?: boolean };
}

/** The loader's verdict: `status` is "loaded", "error", "disabled", or "missing" when nothing was discovered. */
export interface LoadResult {
  status: string;
  error: string | null;
  hookNames: string[];
  services: string[];
  diagnostics: Array<{ level?: string; pluginId?: string; message: string }>;
  loadMs: number;
}

/** A hook runner call either resolves (the merged result) or rejects (e.g. a fail-closed before_tool_call). */
export type HookRun = { ok: true; result?: unknown } | { ok: false; error: string };
export interface LogLine { source: 'plugins' | 'service'; level: string; message: string }
export interface UnhandledRecord { kind: 'unhandledRejection' | 'uncaughtException'; message: string; stack?: string }
export interface NextTurnInjectionEntry { id: string; pluginId: string; text: string; idempotencyKey?: string; placement: string; createdAt: number }
export interface SystemEventEntry { id?: string; text: string; ts: number; contextKey: string | null }
/** Event i is `template` with runId `${runIdPrefix}${startIndex + i}`; `cyclic` adds self-references JSON cannot carry. */
export interface FireLlmOutputsParams {
  template: Record<string, unknown>;
  ctx?: Record<string, unknown>;
  count: number;
  startIndex?: number;
  runIdPrefix?: string;
  cyclic?: boolean;
}
export interface FireLlmOutputsResult { fired: number; ms: number; maxCallMs: number; failures: string[] }

/** A running OpenClaw host; every method is one request to the Node 24 process. */
export interface OpenClawHost {
  info(): Promise<{ node: string; openclaw: string; pid: number; importMs: number }>;
  load(params: LoadParams): Promise<LoadResult>;
  startServices(params?: { stateDir?: string }): Promise<{ started: string[] }>;
  stopServices(): Promise<{ stopped: string[] }>;
  /** Calls `getGlobalHookRunner()[method](event, ctx)`, e.g. `run('runBeforeToolCall', event, ctx)`. */
  run(method: `run${string}`, event: Record<string, unknown>, ctx: Record<string, unknown>): Promise<HookRun>;
  /** Fires `count` llm_output events built from `template` inside the host (one request, not one per event). */
  fireLlmOutputs(params: FireLlmOutputsParams): Promise<FireLlmOutputsResult>;
  peekSystemEvents(sessionKey: string): Promise<SystemEventEntry[]>;
  /** Creates the session entry in OpenClaw's session store (injections need one). */
  upsertSession(sessionKey: string): Promise<null>;
  /** The session's pending next-turn injections, as OpenClaw stored them. */
  peekInjections(sessionKey: string): Promise<NextTurnInjectionEntry[]>;
  /** Drains the session's pending injections, as its next turn does; returns what the turn saw. */
  takeTurn(sessionKey: string): Promise<NextTurnInjectionEntry[]>;
  logs(): Promise<LogLine[]>;
  unhandled(): Promise<UnhandledRecord[]>;
  /** Everything the host wrote to stderr so far (OpenClaw's own logs included): print it when a test fails. */
  stderrText(): string;
  /** The temp dirs the host runs in (HOME, OPENCLAW_STATE_DIR, workspace); removed by close(). */
  readonly dirs: { root: string; home: string; stateDir: string; workspace: string };
  close(): Promise<void>;
  /** Sends `signal` (e.g. SIGTERM) to the host process, waits for it to exit, removes its temp dirs. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** A request the host answered with an error, or could not answer because it died. */
export class OpenClawHostRequestError extends Error {
  override name = 'OpenClawHostRequestError' as const;
  constructor(readonly op: string, message: string, readonly stderrTail: string) {
    super(`openclaw host ${op}: ${message}${stderrTail ? `\n--- host stderr (tail) ---\n${stderrTail}` : ''}`);
  }
}

interface Reply { id: number; result?: unknown; error?: { message: string } }
interface Pending { op: string; resolve(value: unknown): void; reject(err: Error): void; timer: NodeJS.Timeout }

const REQUEST_TIMEOUT_MS = 60_000;

function childEnv(base: NodeJS.ProcessEnv, own: Record<string, string>): NodeJS.ProcessEnv {
  // Drop the developer's OpenClaw settings and Node/test-runner switches meant for this Node 20 process; keep the
  // payload key settings, which a gateway shares with the worker (`npm test` points both at the test key).
  const inherited = Object.entries(base).filter(([key]) => !/^(OPENCLAW_(?!TEMPORAL_(KEY_FILE|PAYLOAD_KEYS|CODEC)$)|NODE_OPTIONS$|NODE_TEST_CONTEXT$|VITEST)/.test(key));
  return { ...Object.fromEntries(inherited), ...own };
}

/**
 * Starts an OpenClaw host process (installing the host folder first if needed, ~1 min once).
 * `env` adds to or overrides the child's environment after isolation is applied.
 * Set OPENCLAW_HOST_VERBOSE=1 to see the host's stderr live.
 */
export async function startOpenClawHost(options: { env?: Record<string, string> } = {}): Promise<OpenClawHost> {
  const host = await ensureOpenClawHost({ log: (line) => process.stderr.write(`${line}\n`) });
  const root = await mkdtemp(join(tmpdir(), 'openclaw-host-'));
  const dirs = { root, home: join(root, 'home'), stateDir: join(root, 'state'), workspace: join(root, 'workspace') };
  await Promise.all([dirs.home, dirs.stateDir, dirs.workspace].map((dir) => mkdir(dir, { recursive: true })));
  const env = childEnv(process.env, {
    HOME: dirs.home,
    OPENCLAW_STATE_DIR: dirs.stateDir,
    OPENCLAW_HOST_DIR: host.dir,
    OPENCLAW_TEST_WORKSPACE: dirs.workspace,
    // OpenClaw enables Node's compile cache (default $TMPDIR/node-compile-cache). Writing it cost ~0.7 s per exit and
    // did not speed up the next import, so it is disabled; the cache dir only keeps stray writes inside our temp dir.
    NODE_COMPILE_CACHE: join(root, 'compile-cache'),
    NODE_DISABLE_COMPILE_CACHE: '1',
    ...options.env,
  });
  const script = fileURLToPath(new URL('./host.mjs', import.meta.url));
  const child: ChildProcessWithoutNullStreams = spawn(host.nodeBin, [script], { cwd: dirs.workspace, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  const verbose = process.env.OPENCLAW_HOST_VERBOSE === '1';
  const tail = () => stderr.join('').split('\n').slice(-30).join('\n');
  child.stderr.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (verbose) process.stderr.write(chunk);
  });

  const pending = new Map<number, Pending>();
  let nextId = 1;
  let exited: string | undefined;
  const failAll = (why: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(new OpenClawHostRequestError(p.op, why, tail()));
    }
  };
  child.on('error', (err) => failAll(`cannot run ${host.nodeBin}: ${err.message}`));
  child.on('exit', (code, signal) => {
    exited = `the host process exited (${signal ?? `code ${code}`})`;
    failAll(exited);
  });
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch {
      stderr.push(`[stdout, not a reply] ${line}\n`); // keep stray output visible instead of failing the request
      return;
    }
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.error) p.reject(new OpenClawHostRequestError(p.op, reply.error.message, tail()));
    else p.resolve(reply.result);
  });

  const request = <T>(op: string, params: object = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new OpenClawHostRequestError(op, exited, tail()));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new OpenClawHostRequestError(op, `no reply within ${REQUEST_TIMEOUT_MS} ms`, tail()));
      }, REQUEST_TIMEOUT_MS);
      pending.set(id, { op, resolve: (value) => resolve(value as T), reject, timer });
      child.stdin.write(`${JSON.stringify({ ...params, id, op })}\n`);
    });

  /** The process gets `signal` (a gateway stopped by its supervisor: nothing runs after it), then the dirs go. */
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (!exited) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await gone;
    }
    await rm(root, { recursive: true, force: true });
  };

  const close = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await request('exit').catch(() => child.kill('SIGKILL'));
      await gone;
      clearTimeout(kill);
    }
    await rm(root, { recursive: true, force: true });
  };

  return {
    dirs,
    info: () => request('info'),
    load: (params) => request('load', params),
    startServices: (params = {}) => request('startServices', { stateDir: dirs.stateDir, ...params }),
    stopServices: () => request('stopServices'),
    run: (method, event, ctx) => request('run', { method, event, ctx }),
    fireLlmOutputs: (params) => request('fireLlmOutputs', params),
    peekSystemEvents: (sessionKey) => request('peekSystemEvents', { sessionKey }),
    upsertSession: (sessionKey) => request('upsertSession', { sessionKey }),
    peekInjections: (sessionKey) => request('peekInjections', { sessionKey }),
    takeTurn: (sessionKey) => request('takeTurn', { sessionKey }),
    logs: () => request('logs'),
    unhandled: () => request('unhandled'),
    stderrText: () => stderr.join(''),
    close,
    kill,
  };
}
