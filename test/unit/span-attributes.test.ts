// The OpenClaw ids put on the bridge's trace spans: names, masked peers, and never message text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hookSpanAttributes } from '../../plugin-bridge/shared/span-attributes.ts';
import { deliveryAttributes } from '../../plugin-bridge/usage-ledger/ledger-client.ts';
import type { UsageRecord } from '../../workflows/usage/usage-record.ts';

describe('span attributes of a hook call', () => {
  test('the ids the context has, under openclaw.* names; the peer and a phone-number conversation masked', () => {
    const ctx = { channelId: 'whatsapp', conversationId: '+491701234567', sessionKey: 'agent:main:main', runId: 'run-1', content: 'secret text' };
    assert.deepEqual(hookSpanAttributes('lorene-gate', 'message_sending', ctx, '+491701234567'), {
      'openclaw.plugin': 'lorene-gate',
      'openclaw.hook': 'message_sending',
      'openclaw.session_key': 'agent:main:main',
      'openclaw.run_id': 'run-1',
      'openclaw.channel': 'whatsapp',
      'openclaw.conversation_id': '+49…67',
      'openclaw.peer': '+49…67',
    });
  });

  test('a tool call: its run, tool and call id; params are not copied', () => {
    const call = { sessionKey: 'agent:main:main', toolName: 'exec', toolCallId: 'c1', runId: 'r1', params: { command: 'rm -rf /' } };
    const attributes = hookSpanAttributes('orchestrator', 'before_tool_call', call);
    assert.equal(attributes['openclaw.tool_name'], 'exec');
    assert.equal(attributes['openclaw.tool_call_id'], 'c1');
    assert.equal(attributes['openclaw.run_id'], 'r1');
    assert.ok(!JSON.stringify(attributes).includes('rm -rf'));
  });

  test('a usage delivery: the agent and the distinct run ids and session keys of its records', () => {
    const record = (runId: string | null, sessionKey: string | null) => ({ runId, sessionKey }) as unknown as UsageRecord;
    const event = { dbPath: '/tmp/usage.db', records: [record('r1', 'agent:main:main'), record('r2', 'agent:main:main'), record('r1', null), record(null, null)] };
    assert.deepEqual(deliveryAttributes('main', event), {
      'openclaw.plugin': 'usage-ledger',
      'openclaw.hook': 'llm_output',
      'openclaw.agent_id': 'main',
      'openclaw.run_id': 'r1,r2',
      'openclaw.session_key': 'agent:main:main',
    });
  });
});
