/**
 * The SDK's OpenTelemetry workflow interceptors, for runs that start on a traced worker only. Bundled only when
 * tracing is on (worker/workers.ts); workflows/index.ts never imports it.
 *
 * Why not always: in histories recorded without them, the SDK's interceptors add a yield before a run's first
 * handler and each activity they schedule (their "avoids extra yields" flag is missing from such histories), which
 * moves commands: a gate started before tracing was turned on would fail on a traced worker with a
 * non-determinism error (test/replay/replay-traced.test.ts shows it). A run whose first activation is live sets
 * that flag and is traced from then on; a run the worker rebuilds from history (started elsewhere, or evicted from
 * the cache) is left untraced — tracing never adds commands, so either way replays the same.
 */
import { workflowInfo, type WorkflowInterceptors } from '@temporalio/workflow';
import { interceptors as openTelemetryInterceptors } from '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors.js';

/** The workflow interceptors: the SDK's OpenTelemetry ones when this run starts live, none when it is replayed. */
export const interceptors = (): WorkflowInterceptors => (workflowInfo().unsafe.isReplaying ? {} : openTelemetryInterceptors());
