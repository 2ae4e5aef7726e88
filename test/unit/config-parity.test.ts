/**
 * Config parity with the original plugins, key by key, for edge values: the original's manifest schema
 * (test/fixtures/original/manifests.json, verbatim from reference/original-extensions.txt) and the original's
 * rule (test/helpers/original-config-rules.ts) against our manifest and our parser. Fails when a config the
 * original loaded does not load here, when a schema verdict on an original key differs (the orchestrator's
 * bounds included: no looser, no stricter), or when an effect differs without a listed reason. The README's
 * table is generated from these rows: `OPENCLAW_TEMPORAL_WRITE_PARITY=1 npm test -- test/unit/config-parity.test.ts`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseGateConfig, resolveDbPath } from '../../plugin-bridge/lorene-gate/config.ts';
import { parseBridgeConfig } from '../../plugin-bridge/orchestrator/config.ts';
import { InvalidConfigError } from '../../plugin-bridge/shared/errors.ts';
import { parseTokenAuditConfig } from '../../plugin-bridge/token-audit/config.ts';
import { parseUsageLedgerConfig, resolveUsageDbPath } from '../../plugin-bridge/usage-ledger/config.ts';
import { LEDGER_TASK_QUEUE, hostLedgerTaskQueue } from '../../workflows/shared/task-queues.ts';
import { schemaViolation, type Schema } from '../helpers/json-schema.ts';
import { originalEffect, show, type Effect } from '../helpers/original-config-rules.ts';

type Manifest = { readonly configSchema: Schema & { readonly properties: Record<string, Schema> } };
const read = (url: URL): unknown => JSON.parse(readFileSync(url, 'utf8'));
const originals = read(new URL('../fixtures/original/manifests.json', import.meta.url)) as Record<string, Manifest>;
const ours = (plugin: string) => read(new URL(`../../plugin-bridge/${plugin}/openclaw.plugin.json`, import.meta.url)) as Manifest;
/** Our state-dir-relative paths are shown for the state dir of the original's deployment. */
const STATE = '/home/node/.openclaw';
const NOT_SET = undefined;

/** Edge values per plugin and key; `undefined` is "not set". */
const CASES: Record<string, Record<string, readonly unknown[]>> = {
  'lorene-gate': {
    enabled: [false], channel: ['', 'WhatsApp'], protectedTo: [NOT_SET, [], ['+49 170 1234567'], ['']], allowedFrom: [NOT_SET, ['']],
    triggerRegex: ['', '(', '^jarvis,\\s*'], armTtlMs: [0, -1, 14_999, 15_001, 1e15, 'soon'], maxUsesPerArm: [0, 0.5, 2.7, 1e6],
    requireBodyAfterTrigger: [false], missedResponseTtlMs: [-1, 0, 29_999, 1e15], wrapperTargets: [NOT_SET, ['']], wrapperPrefix: [''],
    wrapperSuffix: [''], dbPath: [NOT_SET, '', '/data/gate.db', 'ledgers/gate.db'], debug: [true],
    decisionTimeoutMs: [50, 3000], taskQueue: ['', 'gate-queue'], temporalAddress: ['temporal:7233'], temporalNamespace: ['family'],
    temporalProfile: ['prod'], payloadKeyFile: ['/etc/openclaw-temporal/payload-keys.json'], maxInFlightCalls: [1, 64], maxQueuedPerPeer: [1, 32],
    gatewayId: ['a b', 'east'],
  },
  orchestrator: {
    injectOrchestratorPrompt: [false], enforceMainDelegation: [true], autoRetryFailedSubagents: [false],
    maxRetriesPerTask: [0, 1, 2.5, 5, 6], retryOutcomes: [[], ['killed'], ['bogus'], ['ERROR']], allowedMainTools: [['exec'], ['memory_get']],
    allowedOrchestratorTools: [['exec']], orchestratorLabelPrefix: ['My Lead!'], decisionTimeoutMs: [50, 3000], onTemporalError: ['block'],
    retryBackoff: [{ initialMs: 1000 }, { initialMs: -1 }], retryPickupTimeoutMs: [999, 60_000], notifyRequesterOnExhausted: [true],
    gatewayId: ['a b', 'gw-1'], temporalAddress: ['temporal:7233'], temporalNamespace: ['prod'], temporalProfile: ['prod'], taskQueue: ['q'],
    debug: [true], retryRedelivery: [{ maxDeliveries: 5 }, { maxDeliveries: 0 }], payloadKeyFile: ['/etc/openclaw-temporal/payload-keys.json'],
  },
  'token-audit': {
    enabled: [false], auditPath: ['', 'audit/a.jsonl'], dumpPath: ['/tmp/dump.json'], largePromptChars: [999, 1000], debug: [true],
    maxPromptChars: [5000],
  },
  'usage-ledger': {
    enabled: [false], dbPath: [NOT_SET, '', '/data/usage.db', 'u.db'], debug: [true], batchMaxRecords: [0, 500], sendTimeoutMs: [5000],
    retryIntervalMs: [2000], bufferMaxRecords: [10], outboxMaxBytes: [1_048_576], taskQueue: ['q'], temporalAddress: ['temporal:7233'],
    temporalNamespace: ['prod'], temporalProfile: ['prod'], payloadKeyFile: ['/etc/openclaw-temporal/payload-keys.json'],
    prices: [{ 'openai/gpt-4o': { input: 2.5, output: 10 } }],
    budgets: [{ enabled: false }],
    gatewayId: ['a b', 'east'],
  },
};

/** Differences kept on purpose, with the reason the README shows. */
const EXPECTED: Record<string, string> = {
  'lorene-gate.protectedTo=(not set)': 'placeholder numbers replaced by an empty set',
  'lorene-gate.allowedFrom=(not set)': 'placeholder numbers replaced by an empty set',
  'lorene-gate.wrapperTargets=(not set)': 'placeholder numbers replaced by an empty set',
  'lorene-gate.protectedTo=[""]': 'an empty entry is ignored, with a warning',
  'lorene-gate.allowedFrom=[""]': 'an empty entry is ignored, with a warning',
  'lorene-gate.wrapperTargets=[""]': 'an empty entry is ignored, with a warning',
  'lorene-gate.triggerRegex="("': 'fails closed (protected chats silent) instead of failing to load (ungated)',
  'lorene-gate.armTtlMs=1000000000000000': 'capped at 100 years, the longest durable timer (warning)',
  'lorene-gate.missedResponseTtlMs=1000000000000000': 'capped at 100 years, the longest durable timer (warning)',
  'lorene-gate.dbPath=(not set)': 'under the OpenClaw state dir',
  'lorene-gate.dbPath=""': 'the default file (warning) instead of a throw-away database',
  'lorene-gate.dbPath="ledgers/gate.db"': 'relative to the state dir, not the working directory',
  'usage-ledger.dbPath=(not set)': 'under the OpenClaw state dir (`npm run migrate` imports an original ledger)',
  'usage-ledger.dbPath=""': 'the default file (warning) instead of a throw-away database',
  'usage-ledger.dbPath="u.db"': 'relative to the state dir, not the working directory',
};

const TEMPORAL_KEYS: Record<string, 'address' | 'namespace' | 'profile' | 'payloadKeyFile'> = {
  temporalAddress: 'address', temporalNamespace: 'namespace', temporalProfile: 'profile', payloadKeyFile: 'payloadKeyFile',
};

function ourValue(plugin: string, key: string, value: unknown): Effect {
  const raw = value === undefined ? {} : { [key]: value };
  const temporalKey = TEMPORAL_KEYS[key];
  try {
    if (temporalKey !== undefined) {
      const parse = { 'lorene-gate': parseGateConfig, orchestrator: parseBridgeConfig, 'usage-ledger': parseUsageLedgerConfig }[plugin];
      return show(parse?.(raw).temporal[temporalKey]);
    }
    if (key === 'gatewayId' && plugin !== 'orchestrator') {
      // The effect of the new key: the ledger queue the plugin's batches go to.
      const { gatewayId } = plugin === 'lorene-gate' ? parseGateConfig(raw) : parseUsageLedgerConfig(raw);
      return show(`ledger queue ${gatewayId === undefined ? LEDGER_TASK_QUEUE : hostLedgerTaskQueue(gatewayId)}`);
    }
    if (plugin === 'lorene-gate') {
      const config = parseGateConfig(raw);
      if (key === 'dbPath') return show(resolveDbPath(config, STATE));
      if (key === 'triggerRegex') return show(config.trigger);
      if (key === 'maxInFlightCalls') return show(config.temporal.maxInFlight);
      if (key === 'protectedTo' || key === 'allowedFrom' || key === 'wrapperTargets') return show([...config[key]].sort());
      return show(config[key as keyof typeof config]);
    }
    if (plugin === 'orchestrator') {
      const config = parseBridgeConfig(raw);
      const policy = config.policy[key as keyof typeof config.policy];
      return show(Array.isArray(policy) ? [...(policy as string[])].sort() : policy ?? config[key as keyof typeof config]);
    }
    if (plugin === 'token-audit') return show(parseTokenAuditConfig(raw, STATE)[key as keyof ReturnType<typeof parseTokenAuditConfig>]);
    const config = parseUsageLedgerConfig(raw);
    return show(key === 'dbPath' ? resolveUsageDbPath(config, STATE) : config[key as keyof typeof config]);
  } catch (err) {
    if (plugin === 'lorene-gate' && err instanceof InvalidConfigError) return { loads: true, value: `fail closed (${err.field} unusable): messages to protected peers cancelled` };
    throw err;
  }
}

interface Row {
  readonly plugin: string;
  readonly key: string;
  readonly value: string;
  readonly original: Effect;
  readonly ours: Effect;
  readonly originalKey: boolean;
}

function effectOf(manifest: Manifest, key: string, value: unknown, rule: () => Effect): Effect {
  const problem = value === undefined ? null : schemaViolation(manifest.configSchema, { [key]: value });
  return problem === null ? rule() : { loads: false, why: `rejected by the schema (${problem})` };
}

const rows: Row[] = Object.entries(CASES).flatMap(([plugin, keys]) =>
  Object.entries(keys).flatMap(([key, values]) =>
    values.map((value): Row => {
      const originalKey = key in originals[plugin]!.configSchema.properties;
      return {
        plugin, key, value: value === undefined ? '(not set)' : JSON.stringify(value), originalKey,
        original: originalKey ? effectOf(originals[plugin]!, key, value, () => originalEffect(plugin, key, value)) : { loads: false, why: 'not a key of the original: rejected' },
        ours: effectOf(ours(plugin), key, value, () => ourValue(plugin, key, value)),
      };
    }),
  ),
);

const id = (row: Row) => `${row.plugin}.${row.key}=${row.value}`;
const text = (effect: Effect) => (effect.loads ? effect.value : `✗ ${effect.why}`);
const same = (row: Row) => text(row.original) === text(row.ours);

test('every key of the original and of our manifests has cases', () => {
  for (const plugin of Object.keys(CASES)) {
    const keys = new Set([...Object.keys(originals[plugin]!.configSchema.properties), ...Object.keys(ours(plugin).configSchema.properties)]);
    assert.deepEqual(Object.keys(CASES[plugin]!).sort(), [...keys].sort(), plugin);
  }
});

test('every config the original loaded loads here', () => {
  for (const row of rows) if (row.original.loads) assert.ok(row.ours.loads, `${id(row)}: ${text(row.ours)}`);
});

test('on the original keys, our schema accepts exactly what the original schema accepted', () => {
  for (const row of rows.filter((r) => r.originalKey && r.value !== '(not set)')) {
    const originalSchemaOk = !text(row.original).startsWith('✗ rejected by the schema');
    const ourSchemaOk = !text(row.ours).startsWith('✗ rejected by the schema');
    assert.equal(ourSchemaOk, originalSchemaOk, `${id(row)}: original ${text(row.original)}, ours ${text(row.ours)}`);
  }
});

test('every effect on an original key is the original’s, or a listed difference that still differs', () => {
  for (const row of rows.filter((r) => r.originalKey)) {
    const reason = EXPECTED[id(row)];
    if (reason === undefined) assert.ok(same(row), `${id(row)}: original ${text(row.original)}, ours ${text(row.ours)}`);
    else assert.ok(!same(row), `${id(row)} is listed as a difference ("${reason}") but now equals the original`);
  }
  for (const listed of Object.keys(EXPECTED)) assert.ok(rows.some((r) => id(r) === listed), `${listed} is listed but not a case`);
});

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The README table: one row per case. */
function table(): string {
  const lines = ['| plugin | key | value | original | openclaw-temporal | |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    const verdict = !row.originalKey ? 'new key' : same(row) ? 'same' : `differs: ${EXPECTED[id(row)] ?? '?'}`;
    lines.push(`| ${row.plugin} | \`${row.key}\` | \`${cell(row.value)}\` | ${cell(text(row.original))} | ${cell(text(row.ours))} | ${verdict} |`);
  }
  return lines.join('\n');
}

const START = '<!-- config-parity:start (generated by test/unit/config-parity.test.ts) -->';
const END = '<!-- config-parity:end -->';

test('the README table is the one these rows generate', () => {
  const readmeUrl = new URL('../../README.md', import.meta.url);
  const readme = readFileSync(readmeUrl, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  assert.ok(start >= 0 && end > start, 'the README has the config-parity markers');
  const generated = `${START}\n${table()}\n${END}`;
  if (process.env.OPENCLAW_TEMPORAL_WRITE_PARITY === '1') writeFileSync(readmeUrl, readme.slice(0, start) + generated + readme.slice(end + END.length));
  else assert.equal(readme.slice(start, end + END.length), generated, 'regenerate with OPENCLAW_TEMPORAL_WRITE_PARITY=1');
});
