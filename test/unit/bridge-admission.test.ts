/**
 * The bridge's overload bounds: at most `maxInFlight` Temporal calls at once (the rest wait in order, and one
 * still waiting at its deadline is never sent), and at most `maxPerKey` calls queued or running for one peer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Admission } from '../../plugin-bridge/shared/admission.ts';
import { TemporalCallError } from '../../plugin-bridge/shared/errors.ts';
import { ChainFullError, KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';

/** A call that runs until `finish()` is called. */
function gated(): { readonly started: () => boolean; finish: () => void; readonly fn: () => Promise<string> } {
  let started = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { started: () => started, finish: () => finish(), fn: async () => ((started = true), await done, 'done') };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('Admission (calls in flight per bridge)', () => {
  test('past the bound a call waits, in order, and runs as soon as a slot frees', async () => {
    const admission = new Admission(2);
    const [a, b, c] = [gated(), gated(), gated()];
    const far = Date.now() + 60_000;
    const results = [admission.run('a', far, a.fn), admission.run('b', far, b.fn), admission.run('c', far, c.fn)];
    await tick();
    assert.deepEqual([a.started(), b.started(), c.started()], [true, true, false]);
    assert.deepEqual(admission.load, { running: 2, waiting: 1 });
    a.finish();
    await tick();
    assert.equal(c.started(), true, 'the waiting call got the freed slot');
    b.finish();
    c.finish();
    assert.deepEqual(await Promise.all(results), ['done', 'done', 'done']);
    assert.deepEqual(admission.load, { running: 0, waiting: 0 });
  });

  test('a call still waiting at its deadline is given up as overloaded and never run', async () => {
    const admission = new Admission(1);
    const busy = gated();
    const running = admission.run('busy', Date.now() + 60_000, busy.fn);
    let ran = false;
    await assert.rejects(
      admission.run('late', Date.now() + 20, async () => ((ran = true), 'ran')),
      (err: unknown) => err instanceof TemporalCallError && err.kind === 'overloaded' && err.operation === 'late',
    );
    assert.equal(ran, false);
    assert.deepEqual(admission.load, { running: 1, waiting: 0 }, 'the given-up call left the queue');
    busy.finish();
    await running;
    assert.equal(await admission.run('next', Date.now() + 60_000, async () => 'ok'), 'ok', 'the bridge recovers at once');
  });
});

describe('Admission sheds what it could not serve in time', () => {
  test('a call that would wait past its deadline (calls ahead × how long recent calls held a slot) is refused at once, not queued', async () => {
    const admission = new Admission(1);
    await admission.run('slow', Date.now() + 60_000, () => new Promise((r) => setTimeout(r, 200)));
    const busy = gated();
    const running = admission.run('busy', Date.now() + 60_000, busy.fn);
    let ran = false;
    const refused = admission.run('hopeless', Date.now() + 50, async () => ((ran = true), 'ran'));
    assert.deepEqual(admission.load, { running: 1, waiting: 0 }, 'refused before it queued');
    await assert.rejects(refused, (err: unknown) => err instanceof TemporalCallError && err.kind === 'overloaded');
    assert.equal(ran, false);
    assert.equal(await Promise.race([admission.run('patient', Date.now() + 60_000, async () => 'ok'), (async () => (await tick(), busy.finish(), 'released'))()]), 'released');
    await running;
  });
});

describe('KeyedChain maxPerKey (calls per peer)', () => {
  test('one call more than the bound for a peer is refused at once; other peers and a drained peer are not', async () => {
    const chain = new KeyedChain(2);
    const [a, b] = [gated(), gated()];
    const first = chain.run('peer-1', a.fn);
    const second = chain.run('peer-1', b.fn);
    await assert.rejects(chain.run('peer-1', async () => 'third'), (err: unknown) => err instanceof ChainFullError && err.key === 'peer-1' && err.maxPerKey === 2);
    assert.equal(await chain.run('peer-2', async () => 'other'), 'other');
    a.finish();
    b.finish();
    assert.deepEqual(await Promise.all([first, second]), ['done', 'done']);
    await tick();
    assert.equal(await chain.run('peer-1', async () => 'again'), 'again');
  });

  test('without a bound (the default) calls for a key only queue', async () => {
    const chain = new KeyedChain();
    const calls = Array.from({ length: 50 }, (_, i) => chain.run('k', async () => i));
    assert.equal((await Promise.all(calls)).length, 50);
  });
});
