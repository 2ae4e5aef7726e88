// How the plugin bridge classifies a failed Temporal call, against a real dev server: the kind decides what a hook
// does (a refused fact moves to a dead-letter file after a few attempts and a refused usage batch is halved; an
// unreachable fact waits in the outbox).
// A namespace the server cannot find is a state of the server, not of the fact: a Temporal cluster answers
// NamespaceNotFound while its database is down (seen in test/cluster/faults.test.ts), so it counts as unreachable.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { startTestServer } from '../helpers/temporal.ts';

let env: TestWorkflowEnvironment;

before(async () => {
  env = await startTestServer();
});

after(async () => {
  await env?.teardown();
});

async function failureOf(bridge: TemporalBridge, call: Parameters<TemporalBridge['call']>[2]): Promise<TemporalCallError> {
  bridge.start();
  try {
    await bridge.call('probe', Date.now() + 10_000, call);
  } catch (err) {
    assert.ok(err instanceof TemporalCallError, String(err));
    return err;
  } finally {
    await bridge.stop();
  }
  assert.fail('the call succeeded');
}

test('a namespace the server does not know: unavailable (the fact waits), not rejected (no dead letter)', async () => {
  const bridge = new TemporalBridge({ address: env.address, namespace: 'no-such-namespace' });
  const err = await failureOf(bridge, (client) => client.workflow.getHandle('any').describe());
  assert.match(err.detail, /namespace/i);
  assert.equal(err.kind, 'unavailable');
});

test('a workflow that does not exist: rejected (the call itself is wrong)', async () => {
  const bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
  const err = await failureOf(bridge, (client) => client.workflow.getHandle('no-such-workflow').describe());
  assert.equal(err.kind, 'rejected');
});

test('a call in flight when the bridge stops gives up as not-started within the grace, and stop() returns', async () => {
  const bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
  bridge.start();
  // A long poll of an empty task queue never answers before its deadline.
  const call = bridge.call('poll', Date.now() + 30_000, (client) =>
    client.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'bridge-failures-empty' }, identity: 'bridge-failures-test' }),
  );
  const outcome = call.then(() => 'answered', (err: unknown) => (err instanceof TemporalCallError ? err.kind : String(err)));
  await new Promise((r) => setTimeout(r, 200));
  await bridge.stop();
  assert.equal(await outcome, 'not-started');
});

// Random, so the payload codec cannot compress it below the server's 2 MB blob limit.
test('a request the server finds invalid (a payload over its size limit): rejected, so a fact can move to a dead letter', async () => {
  const bridge = new TemporalBridge({ address: env.address, namespace: 'default' });
  const err = await failureOf(bridge, (client) =>
    client.workflow.signalWithStart('nothing', { workflowId: 'bridge-failures-oversized', taskQueue: 'bridge-failures-nowhere', signal: 'fact', signalArgs: [randomBytes(2_200_000).toString('base64')] }),
  );
  assert.match(err.detail, /INVALID_ARGUMENT|size/i);
  assert.equal(err.kind, 'rejected');
});
