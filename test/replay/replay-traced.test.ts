/**
 * Turning tracing on must not break running workflows: every committed history in test/histories/ (recorded
 * without tracing) replays against the bundle with the SDK's OpenTelemetry workflow interceptors and their sink.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { payloadDataConverter, replayDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { startTracing } from '../../plugin-bridge/shared/tracing.ts';
import { bundleWorkflows } from '../../worker/workers.ts';
import { tracingSinks } from '../../worker/tracing.ts';

const dir = fileURLToPath(new URL('../histories/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
// Nothing is exported on replay (the sink is not called then); the endpoint is never contacted.
const tracing = startTracing({ url: 'http://127.0.0.1:9/v1/traces', serviceName: 'replay', resourceAttributes: {} });
let bundle: Promise<WorkflowBundleWithSourceMap> | null = null;

after(() => tracing.shutdown());

test('test/histories/ holds recorded histories', () => {
  assert.ok(files.length > 0, 'no histories to replay');
});

for (const file of files) {
  test(`replays ${file} with tracing on`, async () => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    bundle ??= bundleWorkflows({ tracing: true });
    await Worker.runReplayHistory(
      { workflowBundle: await bundle, dataConverter: replayDataConverter(payloadDataConverter()), sinks: tracingSinks(tracing) },
      history,
      file.replace(/\.json$/, ''),
    );
  });
}
