import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isInjectedOrchestratorText,
  latestUserMessage,
  paramsPreview,
  sanitizeLabel,
  taskPreview,
} from '../../workflows/orchestrator/text.ts';

test('label sanitising: trim; whitespace runs → -; lowercase; drop chars outside [a-z0-9._-]; max 64; empty → none', () => {
  assert.equal(sanitizeLabel('  Fix   the Bug!  '), 'fix-the-bug');
  assert.equal(sanitizeLabel('Ünïcode_v1.2\tnext'), 'ncode_v1.2-next');
  assert.equal(sanitizeLabel('a'.repeat(100))?.length, 64);
  assert.equal(sanitizeLabel('   '), undefined);
  assert.equal(sanitizeLabel('***'), undefined);
  assert.equal(sanitizeLabel(12), undefined);
});

test('task preview: whitespace collapsed, max 180 chars with …', () => {
  assert.equal(taskPreview('  do\n\tthe   thing  '), 'do the thing');
  const long = taskPreview(`${'word '.repeat(100)}end`);
  assert.equal(long.length, 180);
  assert.ok(long.endsWith('…'));
  assert.equal(taskPreview('x'.repeat(180)), 'x'.repeat(180));
});

test('params preview is at most 260 chars', () => {
  assert.equal(paramsPreview({ path: '/tmp/a' }), '{"path":"/tmp/a"}');
  const preview = paramsPreview({ content: 'y'.repeat(1000) });
  assert.equal(preview.length, 260);
  assert.ok(preview.endsWith('…'));
  assert.equal(paramsPreview({ n: BigInt(1) }).startsWith('[unserialisable params'), true);
});

test('latest user message: the last message with role user; string content', () => {
  const messages = [
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'reply' },
    { role: 'user', content: '  second ask  ' },
    { role: 'assistant', content: 'later reply' },
  ];
  assert.equal(latestUserMessage(messages), 'second ask');
});

test('latest user message: array content joins the text parts with newlines', () => {
  const messages = [
    { role: 'user', content: [{ type: 'text', text: 'line one' }, { type: 'image', data: 'x' }, { type: 'text', text: 'line two' }] },
  ];
  assert.equal(latestUserMessage(messages), 'line one\nline two');
});

test('latest user message: a blank last user message falls back to the one before it (as the original); none → undefined', () => {
  assert.equal(latestUserMessage([{ role: 'user', content: 'old' }, { role: 'user', content: '   ' }]), 'old');
  assert.equal(latestUserMessage([{ role: 'user', content: '  ' }]), undefined);
  assert.equal(latestUserMessage([{ role: 'assistant', content: 'hi' }]), undefined);
  assert.equal(latestUserMessage('not an array'), undefined);
});

test('the orchestrator\'s own injected text is recognised by both phrases, case-insensitive, and ignored', () => {
  const injected = 'Hello\n[ORCHESTRATOR MODE IS ACTIVE]\n- Spawn Exactly One Hidden Orchestrator Session now';
  assert.equal(isInjectedOrchestratorText(injected), true);
  assert.equal(isInjectedOrchestratorText('[orchestrator mode is active] only one phrase'), false);
  assert.equal(latestUserMessage([{ role: 'user', content: injected }]), undefined);
});
