/**
 * The worker's part of OpenTelemetry tracing (plugin-bridge/shared/tracing.ts decides whether it is on): the SDK's
 * workflow interceptor module in the bundle, its activity interceptors, and the sink that carries the spans the
 * workflow sandbox ends out to our span processor. A decision sent by the bridge is then one trace: the client's
 * update or signal, the workflow's run and handler, the ledger activity it schedules.
 */
import { fileURLToPath } from 'node:url';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/worker/index.js';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions.js';
import { startTracing, tracingSettings, type Tracing } from '../plugin-bridge/shared/tracing.ts';

/** The SDK's workflow interceptors for runs started live (workflows/shared/tracing-interceptors.ts), bundled only when tracing is on. */
export const TRACING_WORKFLOW_INTERCEPTOR_MODULE: string = fileURLToPath(new URL('../workflows/shared/tracing-interceptors.ts', import.meta.url));

/** The activity interceptors of a traced worker. */
export function tracingActivityInterceptors(tracing: Tracing): Required<Pick<WorkerInterceptors, 'activity'>> {
  return {
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
  };
}

/** The sink the workflow interceptors export their spans through. */
export function tracingSinks(tracing: Tracing): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
}

/** Tracing for the worker entrypoints from the `OTEL_*` environment (service `openclaw-temporal-worker`), logged. */
export function workerTracingFromEnv(env: NodeJS.ProcessEnv, logger: { info(fields: object, message: string): void }): Tracing | null {
  const settings = tracingSettings(env, 'openclaw-temporal-worker');
  if (settings === null) return null;
  logger.info({ url: settings.url, service: settings.serviceName }, 'OpenTelemetry tracing is on');
  return startTracing(settings);
}
