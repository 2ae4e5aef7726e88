/**
 * The benchmark's statistics: nearest-rank percentiles (a reported p99 is a latency some call really had) and
 * the summary the table and bench/results.json are built from.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidSampleError, percentile, summarize } from '../../scripts/bench/stats.ts';

const oneToHundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

describe('bench statistics', () => {
  test('a nearest-rank percentile is the smallest sample that at least p % of the samples do not exceed', () => {
    assert.equal(percentile(oneToHundred, 50), 50);
    assert.equal(percentile(oneToHundred, 95), 95);
    assert.equal(percentile(oneToHundred, 99), 99);
    assert.equal(percentile(oneToHundred, 99.5), 100);
    assert.equal(percentile(oneToHundred, 100), 100);
    assert.equal(percentile(oneToHundred, 0.5), 1);
  });

  test('a percentile is always one of the samples, never an interpolation', () => {
    const sorted = [10, 20, 30, 40];
    assert.equal(percentile(sorted, 50), 20);
    assert.equal(percentile(sorted, 51), 30);
    assert.equal(percentile(sorted, 99), 40);
    assert.equal(percentile([7], 1), 7);
    assert.equal(percentile([7], 100), 7);
  });

  test('no samples, or a percentile outside (0, 100], is an error naming the input', () => {
    assert.throws(() => percentile([], 50), (err: unknown) => err instanceof InvalidSampleError && err.field === 'samples');
    assert.throws(() => percentile([1, 2], 0), (err: unknown) => err instanceof InvalidSampleError && err.field === 'p');
    assert.throws(() => percentile([1, 2], 101), (err: unknown) => err instanceof InvalidSampleError && err.field === 'p');
    assert.throws(() => percentile([1, 2], Number.NaN), (err: unknown) => err instanceof InvalidSampleError && err.field === 'p');
    assert.throws(() => summarize([], 1), (err: unknown) => err instanceof InvalidSampleError && err.field === 'samples');
    assert.throws(() => summarize([1], 0), (err: unknown) => err instanceof InvalidSampleError && err.field === 'wallNs');
  });

  test('the summary sorts unsorted nanosecond samples into milliseconds and leaves the input as it was', () => {
    const samples = Float64Array.from([5e6, 1e6, 3e6, 2e6, 4e6]);
    const summary = summarize(samples, 2e9);
    assert.deepEqual(summary, { n: 5, minMs: 1, p50Ms: 3, p95Ms: 5, p99Ms: 5, maxMs: 5, meanMs: 3, throughputPerSec: 2.5 });
    assert.deepEqual([...samples], [5e6, 1e6, 3e6, 2e6, 4e6]);
  });

  test('throughput counts operations per second of wall time, not per summed latency', () => {
    const concurrent = summarize(Array.from({ length: 10 }, () => 100e6), 0.25e9);
    assert.equal(concurrent.meanMs, 100);
    assert.equal(concurrent.throughputPerSec, 40);
  });
});
