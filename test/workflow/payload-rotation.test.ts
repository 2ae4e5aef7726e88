/**
 * Key rotation on a real dev server: a gate workflow written under key 1, then key 2 added as the newest — the
 * workflow goes on (new payloads under key 2), its whole history replays with both keys; with key 1 removed,
 * reading it fails with an error that names key 1.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';
import { payloadDataConverter, replayDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { KEY_ID_HEADER } from '../../plugin-bridge/shared/codec/encryption-codec.ts';
import { newKeyEntry } from '../../plugin-bridge/shared/codec/keys.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { gateWorkflowId } from '../../workflows/gate/contract.ts';
import { payloadsIn, rawClient } from '../helpers/raw-history.ts';
import { startTestServer, startWorkers, tempDir, testBundle, type RunningWorkers } from '../helpers/temporal.ts';

const tmp = tempDir('rotation');
const key1 = { ...newKeyEntry(), id: 'rotation-key-1' };
const key2 = { ...newKeyEntry(), id: 'rotation-key-2' };
const keyFile = (name: string, keys: Array<{ id: string; key: string }>) => {
  const path = join(tmp.dir, name);
  writeFileSync(path, JSON.stringify({ keys }));
  return path;
};
const onlyKey1 = keyFile('k1.json', [key1]);
const bothKeys = keyFile('k1-k2.json', [key1, key2]);
const onlyKey2 = keyFile('k2.json', [key2]);
const PEER = '+4917099990002';
const config = { armTtlMs: 60_000, maxUsesPerArm: 5, missedResponseTtlMs: 120_000, dbPath: join(tmp.dir, 'gate.db') };
const soon = () => Date.now() + 10_000;
let env: TestWorkflowEnvironment;

before(async () => {
  env = await startTestServer();
});
after(async () => {
  await env?.teardown();
  tmp.cleanup();
});

/** Workers and a gateway bridge that both read `file`, as after a restart with that key file. */
async function withKeys<T>(file: string, play: (gate: GateClient) => Promise<T>): Promise<T> {
  const workers: RunningWorkers = await startWorkers(env, undefined, payloadDataConverter({ keyFile: file }));
  const bridge = new TemporalBridge({ address: env.address, namespace: 'default', payloadKeyFile: file });
  bridge.start();
  try {
    return await play(new GateClient(bridge, new KeyedChain(), { channel: 'whatsapp', taskQueue: 'openclaw-temporal' }));
  } finally {
    await bridge.stop();
    await workers.stop();
  }
}

const history = () => rawClient(env.connection).workflow.getHandle(gateWorkflowId('whatsapp', PEER)).fetchHistory();
const keyIds = async () => new Set(payloadsIn(await history()).map((p) => new TextDecoder().decode(p.metadata?.[KEY_ID_HEADER] ?? new Uint8Array())));
const replay = async (file: string) => Worker.runReplayHistory({ workflowBundle: await testBundle(), dataConverter: replayDataConverter(payloadDataConverter({ keyFile: file })) }, await history(), 'rotation');

test('key 1, then key 2 as newest: the workflow goes on and replays; without key 1 the error names it', async () => {
  await withKeys(onlyKey1, async (gate) => {
    await gate.trigger(PEER, { messageId: 'rot-1', sender: '+15550001', text: 'friday: hello', body: 'hello', receivedAt: Date.now(), config }, soon());
    assert.equal((await gate.decide(PEER, { decisionId: 'rot-d1', content: 'first answer', config }, soon())).action, 'deliver');
  });
  assert.deepEqual([...(await keyIds())].filter(Boolean), ['rotation-key-1']);

  await withKeys(bothKeys, async (gate) => {
    const second = await gate.decide(PEER, { decisionId: 'rot-d2', content: 'second answer', config }, soon());
    assert.deepEqual([second.action, second.usesLeft], ['deliver', 3], 'the arm written under key 1 is still in force');
  });
  assert.deepEqual([...(await keyIds())].filter(Boolean).sort(), ['rotation-key-1', 'rotation-key-2']);
  await replay(bothKeys);

  await assert.rejects(replay(onlyKey2), (err: unknown) => err instanceof Error && /rotation-key-1/.test(err.message));
});
