import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox, type OutboxEntry } from '../../plugin-bridge/usage-ledger/outbox.ts';
import { extractUsage } from '../../plugin-bridge/usage-ledger/extract.ts';

const root = mkdtempSync(join(tmpdir(), 'usage-outbox-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshPath = () => join(mkdtempSync(join(root, `case-${dirs++}-`)), 'usage-ledger', 'outbox.jsonl');

const DB = '/srv/usage.db';
function entry(eventId: string, ledgerId = 'main', blob = ''): OutboxEntry {
  const record = extractUsage({ runId: eventId, model: 'm', usage: { input: 1, output: 1 }, blob }, 'llm_output', { eventId, now: 1 });
  assert.ok(record);
  return { ledgerId, dbPath: DB, record };
}
const idsOf = (entries: readonly OutboxEntry[]) => entries.map((e) => e.record.eventId);

async function opened(path: string, maxBytes = 1024 * 1024): Promise<Outbox> {
  const outbox = new Outbox(path, maxBytes);
  await outbox.open();
  return outbox;
}

test('records are read back in the order they were appended, one ledger at a time, and the file is removed once all were delivered', async () => {
  const path = freshPath();
  const outbox = await opened(path);
  assert.equal(outbox.isEmpty, true);
  await outbox.append([entry('a'), entry('b'), entry('c', 'ops')]);
  await outbox.append([entry('d', 'ops'), entry('e')]);
  assert.equal(existsSync(path), true);
  const delivered: string[][] = [];
  while (!outbox.isEmpty) {
    const chunk = await outbox.read(10, 1_000_000);
    delivered.push(idsOf(chunk.entries));
    await outbox.commit(chunk.nextOffset);
  }
  assert.deepEqual(delivered, [['a', 'b'], ['c', 'd'], ['e']]);
  assert.equal(existsSync(path), false, 'the outbox file is removed when everything was delivered');
  assert.equal(existsSync(`${path}.offset`), false);
});

test('reading does not consume: an undelivered chunk is read again; maxEntries and maxChars bound a chunk', async () => {
  const outbox = await opened(freshPath());
  await outbox.append(['a', 'b', 'c', 'd'].map((id) => entry(id, 'main', 'x'.repeat(500))));
  assert.deepEqual(idsOf((await outbox.read(2, 1_000_000)).entries), ['a', 'b']);
  assert.deepEqual(idsOf((await outbox.read(2, 1_000_000)).entries), ['a', 'b'], 'not committed: same chunk again');
  assert.deepEqual(idsOf((await outbox.read(10, 1200)).entries), ['a', 'b'], 'size bound after the first entry');
  assert.deepEqual(idsOf((await outbox.read(10, 1)).entries), ['a'], 'the first entry always fits');
});

test('a gateway restart resumes after the last delivered chunk (persisted cursor)', async () => {
  const path = freshPath();
  const first = await opened(path);
  await first.append(['a', 'b', 'c'].map((id) => entry(id)));
  await first.commit((await first.read(2, 1_000_000)).nextOffset);
  const second = await opened(path);
  const chunk = await second.read(10, 1_000_000);
  assert.deepEqual(idsOf(chunk.entries), ['c']);
  await second.commit(chunk.nextOffset);
  assert.equal(existsSync(path), false);
});

test('a line torn by a crash mid-append is skipped and counted; the next append starts on a new line', async () => {
  const path = freshPath();
  const before = await opened(path);
  await before.append([entry('a')]);
  appendFileSync(path, '{"ledgerId":"main","dbPath":"/srv/usage.db","rec'); // the crash
  const after = await opened(path);
  await after.append([entry('b')]);
  const chunk = await after.read(10, 1_000_000);
  assert.deepEqual(idsOf(chunk.entries), ['a', 'b']);
  assert.equal(chunk.unreadable, 1);
  assert.equal(readFileSync(path, 'utf8').split('\n').length, 4, 'three lines and the final newline');
});

test('a full outbox refuses what does not fit and says how many; delivered bytes free room again', async () => {
  const path = freshPath();
  const lineBytes = Buffer.byteLength(`${JSON.stringify(entry('a0'))}\n`);
  const outbox = await opened(path, lineBytes * 3 + 10);
  assert.deepEqual(await outbox.append(['a0', 'a1', 'a2', 'a3', 'a4'].map((id) => entry(id))), { written: 3, refused: 2 });
  assert.equal(statSync(path).size, lineBytes * 3);
  await outbox.commit((await outbox.read(1, 1_000_000)).nextOffset);
  assert.deepEqual(await outbox.append([entry('a5'), entry('a6')]), { written: 1, refused: 1 });
  assert.deepEqual(idsOf((await outbox.read(10, 1_000_000)).entries), ['a1', 'a2', 'a5']);
});

test('records larger than the read chunk come back whole', async () => {
  const outbox = await opened(freshPath(), 64 * 1024 * 1024);
  const wide = Array.from({ length: 40 }, (_, i) => entry(`w${i}`, 'main', 'z'.repeat(1900) + 'é'.repeat(30_000)));
  await outbox.append(wide);
  const chunk = await outbox.read(100, 100_000_000);
  assert.deepEqual(idsOf(chunk.entries), idsOf(wide));
  assert.equal(chunk.entries[39]?.record.rawJson, wide[39]?.record.rawJson);
});
