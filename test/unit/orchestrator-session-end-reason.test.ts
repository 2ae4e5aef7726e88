import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SESSION_END_REASONS, sessionEndEndsThread } from '../../plugin-bridge/orchestrator/session-end-reason.ts';

test('a gateway shutdown or restart and a compaction keep the thread; every other reason OpenClaw sends ends it', () => {
  const decided = Object.fromEntries(SESSION_END_REASONS.map((reason) => [reason, sessionEndEndsThread(reason)]));
  assert.deepEqual(decided, { new: true, reset: true, idle: true, daily: true, compaction: false, deleted: true, shutdown: false, restart: false, unknown: true });
});

test('a missing or unlisted reason ends the thread, as every session_end did in the original', () => {
  assert.equal(sessionEndEndsThread(undefined), true);
  assert.equal(sessionEndEndsThread(''), true);
  assert.equal(sessionEndEndsThread('expired'), true);
  assert.equal(sessionEndEndsThread(' Restart '), false);
});
