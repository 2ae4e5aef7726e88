import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { GATE_CONFIG_KEYS, MAX_TIMER_MS, parseGateConfig, resolveDbPath, type GateConfig } from '../../plugin-bridge/lorene-gate/config.ts';
import { InvalidConfigError } from '../../plugin-bridge/shared/errors.ts';

type GateConfigKey = (typeof GATE_CONFIG_KEYS)[number];

interface SchemaProperty {
  readonly type: string;
  readonly default?: unknown;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

interface Manifest {
  readonly id: string;
  readonly configSchema: { readonly type: string; readonly additionalProperties: unknown; readonly properties: Record<string, SchemaProperty> };
}

const manifest = JSON.parse(readFileSync(new URL('../../plugin-bridge/lorene-gate/openclaw.plugin.json', import.meta.url), 'utf8')) as Manifest;
const schemaProperties = Object.entries(manifest.configSchema.properties);

/** The parsed value that corresponds to one config key, in the shape the manifest writes it. */
function parsedValue(config: GateConfig, key: GateConfigKey): unknown {
  switch (key) {
    case 'protectedTo': return [...config.protectedTo];
    case 'allowedFrom': return [...config.allowedFrom];
    case 'wrapperTargets': return [...config.wrapperTargets];
    case 'triggerRegex': return config.trigger.source;
    case 'temporalAddress': return config.temporal.address;
    case 'temporalNamespace': return config.temporal.namespace;
    case 'temporalProfile': return config.temporal.profile;
    case 'payloadKeyFile': return config.temporal.payloadKeyFile;
    case 'maxInFlightCalls': return config.temporal.maxInFlight;
    default: return config[key];
  }
}

/** Asserts that parsing throws an {@link InvalidConfigError} naming `field`. */
function rejects(input: unknown, field: string): void {
  assert.throws(
    () => parseGateConfig(input),
    (error: unknown) => error instanceof InvalidConfigError && error.field === field && error.pluginId === 'lorene-gate' && error.message.includes(field),
    `${JSON.stringify(input)} should be rejected naming ${field}`,
  );
}

describe('parseGateConfig defaults (SEED-BEHAVIOUR §2.1)', () => {
  test('all keys are optional: no config gives the documented defaults (empty peer sets, not placeholders)', () => {
    const config = parseGateConfig(undefined);
    assert.equal(config.enabled, true);
    assert.equal(config.channel, 'whatsapp');
    assert.deepEqual([...config.protectedTo], []);
    assert.deepEqual([...config.allowedFrom], []);
    assert.deepEqual([...config.wrapperTargets], []);
    assert.equal(config.trigger.source, '^\\s*friday:\\s*');
    assert.ok(config.trigger.flags.includes('i'), 'triggerRegex is case-insensitive');
    assert.equal(config.armTtlMs, 120_000);
    assert.equal(config.maxUsesPerArm, 3);
    assert.equal(config.missedResponseTtlMs, 600_000);
    assert.equal(config.requireBodyAfterTrigger, true);
    assert.equal(config.wrapperPrefix, '↓↓↓ F.R.I.D.A.Y. ↓↓↓');
    assert.equal(config.wrapperSuffix, '↑↑↑ F.R.I.D.A.Y. ↑↑↑');
    assert.equal(config.dbPath, null);
    assert.equal(config.debug, false);
    assert.equal(config.decisionTimeoutMs, 3000);
    assert.deepEqual(config.temporal, { maxInFlight: 8 });
    assert.equal(config.taskQueue, 'openclaw-temporal');
    assert.equal(config.maxQueuedPerPeer, 8);
    assert.deepEqual(parseGateConfig({}), config);
  });

  test('enabled: false is kept (both hooks then do nothing)', () => {
    assert.equal(parseGateConfig({ enabled: false }).enabled, false);
  });

  test('Temporal connection keys are passed on only when set', () => {
    const config = parseGateConfig({ temporalAddress: 'temporal:7233', temporalNamespace: 'family', temporalProfile: 'prod' });
    assert.deepEqual(config.temporal, { address: 'temporal:7233', namespace: 'family', profile: 'prod', maxInFlight: 8 });
  });
});

describe('parseGateConfig clamps and normalisation (SEED-BEHAVIOUR §2.1)', () => {
  test('armTtlMs: minimum 15000 (smaller values are raised)', () => {
    assert.equal(parseGateConfig({ armTtlMs: 1000 }).armTtlMs, 15_000);
    assert.equal(parseGateConfig({ armTtlMs: 15_001 }).armTtlMs, 15_001);
  });

  test('missedResponseTtlMs: minimum 30000 (smaller values are raised)', () => {
    assert.equal(parseGateConfig({ missedResponseTtlMs: 1000 }).missedResponseTtlMs, 30_000);
    assert.equal(parseGateConfig({ missedResponseTtlMs: 45_000 }).missedResponseTtlMs, 45_000);
  });

  test('maxUsesPerArm: floored, minimum 1', () => {
    assert.equal(parseGateConfig({ maxUsesPerArm: 2.7 }).maxUsesPerArm, 2);
    assert.equal(parseGateConfig({ maxUsesPerArm: 0.5 }).maxUsesPerArm, 1);
    assert.equal(parseGateConfig({ maxUsesPerArm: 7 }).maxUsesPerArm, 7);
  });

  test('values the original manifest accepted load, clamped as the original clamps, each with a warning naming the field', () => {
    const warnings: string[] = [];
    const config = parseGateConfig(
      { armTtlMs: 0, maxUsesPerArm: 0.5, missedResponseTtlMs: -1, channel: '', triggerRegex: '', dbPath: '' },
      (field, message) => warnings.push(`${field}: ${message}`),
    );
    assert.equal(config.armTtlMs, 15_000);
    assert.equal(config.maxUsesPerArm, 1);
    assert.equal(config.missedResponseTtlMs, 30_000);
    assert.equal(config.channel, '');
    assert.ok(config.trigger.test('anything at all'), 'an empty triggerRegex matches every message');
    assert.equal(config.dbPath, null);
    assert.deepEqual(warnings.map((w) => w.slice(0, w.indexOf(':'))).sort(),
      ['armTtlMs', 'channel', 'dbPath', 'maxUsesPerArm', 'missedResponseTtlMs', 'triggerRegex']);
    assert.match(warnings.find((w) => w.startsWith('armTtlMs')) ?? '', /raised to 15000/);
  });

  test('in-range values give no warning; durations past a durable timer are lowered with one', () => {
    const warnings: string[] = [];
    parseGateConfig({ armTtlMs: 15_000, maxUsesPerArm: 1, missedResponseTtlMs: 30_000 }, (field) => warnings.push(field));
    assert.equal(warnings.length, 0, warnings.join());
    assert.equal(parseGateConfig({ armTtlMs: 1e300 }, (field) => warnings.push(field)).armTtlMs, MAX_TIMER_MS);
    assert.deepEqual(warnings, ['armTtlMs']);
  });

  test('protectedTo, allowedFrom and wrapperTargets are phone-normalised sets', () => {
    const config = parseGateConfig({
      protectedTo: ['+49 170 111-2233', '491701112233', ' family-group '],
      allowedFrom: ['(0170) 1234567', ''],
      wrapperTargets: ['+1 555 0100'],
    });
    assert.deepEqual([...config.protectedTo], ['+491701112233', 'family-group']);
    assert.deepEqual([...config.allowedFrom], ['+01701234567']);
    assert.deepEqual([...config.wrapperTargets], ['+15550100']);
  });

  test('channel: compared lowercase, so it is stored lowercase', () => {
    assert.equal(parseGateConfig({ channel: 'WhatsApp' }).channel, 'whatsapp');
  });

  test('triggerRegex: a configured pattern is compiled case-insensitive', () => {
    const { trigger } = parseGateConfig({ triggerRegex: '^jarvis,\\s*' });
    assert.ok(trigger.test('JARVIS, lights'));
  });
});

describe('parseGateConfig errors name the field', () => {
  test('wrong types are rejected naming the field', () => {
    for (const field of ['enabled', 'requireBodyAfterTrigger', 'debug']) rejects({ [field]: 'yes' }, field);
    for (const field of ['channel', 'triggerRegex', 'wrapperPrefix', 'wrapperSuffix', 'dbPath', 'taskQueue', 'temporalAddress']) rejects({ [field]: 5 }, field);
    for (const field of ['maxInFlightCalls', 'maxQueuedPerPeer']) for (const value of [0, 1.5, 'many']) rejects({ [field]: value }, field);
    for (const field of ['protectedTo', 'allowedFrom', 'wrapperTargets']) {
      rejects({ [field]: '+491701112233' }, field);
      rejects({ [field]: [491701112233] }, field);
    }
    for (const field of ['armTtlMs', 'maxUsesPerArm', 'missedResponseTtlMs']) {
      for (const value of ['120000', Number.NaN, Number.POSITIVE_INFINITY]) rejects({ [field]: value }, field);
    }
  });

  test('an unknown key is rejected like the schema’s additionalProperties: false', () => {
    rejects({ bogus: true }, 'bogus');
  });

  test('a triggerRegex that is not a regular expression is rejected', () => {
    rejects({ triggerRegex: '(friday' }, 'triggerRegex');
  });

  test('decisionTimeoutMs: an integer from 100 to 14000', () => {
    for (const value of [99, 14_001, 2500.5, 0, '3000']) rejects({ decisionTimeoutMs: value }, 'decisionTimeoutMs');
    assert.equal(parseGateConfig({ decisionTimeoutMs: 100 }).decisionTimeoutMs, 100);
    assert.equal(parseGateConfig({ decisionTimeoutMs: 14_000 }).decisionTimeoutMs, 14_000);
  });

  test('a config that is not an object is rejected', () => {
    for (const value of ['x', 3, [], null]) rejects(value, '(root)');
  });
});

describe('resolveDbPath (SEED-BEHAVIOUR §2.1 dbPath)', () => {
  test('default: lorene-gate.db under the OpenClaw state dir', () => {
    assert.equal(resolveDbPath(parseGateConfig({}), '/var/lib/openclaw'), '/var/lib/openclaw/lorene-gate.db');
  });

  test('an absolute path is kept; a relative one is resolved against the state dir', () => {
    assert.equal(resolveDbPath(parseGateConfig({ dbPath: '/data/gate.db' }), '/var/lib/openclaw'), '/data/gate.db');
    assert.equal(resolveDbPath(parseGateConfig({ dbPath: 'ledgers/gate.db' }), '/var/lib/openclaw'), '/var/lib/openclaw/ledgers/gate.db');
  });
});

describe('the manifest schema and the parser agree', () => {
  test('the manifest declares exactly the keys in GATE_CONFIG_KEYS, and no others (additionalProperties: false)', () => {
    assert.equal(manifest.id, 'lorene-gate');
    assert.equal(manifest.configSchema.type, 'object');
    assert.equal(manifest.configSchema.additionalProperties, false);
    assert.deepEqual(Object.keys(manifest.configSchema.properties).sort(), [...GATE_CONFIG_KEYS].sort());
  });

  test('every schema default equals the parser’s default when the key is omitted', () => {
    const omitted = parseGateConfig({});
    for (const [key, property] of schemaProperties) {
      if (!('default' in property)) continue;
      assert.deepEqual(parsedValue(omitted, key as GateConfigKey), property.default, key);
      assert.deepEqual(parseGateConfig({ [key]: property.default }), omitted, `${key}: giving the default equals omitting it`);
    }
  });

  test('keys without a schema default have no parser default either (dbPath → state dir, Temporal → environment)', () => {
    const omitted = parseGateConfig({});
    const withoutDefault = schemaProperties.filter(([, property]) => !('default' in property)).map(([key]) => key);
    assert.deepEqual(withoutDefault.sort(), ['dbPath', 'gatewayId', 'payloadKeyFile', 'temporalAddress', 'temporalNamespace', 'temporalProfile']);
    assert.equal(omitted.dbPath, null);
    for (const key of withoutDefault) assert.ok(parsedValue(omitted, key as GateConfigKey) == null, key);
  });

  test('numbers at the schema’s minimum and maximum are accepted by the parser', () => {
    for (const [key, property] of schemaProperties) {
      for (const bound of [property.minimum, property.maximum]) {
        if (bound !== undefined) assert.doesNotThrow(() => parseGateConfig({ [key]: bound }), `${key}: ${bound}`);
      }
    }
  });

  test(
    'a string the schema accepts is accepted by the parser (a string without minLength may be empty)',
    () => {
      for (const [key, property] of schemaProperties) {
        if (property.type !== 'string') continue;
        const shortest = 'x'.repeat(property.minLength ?? 0);
        assert.doesNotThrow(() => parseGateConfig({ [key]: shortest }), `${key}: ${JSON.stringify(shortest)}`);
      }
    },
  );
});
