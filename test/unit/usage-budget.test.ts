// Budgets, the pure parts: period boundaries in an IANA zone (across a daylight-saving change), counting each
// usage row once into the current period, the details line, the gateway's local decision from its cached state
// under each fail policy, and the config's refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialBudgetState, receiveUsage, rollPeriod, snapshotOf, describeBudget } from '../../workflows/budget/decide.ts';
import { calendarPeriod, describeReset, nextPeriod } from '../../workflows/budget/period.ts';
import type { BudgetSpec } from '../../workflows/budget/contract.ts';
import type { BudgetState } from '../../workflows/budget/state.ts';
import { BudgetBook } from '../../plugin-bridge/usage-ledger/budget-book.ts';
import { parseBudgets } from '../../plugin-bridge/usage-ledger/budget-config.ts';
import { budgetGate } from '../../plugin-bridge/usage-ledger/budgets.ts';
import { InvalidConfigError } from '../../plugin-bridge/shared/errors.ts';

const iso = (t: number) => new Date(t).toISOString();
const BERLIN: BudgetSpec = { agent: 'main', period: 'day', periodSeconds: null, timeZone: 'Europe/Berlin', limitUsd: 5, limitTokens: null, mode: 'block' };
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

test('calendar periods start at local midnight in the zone: day (also the 23-hour DST day), week from Monday, month', () => {
  const day = calendarPeriod(Date.parse('2026-11-25T12:00:00Z'), BERLIN);
  assert.deepEqual([iso(day.start), iso(day.end)], ['2026-11-24T23:00:00.000Z', '2026-11-25T23:00:00.000Z']);
  const dst = calendarPeriod(Date.parse('2026-03-29T12:00:00Z'), BERLIN);
  assert.deepEqual([iso(dst.start), iso(dst.end)], ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
  const week = calendarPeriod(Date.parse('2026-11-25T12:00:00Z'), { ...BERLIN, period: 'week' });
  assert.deepEqual([iso(week.start), iso(week.end)], ['2026-11-22T23:00:00.000Z', '2026-11-29T23:00:00.000Z']);
  const month = calendarPeriod(Date.parse('2026-12-31T23:30:00Z'), { ...BERLIN, period: 'month' });
  assert.deepEqual([iso(month.start), iso(month.end)], ['2026-12-31T23:00:00.000Z', '2027-01-31T23:00:00.000Z'], 'already January in Berlin');
  const utc = calendarPeriod(Date.parse('2026-11-25T00:00:00Z'), { ...BERLIN, timeZone: 'UTC' });
  assert.deepEqual([iso(utc.start), iso(utc.end)], ['2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z']);
  assert.equal(describeReset(day.end, BERLIN), '00:00 Europe/Berlin');
  assert.equal(describeReset(week.end, { ...BERLIN, period: 'week' }), 'Mon 00:00 Europe/Berlin');
});

test('fixed periods stay aligned to the first one, skipping periods nothing happened in', () => {
  const spec = { ...BERLIN, periodSeconds: 60, timeZone: 'UTC' };
  assert.deepEqual(nextPeriod({ start: 0, end: 60_000 }, 60_000, spec), { start: 60_000, end: 120_000 });
  assert.deepEqual(nextPeriod({ start: 0, end: 60_000 }, 250_000, spec), { start: 240_000, end: 300_000 });
});

test('a row counts once however often it is delivered; after a roll a row from before the period does not count', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  const before = initialBudgetState(BERLIN, now - 86_400_000);
  let state: BudgetState = rollPeriod(before, now);
  const rows = [
    { eventId: 'e1', ts: now, tokens: 1000, costUsd: 1.5 },
    { eventId: 'e2', ts: now + 1, tokens: 500, costUsd: 1.62 },
    { eventId: 'e3', ts: now + 2, tokens: 50, costUsd: null },
  ];
  state = receiveUsage(state, { spec: BERLIN, records: rows });
  state = receiveUsage(state, { spec: BERLIN, records: [rows[1]!, { eventId: 'old', ts: now - 86_400_000, tokens: 9, costUsd: 9 }] });
  assert.deepEqual([Number(state.spentUsd.toFixed(6)), state.spentTokens, state.unpriced, state.duplicates, state.late], [3.12, 1550, 1, 1, 1]);
  assert.equal(describeBudget(state), 'agent main: $3.12 of $5.00 today, resets 00:00 Europe/Berlin (1 rows without a price not in the cost)');
  assert.equal(snapshotOf(state).used, state.spentUsd / 5);
  const next = rollPeriod(state, state.periodEnd);
  assert.deepEqual([next.spentUsd, next.spentTokens, iso(next.periodStart)], [0, 0, '2026-11-25T23:00:00.000Z']);
  assert.equal(receiveUsage(next, { spec: BERLIN, records: [rows[0]!] }).spentUsd, 0, 'still a repeat after the roll');
  const first = initialBudgetState({ ...BERLIN, periodSeconds: 60 }, now);
  assert.equal(receiveUsage(first, { spec: first.spec, records: [{ eventId: 'x', ts: now - 500, tokens: 1, costUsd: 1 }] }).spentUsd, 1, 'the first period takes a row observed just before the budget started');
});

function bookWith(policy: 'last-known' | 'open' | 'closed', spentUsd: number, refreshedAt: number, now: number) {
  const config = parseBudgets({ enabled: true, failPolicy: policy, staleAfterMs: 60_000, limits: [{ agent: 'main', usd: 0.01, mode: 'block' }, { agent: 'ops', tokens: 10, sessionKeyPattern: 'agent:ops:cron:*', mode: 'block' }] });
  const book = new BudgetBook(config.limits, config.failPolicy, config.staleAfterMs);
  const spec = config.limits[0]!.spec;
  const state = receiveUsage(initialBudgetState(spec, now), { spec, records: [{ eventId: 'e', ts: now, tokens: 1100, costUsd: spentUsd }] });
  book.update(snapshotOf(state), refreshedAt);
  return { book, state };
}

test('the local decision: blocked once the cached state reaches the limit, with a reason naming the budget; a new period runs again', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  assert.deepEqual(bookWith('last-known', 0.006, now, now).book.decide('main', 'agent:main:main', now), { block: false });
  const { book, state } = bookWith('last-known', 0.012, now, now);
  const verdict = book.decide('main', 'agent:main:main', now + 1000);
  assert.ok(verdict.block);
  assert.equal(verdict.reason, 'usage budget main/day reached: agent main: $0.0120 of $0.0100 today, resets 00:00 UTC');
  assert.deepEqual(book.decide('other', 'agent:other:main', now), { block: false }, 'another agent');
  assert.deepEqual(book.decide('main', 'agent:main:main', state.periodEnd), { block: false }, 'the period ended');
  const gate = budgetGate(book, quiet, () => now);
  assert.deepEqual(gate({}, { agentId: 'main', sessionKey: 'agent:main:main' }), { outcome: 'block', reason: verdict.reason, message: verdict.reason, category: 'cost_limit' });
  assert.equal(gate({}, undefined), undefined, 'no agent: the default agent has no budget');
});

test('fail policy when Temporal has not answered for staleAfterMs: last-known keeps deciding, open passes, closed refuses', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  const later = now + 120_000;
  assert.ok(bookWith('last-known', 0.012, now, now).book.decide('main', '', later).block);
  assert.deepEqual(bookWith('open', 0.012, now, now).book.decide('main', '', later), { block: false });
  const closed = bookWith('closed', 0, now, now).book.decide('main', '', later);
  assert.ok(closed.block && /state unknown .*failPolicy is closed/.test(closed.reason), JSON.stringify(closed));
  assert.deepEqual(bookWith('closed', 0, now, now).book.decide('ops', 'agent:ops:main', later), { block: false }, 'a session outside the pattern');
  assert.ok(bookWith('closed', 0, now, now).book.decide('ops', 'agent:ops:cron:nightly', later).block, 'never answered, matching session');
});

test('alerts at 80 % and 100 % are reported once per period and survive the cache file', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  const { book, state } = bookWith('last-known', 0.009, now, now);
  const again = new BudgetBook(book.budgets, 'last-known', 60_000);
  again.load(JSON.parse(JSON.stringify(book.toFile())));
  assert.deepEqual(again.update(snapshotOf(state), now), [], '80 % was announced before the restart');
  const full = receiveUsage(state, { spec: state.spec, records: [{ eventId: 'f', ts: now, tokens: 1, costUsd: 0.002 }] });
  assert.deepEqual(again.update(snapshotOf(full), now), [100]);
  assert.deepEqual(again.update(snapshotOf(full), now), []);
});

test('budgets config: off by default; refuses an unknown zone, a limit without an amount, and two budgets for one agent and period', () => {
  assert.equal(parseBudgets(undefined).enabled, false);
  const refused = (raw: unknown) => assert.throws(() => parseBudgets(raw), InvalidConfigError);
  refused({ timeZone: 'Mars/Olympus' });
  refused({ limits: [{ agent: 'main' }] });
  refused({ limits: [{ agent: 'main', usd: 1 }, { agent: 'main', tokens: 5, period: 'day' }] });
  const ok = parseBudgets({ enabled: true, timeZone: 'Europe/Berlin', limits: [{ agent: 'main', usd: 5 }, { agent: 'main', usd: 20, period: 'week' }] });
  assert.deepEqual(ok.limits.map((b) => [b.id, b.spec.mode, b.spec.timeZone]), [['main/day', 'warn', 'Europe/Berlin'], ['main/week', 'warn', 'Europe/Berlin']]);
});
