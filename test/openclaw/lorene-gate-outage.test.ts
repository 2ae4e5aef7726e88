/**
 * lorene-gate while Temporal is unreachable (issue 9, defects 2 and 6), through OpenClaw's real loader and hook
 * runner with its real `message_sending` timeout (our `decisionTimeoutMs + 2000`; on that timeout OpenClaw
 * DELIVERS the message). A TCP proxy in front of the dev server plays the outage: cut connections (a stopped
 * server) or accepted-but-never-answered ones (a dead host). Decisions queued behind a trigger, another reply or
 * a slow call must still come back cancelled; what was observed meanwhile reaches the ledger once Temporal is back.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gateOutboxPath } from '../../plugin-bridge/lorene-gate/index.ts';
import { readRows } from '../helpers/sqlite.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';
import type { HookRun } from './host-client.ts';
import { withProxiedTemporal } from './with-proxied-temporal.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/lorene-gate/', import.meta.url));
const PROTECTED = '+491701234567';
const ALLOWED = '+15550001';
const OTHER = '+15559999';
const DECISION_TIMEOUT_MS = 1500;
const tmp = tempDir('gate-outage');
const dbPath = join(tmp.dir, 'lorene-gate.db');

const outage = withProxiedTemporal('blackhole');
const { stack } = outage;
stack.onTeardown(() => tmp.cleanup());
let counter = 0;

const whatsapp = (conversationId: string) => ({ channelId: 'whatsapp', conversationId });
const inbound = (from: string, content: string, messageId = `wa-out-${++counter}`, conversationId = PROTECTED) =>
  stack.host.run('runMessageReceived', { from, content, messageId }, whatsapp(conversationId));
const outbound = (content: string) => stack.host.run('runMessageSending', { to: PROTECTED, content }, whatsapp(PROTECTED));
type Sent = { content?: string; cancel?: boolean; cancelReason?: string };
const sent = (run: HookRun): Sent => {
  assert.equal(run.ok, true, run.ok ? '' : run.error);
  return ((run.ok ? run.result : undefined) ?? {}) as Sent;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Loads a fresh plugin instance and starts its service on `stateDir` (the outbox lives there). */
async function loadGate(stateDir: string, decisionTimeoutMs = DECISION_TIMEOUT_MS): Promise<void> {
  const pluginConfig = { protectedTo: [PROTECTED], allowedFrom: [ALLOWED], temporalAddress: outage.proxy.address, dbPath, decisionTimeoutMs };
  const loaded = await stack.host.load({ pluginDir, pluginId: 'lorene-gate', pluginConfig });
  assert.equal(loaded.status, 'loaded', loaded.error ?? '');
  await stack.host.startServices({ stateDir });
}

/** A reply through the real hook runner: cancelled (fail closed), with how long the runner took. */
async function timedReply(content: string): Promise<{ result: Sent; ms: number }> {
  const started = Date.now();
  const result = sent(await outbound(content));
  return { result, ms: Date.now() - started };
}

function assertFailedClosed(label: string, reply: { result: Sent; ms: number }): void {
  process.stderr.write(`${label}: cancelled=${String(reply.result.cancel)} after ${reply.ms} ms (decisionTimeoutMs ${DECISION_TIMEOUT_MS}, hook budget ${DECISION_TIMEOUT_MS + 2000})\n`);
  // Past the hook budget OpenClaw's runner gives up on us and delivers: then `cancel` is missing here.
  assert.equal(reply.result.cancel, true, `${label}: not delivered (it took ${reply.ms} ms)`);
  assert.match(reply.result.cancelReason ?? '', /Temporal gave no decision/);
}

describe('lorene-gate through a Temporal outage, in OpenClaw’s real hook runner', () => {
  test('unanswered Temporal: a reply queued behind a trigger, behind other replies and behind a slow call is cancelled in time', async () => {
    outage.proxy.setMode('blackhole');
    await loadGate(join(tmp.dir, 'state-queued'));
    // Behind a trigger sent just before it.
    const trigger = inbound(ALLOWED, 'friday: are you there?');
    assertFailedClosed('reply behind a trigger', await timedReply('behind a trigger'));
    assert.equal((await trigger).ok, true);
    // Behind other replies to the same peer (all in flight at once).
    const replies = await Promise.all([timedReply('first of three'), timedReply('second of three'), timedReply('third of three')]);
    replies.forEach((reply, i) => assertFailedClosed(`reply ${i + 1} of 3 at once`, reply));
    // Behind a slow call: a reply hangs on the dead connection, then a trigger and a reply queue behind it.
    const slow = timedReply('the slow one');
    await sleep(DECISION_TIMEOUT_MS / 2);
    const lateTrigger = inbound(ALLOWED, 'friday: still there?');
    const queued = await timedReply('behind the slow one and a trigger');
    assertFailedClosed('slow reply', await slow);
    assertFailedClosed('reply behind a slow call and a trigger', queued);
    assert.equal((await lateTrigger).ok, true);
    await stack.host.stopServices();
  });

  test('cut connections: a reply right after a trigger is cancelled in time', async () => {
    outage.proxy.setMode('refuse');
    await loadGate(join(tmp.dir, 'state-refused'));
    const trigger = inbound(ALLOWED, 'friday: hello?');
    assertFailedClosed('reply behind a trigger (refused)', await timedReply('behind a trigger, refused'));
    assert.equal((await trigger).ok, true);
    await stack.host.stopServices();
  });

  test('facts observed while Temporal is down reach the ledger once it is back: in order, once, at their own time, across a restart', async () => {
    outage.proxy.setMode('refuse');
    const stateDir = join(tmp.dir, 'state-outbox');
    await loadGate(stateDir);
    const messageId = 'wa-outage-trigger';
    const before = Date.now();
    assert.equal((await inbound(ALLOWED, 'friday: remind me of the meeting', messageId)).ok, true);
    const triggeredBy = Date.now();
    const cancelled = sent(await outbound('reply while Temporal is down'));
    assert.equal(cancelled.cancel, true);
    assert.equal((await inbound(OTHER, 'just chatting', 'wa-outage-seen', OTHER)).ok, true);
    await stack.host.stopServices();
    assert.ok(existsSync(gateOutboxPath(stateDir)), 'the facts wait on disk');

    await loadGate(stateDir); // a new plugin instance finds the outbox of the earlier one
    await sleep(1500); // so "now" is clearly later than the trigger
    outage.proxy.setMode('forward');

    type Request = { request_id: string; created_at: number; status: string };
    const requests = await eventually('the request of the outage trigger', () => {
      const found = readRows<Request>(dbPath, 'SELECT request_id, created_at, status FROM requests WHERE request_id = ?', `whatsapp:${messageId}`);
      return found.length > 0 ? found : undefined;
    }, 30_000);
    assert.equal(requests.length, 1);
    const createdAt = requests[0]?.created_at ?? 0;
    assert.ok(createdAt >= before && createdAt <= triggeredBy, `the request keeps the trigger's own time (${createdAt} in [${before}, ${triggeredBy}])`);
    type Response = { kind: string; reason: string | null };
    const blocked = await eventually('the blocked row of the cancelled reply', () => {
      const found = readRows<Response>(dbPath, "SELECT 'blocked' AS kind, reason FROM blocked_messages WHERE content = ?", 'reply while Temporal is down');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(blocked.length, 1);
    assert.equal(blocked[0]?.kind, 'blocked');
    assert.match(blocked[0]?.reason ?? '', /Temporal gave no decision/);
    const seen = await eventually('the seen row', () => {
      const found = readRows(dbPath, 'SELECT * FROM seen_messages WHERE message_id = ?', 'wa-outage-seen');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(seen.length, 1);
    await eventually('the outbox delivered and removed', () => (existsSync(gateOutboxPath(stateDir)) ? undefined : true));
    // The replayed trigger armed the gate: a reply now goes out (and answers that request).
    assert.notEqual(sent(await outbound('now that Temporal is back')).cancel, true);
    await sleep(1000);
    assert.equal(readRows(dbPath, 'SELECT * FROM requests WHERE request_id = ?', `whatsapp:${messageId}`).length, 1, 'still once');
    assert.equal(readRows(dbPath, 'SELECT * FROM blocked_messages WHERE content = ?', 'reply while Temporal is down').length, 1, 'still once');
    assert.equal(readRows(dbPath, 'SELECT * FROM responses WHERE content = ?', 'reply while Temporal is down').length, 0, 'never counted as sent');
    await stack.host.stopServices();
  });

  test('random triggers and replies during an outage: none delivered; afterwards every reply is blocked and every trigger a request, once', async () => {
    outage.proxy.setMode('refuse');
    await loadGate(join(tmp.dir, 'state-random'));
    const triggers: string[] = [];
    const replies: string[] = [];
    const runs: Promise<HookRun>[] = [];
    for (let i = 0; i < 80; i += 1) {
      if (Math.random() < 0.4) {
        const id = `wa-rand-${i}`;
        triggers.push(id);
        runs.push(inbound(ALLOWED, `friday: random request ${i}`, id));
      } else {
        replies.push(`random reply ${i}`);
        runs.push(outbound(`random reply ${i}`).then((run) => {
          assert.equal(sent(run).cancel, true, `reply ${i} was not delivered`);
          return run;
        }));
      }
      await sleep(Math.random() * 100);
    }
    await Promise.all(runs);
    outage.proxy.setMode('forward');
    const count = (sql: string, ...params: unknown[]) => readRows<{ n: number }>(dbPath, sql, ...params)[0]?.n ?? 0;
    const placeholders = (list: readonly unknown[]) => list.map(() => '?').join(',');
    await eventually('every reply blocked', () => (count(`SELECT COUNT(*) AS n FROM blocked_messages WHERE content IN (${placeholders(replies)})`, ...replies) === replies.length ? true : undefined), 60_000);
    const requestIds = triggers.map((id) => `whatsapp:${id}`);
    await eventually('every trigger a request', () => (count(`SELECT COUNT(*) AS n FROM requests WHERE request_id IN (${placeholders(requestIds)})`, ...requestIds) === triggers.length ? true : undefined), 60_000);
    assert.equal(count(`SELECT COUNT(*) AS n FROM blocked_messages WHERE content IN (${placeholders(replies)})`, ...replies), replies.length, 'each reply once');
    assert.equal(count(`SELECT COUNT(*) AS n FROM responses WHERE content IN (${placeholders(replies)})`, ...replies), 0, 'none counted as sent');
    process.stderr.write(`random outage: ${triggers.length} triggers, ${replies.length} replies, all replies cancelled and recorded\n`);
    await stack.host.stopServices();
  });

  test('a gateway stop while a decision is in flight: the service stops and the reply is cancelled well within OpenClaw’s 5-s plugin retirement', async () => {
    // OpenClaw 2026.9.6 retires a plugin instance whose calls still run 5 s into its disposal and reports the
    // gateway's stop as failed (exit code 1). With the longest decision deadline, the stop must not wait it out.
    outage.proxy.setMode('blackhole');
    await loadGate(join(tmp.dir, 'state-stop'), 14_000);
    const reply = outbound('in flight when the gateway stops');
    await sleep(300);
    const stopping = Date.now();
    await stack.host.stopServices();
    const stopMs = Date.now() - stopping;
    const result = sent(await reply);
    const replyMs = Date.now() - stopping;
    process.stderr.write(`stop with a decision in flight: services stopped after ${stopMs} ms, reply settled after ${replyMs} ms\n`);
    assert.equal(result.cancel, true, 'the reply in flight at the stop fails closed');
    assert.ok(stopMs < 5000, `the services stopped after ${stopMs} ms: OpenClaw would have retired the plugin`);
    assert.ok(replyMs < 5000, `the hook settled ${replyMs} ms after the stop began: OpenClaw would have retired the plugin`);
  });

  test('no unhandled rejection or uncaught exception reached the gateway process', async () => {
    await sleep(11_000); // past the gRPC retry window of the last failed calls, after which the bridges close
    assert.deepEqual(await stack.host.unhandled(), []);
  });
});
