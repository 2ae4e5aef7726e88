/**
 * Replays every committed history in test/histories/ against the current workflow code: a change that would
 * break a running workflow (non-determinism) fails here. An empty folder fails too. Each history replays with the
 * worker's bundle as it is with metrics off and as it is with them on (the decision counters' interceptors): a
 * worker restarted with the other setting takes over the same runs.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { payloadDataConverter, replayDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { testBundle } from '../helpers/temporal.ts';
import { bundleWorkflows } from '../../worker/workers.ts';

const dir = fileURLToPath(new URL('../histories/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('test/histories/ holds recorded histories', () => {
  assert.ok(files.length > 0, 'no histories to replay: run `npm run record-histories`');
});

let withMetrics: Promise<WorkflowBundleWithSourceMap> | null = null;
const bundles: ReadonlyArray<readonly [string, () => Promise<WorkflowBundleWithSourceMap>]> = [
  ['', testBundle],
  [' with metrics on', () => (withMetrics ??= bundleWorkflows({ metrics: true }))],
];

for (const file of files) {
  for (const [variant, bundle] of bundles) {
    test(`replays ${file}${variant} without non-determinism`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      assert.ok((history.events?.length ?? 0) > 3, 'a real history');
      // With the payload codec: plain histories (recorded before it) pass through it, encrypted ones decode.
      await Worker.runReplayHistory({ workflowBundle: await bundle(), dataConverter: replayDataConverter(payloadDataConverter()) }, history, file.replace(/\.json$/, ''));
    });
  }
}
