/**
 * The orchestrator hooks without a Temporal server: a TemporalBridge that was never started fails every call
 * at once, which shows (a) which decisions need no round trip at all and (b) what a failure turns into.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { emptyThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { ThreadDirectory } from '../../plugin-bridge/orchestrator/directory.ts';
import { createObservers } from '../../plugin-bridge/orchestrator/observer-hooks.ts';
import { createBeforePromptBuild } from '../../plugin-bridge/orchestrator/prompt-hook.ts';
import { ThreadClient } from '../../plugin-bridge/orchestrator/thread-client.ts';
import type { OrchestratorHookDeps } from '../../plugin-bridge/orchestrator/hook-deps.ts';
import { createBeforeToolCall } from '../../plugin-bridge/orchestrator/tool-hook.ts';
import { RecentUserMessages } from '../../plugin-bridge/orchestrator/user-messages.ts';
import { UnthreadedSpawns } from '../../plugin-bridge/orchestrator/unthreaded.ts';
import { LocalSpawns } from '../../plugin-bridge/orchestrator/local-spawns.ts';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:orch';
const STRANGER = 'agent:main:subagent:stranger';

function setup(onTemporalError: 'allow' | 'block' = 'block', directory = new ThreadDirectory()) {
  const lines: Array<{ level: string; message: string }> = [];
  const logger = { info: (m: string) => lines.push({ level: 'info', message: m }), warn: (m: string) => lines.push({ level: 'warn', message: m }), error: (m: string) => lines.push({ level: 'error', message: m }) };
  const bridge = new TemporalBridge({});
  const deps: OrchestratorHookDeps = {
    config: parseOrchestratorConfig({ onTemporalError, decisionTimeoutMs: 500 }),
    directory,
    threads: new ThreadClient(bridge, new KeyedChain(), 'openclaw-temporal'),
    messages: new RecentUserMessages(),
    localSpawns: new LocalSpawns(),
    unthreaded: new UnthreadedSpawns(bridge, new KeyedChain(), 'openclaw-temporal'),
    log: createBridgeLogger(logger, { plugin: 'orchestrator' }, false),
  };
  return { deps, lines, tool: createBeforeToolCall(deps), prompt: createBeforePromptBuild(deps), observers: createObservers(deps) };
}

function boundDirectory(): ThreadDirectory {
  const directory = new ThreadDirectory();
  directory.observe({ kind: 'thread-loaded', state: { ...emptyThreadState(FRONT), orchestratorKey: ORCH } });
  directory.observe({ kind: 'load', status: 'ready' });
  return directory;
}

const ready = () => {
  const directory = new ThreadDirectory();
  directory.observe({ kind: 'load', status: 'ready' });
  return directory;
};

test('unbound sessions are decided locally, with no Temporal call at all (the bridge is not even started)', async () => {
  const { tool, prompt, lines } = setup('block', ready());
  await prompt({ prompt: '', messages: [{ role: 'user', content: 'compare the offers' }] }, { sessionKey: STRANGER });
  const spawn = await tool({ toolName: 'sessions_spawn', params: {}, runId: 'r', toolCallId: 'c' }, { sessionKey: STRANGER });
  assert.deepEqual(spawn, { params: { task: 'compare the offers' } }, 'the task falls back to the remembered user message');
  assert.equal(await tool({ toolName: 'exec', params: {} }, { sessionKey: STRANGER }), undefined);
  assert.equal(await tool({ toolName: 'session_status', params: {} }, { sessionKey: FRONT }), undefined);
  assert.match((await prompt({ prompt: '', messages: [] }, { sessionKey: FRONT }))?.prependContext ?? '', /^\[orchestrator mode is active\]/);
  assert.deepEqual(lines.filter((l) => l.level !== 'info'), [], 'nothing failed, nothing was asked');
});

test('a bound session follows onTemporalError when Temporal gives no decision: block …', async () => {
  const { tool, lines } = setup('block', boundDirectory());
  const result = await tool({ toolName: 'exec', params: {}, runId: 'r', toolCallId: 'c' }, { sessionKey: ORCH });
  assert.equal(result?.block, true);
  assert.match(result?.blockReason ?? '', /not-started[\s\S]*onTemporalError: block/);
  assert.ok(lines.some((l) => l.level === 'warn' && /applying onTemporalError/.test(l.message)));
});

test('… or allow, unchanged', async () => {
  const { tool } = setup('allow', boundDirectory());
  assert.equal(await tool({ toolName: 'session_status', params: {} }, { sessionKey: FRONT }), undefined);
});

test('our own bug becomes the explicit onTemporalError decision, never a rejection (OpenClaw would fail closed)', async () => {
  class BrokenDirectory extends ThreadDirectory {
    override kindOf(): never {
      throw new Error('a bug in the bridge');
    }
  }
  const broken = new BrokenDirectory();
  broken.observe({ kind: 'load', status: 'ready' });
  const allow = setup('allow', broken);
  assert.equal(await allow.tool({ toolName: 'exec', params: {} }, { sessionKey: ORCH }), undefined);
  assert.ok(allow.lines.some((l) => l.level === 'error' && /a bug in the bridge/.test(l.message)));
  const block = setup('block', broken);
  assert.equal((await block.tool({ toolName: 'exec', params: {} }, { sessionKey: ORCH }))?.block, true);
  const degraded = await block.prompt({ prompt: '', messages: [] }, { sessionKey: FRONT });
  assert.match(degraded?.prependContext ?? '', /^\[orchestrator mode is active\]/, 'the prompt hook degrades to the instructions alone');
});

test('prompt: a bound front whose thread cannot answer gets the instructions and its orchestrator, without the snapshot', async () => {
  const { prompt } = setup('block', boundDirectory());
  const context = (await prompt({ prompt: '', messages: [] }, { sessionKey: FRONT }))?.prependContext ?? '';
  assert.match(context, new RegExp(`Hidden orchestrator for this thread: ${ORCH}`));
  assert.doesNotMatch(context, /status snapshot/);
});

test('observers resolve even when every signal fails, and the cache still learns the facts', async () => {
  const directory = boundDirectory();
  const { observers } = setup('block', directory);
  const rejected = { status: 'error', childSessionKey: 'agent:main:subagent:r' };
  await observers.afterToolCall({ toolName: 'sessions_spawn', params: {}, runId: 'r', toolCallId: 'b', result: { details: rejected } }, { sessionKey: ORCH });
  assert.equal(directory.lookup('agent:main:subagent:r'), undefined, 'a rejected spawn registers nobody');
  const details = { status: 'accepted', childSessionKey: 'agent:main:subagent:w' };
  await observers.afterToolCall({ toolName: 'sessions_spawn', params: {}, runId: 'r', toolCallId: 'c', result: { details } }, { sessionKey: ORCH });
  assert.equal(directory.lookup('agent:main:subagent:w')?.frontKey, FRONT);
  await observers.subagentSpawned({ childSessionKey: 'agent:main:subagent:x' }, { requesterSessionKey: ORCH });
  await observers.subagentDeliveryTarget({ childSessionKey: 'agent:main:subagent:x', requesterSessionKey: ORCH }, {});
  await observers.subagentEnded({ targetSessionKey: ORCH, targetKind: 'subagent', outcome: 'ok' }, { requesterSessionKey: FRONT });
  assert.equal(directory.hasThread(FRONT), false, 'an ended orchestrator ends the thread in the cache');
  await observers.sessionEnd({ sessionId: 's', sessionKey: FRONT }, { sessionId: 's' });
});
