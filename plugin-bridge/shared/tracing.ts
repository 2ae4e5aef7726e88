/**
 * OpenTelemetry tracing, opt-in through the standard OpenTelemetry environment variables (tracing-settings.ts:
 * on with `OTEL_TRACES_EXPORTER=otlp` or an OTLP endpoint, off otherwise). Spans go to the endpoint as OTLP/HTTP
 * JSON (port 4318 of a collector, Jaeger or Tempo). When off nothing here is loaded or created.
 *
 * The gateway side puts {@link OpenTelemetryWorkflowClientInterceptor} on the bridge's client (this module is
 * imported on demand there, deferred-tracing.ts); the worker side adds the workflow and activity interceptors
 * (worker/tracing.ts). The tracer provider is our own and is not registered globally (the gateway may have its
 * own); the context manager and the W3C propagator are installed only where none is registered yet, since the
 * SDK's interceptors use the global ones.
 */
import * as otel from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { globalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import type { TracingSettings } from './tracing-settings.ts';

export { tracingSettings, type TracingSettings } from './tracing-settings.ts';
export { OpenTelemetryWorkflowClientInterceptor };

/**
 * A started tracer: the processor and resource the worker's sinks need, and `shutdown()` to flush. An export that
 * fails (the collector is down) never rejects: it goes to OpenTelemetry's error handler, like the failed exports
 * of the batch processor, so stopping a plugin or the worker does not fail for it.
 */
export interface Tracing {
  readonly tracer: otel.Tracer;
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  shutdown(): Promise<void>;
}

/**
 * Runs `fn` inside an active span `name` with `attributes` (so the spans `fn` starts are its children); the span
 * ends when `fn` settles, with an error status when it rejects.
 */
export async function inSpan<T>(tracer: otel.Tracer, name: string, attributes: Readonly<Record<string, string>>, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind: otel.SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: otel.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Starts a tracer exporting to `settings.url` in batches. */
export function startTracing(settings: TracingSettings): Tracing {
  const resource = Resource.default().merge(new Resource({ ...settings.resourceAttributes, 'service.name': settings.serviceName }));
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.url, timeoutMillis: 2000 }), { scheduledDelayMillis: 1000, exportTimeoutMillis: 2000 });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Both return false (and change nothing) when the process has registered its own already.
  otel.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  otel.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return { tracer: provider.getTracer('openclaw-temporal'), spanProcessor, resource, shutdown: () => provider.shutdown().catch(globalErrorHandler) };
}
