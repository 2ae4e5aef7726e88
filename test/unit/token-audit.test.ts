import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import plugin from '../../plugin-bridge/token-audit/index.ts';
import { parseTokenAuditConfig } from '../../plugin-bridge/token-audit/config.ts';
import { InvalidConfigError } from '../../plugin-bridge/shared/errors.ts';
import type { TokenAuditApi, TokenAuditHooks } from '../../plugin-bridge/token-audit/types.ts';

const root = mkdtempSync(join(tmpdir(), 'token-audit-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => mkdtempSync(join(root, `case-${dirs++}-`));

/** A stand-in for the host's api that records `api.on` registrations and log lines (unit tests only). */
function load(pluginConfig: Record<string, unknown> | undefined, stateDir = freshDir()) {
  const hooks: { [K in keyof TokenAuditHooks]?: TokenAuditHooks[K] } = {};
  const registered: string[] = [];
  const logs: [level: string, message: string][] = [];
  const api: TokenAuditApi = {
    pluginConfig,
    logger: {
      debug: (m) => logs.push(['debug', m]), info: (m) => logs.push(['info', m]),
      warn: (m) => logs.push(['warn', m]), error: (m) => logs.push(['error', m]),
    },
    runtime: { state: { resolveStateDir: () => stateDir } },
    on(hook, handler) {
      registered.push(hook);
      hooks[hook] = handler;
    },
  };
  plugin.register(api);
  const llmOutput = (event: Parameters<TokenAuditHooks['llm_output']>[0], ctx = {}) => hooks.llm_output?.(event, ctx);
  const llmInput = (event: Parameters<TokenAuditHooks['llm_input']>[0], ctx = {}) => hooks.llm_input?.(event, ctx);
  return { registered, logs, stateDir, llmOutput, llmInput };
}

const jsonLines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

test('llm_output appends one JSON line per response: usage {input, output, cacheRead, cacheWrite, total}, missing numbers → 0, total defaults to input+output', async () => {
  const auditPath = join(freshDir(), 'nested', 'audit.jsonl');
  const { llmOutput, registered } = load({ auditPath });
  assert.deepEqual(registered, ['llm_output', 'llm_input']);
  await llmOutput({ runId: 'r1', sessionId: 's1', provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 100, output: 20, cacheRead: 80, cacheWrite: 5, total: 205 } });
  await llmOutput({ runId: 'r2', provider: 'openai', model: 'gpt-4o', usage: { input: 7, output: 3 } }, { sessionId: 'from-ctx' });
  await llmOutput({ runId: 'r3' });
  const lines = jsonLines(auditPath);
  for (const l of lines) assert.match(String(l['timestamp']), ISO);
  assert.deepEqual(lines.map(({ timestamp: _ts, ...rest }) => rest), [
    { sessionId: 's1', runId: 'r1', provider: 'anthropic', model: 'claude-opus-4-1', usage: { input: 100, output: 20, cacheRead: 80, cacheWrite: 5, total: 205 } },
    { sessionId: 'from-ctx', runId: 'r2', provider: 'openai', model: 'gpt-4o', usage: { input: 7, output: 3, cacheRead: 0, cacheWrite: 0, total: 10 } },
    { runId: 'r3', usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } },
  ]);
});

test('audit lines keep the order of the responses even when the writes overlap', async () => {
  const auditPath = join(freshDir(), 'audit.jsonl');
  const { llmOutput } = load({ auditPath });
  await Promise.all(Array.from({ length: 40 }, (_, i) => llmOutput({ runId: `r${i}`, usage: { input: i } })));
  assert.deepEqual(jsonLines(auditPath).map((l) => l['runId']), Array.from({ length: 40 }, (_, i) => `r${i}`));
});

test('llm_input above largePromptChars warns with each length and overwrites the dump with the breakdown and 2000-char heads', async () => {
  const dumpPath = join(freshDir(), 'dump.json');
  const { llmInput, logs } = load({ dumpPath, largePromptChars: 1000 });
  const history = [{ role: 'user', content: 'x'.repeat(100) }]; // JSON length 130
  const event = { runId: 'r1', sessionId: 's1', provider: 'anthropic', model: 'm', prompt: 'p'.repeat(570), systemPrompt: 's'.repeat(300), historyMessages: history };
  await llmInput(event, { sessionKey: 'agent:main:main' });
  assert.equal(existsSync(dumpPath), false, 'a total of exactly largePromptChars (570 + 130 + 300) is not above it');

  await llmInput({ ...event, prompt: 'p'.repeat(600) }, { sessionKey: 'agent:main:main' });
  const breakdown = { sessionId: 's1', runId: 'r1', provider: 'anthropic', model: 'm', systemLen: 300, promptLen: 600,
    historyLen: 130, historyCount: 1, totalChars: 1030 };
  assert.deepEqual(logs.filter(([level]) => level === 'warn'),
    [['warn', `token-audit: large prompt ${JSON.stringify({ ...breakdown, sessionKey: 'agent:main:main', largePromptChars: 1000 })}`]]);
  const text = readFileSync(dumpPath, 'utf8');
  const { timestamp, ...dump } = JSON.parse(text) as Record<string, unknown>;
  assert.match(String(timestamp), ISO);
  assert.deepEqual(dump, { ...breakdown, systemPromptPreview: 's'.repeat(300), promptPreview: 'p'.repeat(600), sessionKey: 'agent:main:main', largePromptChars: 1000 });

  await llmInput({ ...event, prompt: 'q'.repeat(5000), historyMessages: [] });
  const second = JSON.parse(readFileSync(dumpPath, 'utf8')) as Record<string, unknown>;
  assert.equal(second['promptPreview'], 'q'.repeat(2000));
  assert.equal(second['totalChars'], 5000 + 2 + 300);
  assert.equal(second['historyCount'], 0);
});

test('without auditPath/dumpPath both files are the original’s: <stateDir>/logs/token-audit.jsonl and token-audit-dump.json', async () => {
  const { llmOutput, llmInput, stateDir } = load(undefined);
  await llmOutput({ runId: 'r1', usage: { input: 1, output: 1 } });
  await llmInput({ prompt: 'x'.repeat(100_001), historyMessages: [] });
  assert.equal(jsonLines(join(stateDir, 'logs', 'token-audit.jsonl')).length, 1);
  assert.equal(JSON.parse(readFileSync(join(stateDir, 'logs', 'token-audit-dump.json'), 'utf8')).largePromptChars, 100_000);
});

test('a write failure is logged, never thrown, and later writes still happen', async () => {
  const dir = freshDir();
  const dumpPath = join(dir, 'dump.json');
  const { llmOutput, llmInput, logs } = load({ auditPath: dir, dumpPath, largePromptChars: 1000 }); // auditPath is a directory: EISDIR
  await assert.doesNotReject(async () => llmOutput({ runId: 'r1' }));
  const errors = logs.filter(([level]) => level === 'error').map(([, m]) => m);
  assert.equal(errors.length, 1);
  assert.match(errors[0] ?? '', /^token-audit: write failed \{"path":".*","error":"EISDIR/);
  await llmInput({ prompt: 'x'.repeat(2000) });
  assert.equal(JSON.parse(readFileSync(dumpPath, 'utf8')).promptLen, 2000);
});

test('handlers never throw on malformed events (null event, cyclic history)', async () => {
  const { llmOutput, llmInput, logs } = load({ auditPath: join(freshDir(), 'a.jsonl'), largePromptChars: 1000 });
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  const garbage = null as unknown as Parameters<TokenAuditHooks['llm_output']>[0];
  await assert.doesNotReject(async () => llmOutput(garbage, garbage));
  await assert.doesNotReject(async () => llmInput({ prompt: 'x', historyMessages: [cyclic] }));
  assert.deepEqual(logs.filter(([level]) => level === 'error'), []);
});

test('config: unknown keys and bad values are refused, naming the field', () => {
  const fieldOf = (raw: unknown) => {
    try {
      parseTokenAuditConfig(raw, '/state');
    } catch (error) {
      assert.ok(error instanceof InvalidConfigError);
      return error.field;
    }
    return 'accepted';
  };
  assert.equal(fieldOf({ bogus: 1 }), 'bogus');
  assert.equal(fieldOf({ enabled: 'yes' }), 'enabled');
  assert.equal(fieldOf({ debug: 1 }), 'debug');
  assert.equal(fieldOf({ auditPath: '  ' }), 'auditPath');
  assert.equal(fieldOf({ dumpPath: 3 }), 'dumpPath');
  assert.equal(fieldOf({ largePromptChars: 999 }), 'largePromptChars');
  assert.equal(fieldOf({ largePromptChars: 1000.5 }), 'largePromptChars');
  assert.equal(fieldOf({ largePromptChars: '100000' }), 'largePromptChars');
  assert.equal(fieldOf(['x']), '<root>');
  assert.equal(fieldOf({ largePromptChars: 1000 }), 'accepted');
});

test('config: defaults, and paths relative to the state dir or ~', () => {
  assert.deepEqual(parseTokenAuditConfig(undefined, '/state'), {
    enabled: true, auditPath: '/state/logs/token-audit.jsonl', dumpPath: '/state/logs/token-audit-dump.json',
    largePromptChars: 100_000, debug: false, maxPromptChars: null,
  });
  const custom = parseTokenAuditConfig({ auditPath: 'logs/a.jsonl', dumpPath: '~/dump.json' }, '/state');
  assert.equal(custom.auditPath, '/state/logs/a.jsonl');
  assert.equal(custom.dumpPath, join(homedir(), 'dump.json'));
});

test('an invalid config or enabled: false registers no hooks; the invalid one is logged with its field', () => {
  const invalid = load({ largePromptChars: 5 });
  assert.deepEqual(invalid.registered, []);
  assert.match(invalid.logs.find(([level]) => level === 'error')?.[1] ?? '', /invalid config: largePromptChars: must be an integer >= 1000/);
  assert.deepEqual(load({ enabled: false }).registered, []);
});

test('the entry and the manifest agree: id, keys and defaults', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../plugin-bridge/token-audit/openclaw.plugin.json', import.meta.url), 'utf8'));
  assert.equal(plugin.id, 'token-audit');
  assert.equal(manifest.id, plugin.id);
  assert.equal(manifest.activation.onStartup, true);
  assert.equal(manifest.configSchema.additionalProperties, false);
  const props = manifest.configSchema.properties as Record<string, { default?: unknown }>;
  assert.deepEqual(Object.keys(props).sort(), ['auditPath', 'debug', 'dumpPath', 'enabled', 'largePromptChars', 'maxPromptChars']);
  const parsed = parseTokenAuditConfig({}, '/state');
  for (const [key, schema] of Object.entries(props)) {
    if ('default' in schema) assert.equal(parsed[key as keyof typeof parsed], schema.default, key);
  }
});
