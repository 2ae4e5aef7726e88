/**
 * OpenTelemetry tracing, opt-in through the standard OpenTelemetry environment variables: on when
 * `OTEL_TRACES_EXPORTER=otlp` or an OTLP endpoint (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`) is set, off otherwise (and with `OTEL_SDK_DISABLED=true` or any other
 * `OTEL_TRACES_EXPORTER`: `none`, or an exporter this build does not ship). Spans go to the endpoint as OTLP/HTTP JSON (port 4318 of a collector, Jaeger or
 * Tempo). When off nothing is created: no provider, no exporter, no interceptor.
 *
 * The gateway side uses {@link OpenTelemetryWorkflowClientInterceptor} on the bridge's client; the worker side
 * adds the workflow and activity interceptors (worker/tracing.ts). The tracer provider is our own and is not
 * registered globally (the gateway may have its own); the context manager and the W3C propagator are installed
 * only where none is registered yet, since the SDK's interceptors use the global ones.
 */
import * as otel from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import type { WorkflowClientInterceptor } from '@temporalio/client';

/** What the environment asks for: where spans go and the service they are reported as. */
export interface TracingSettings {
  /** The full OTLP/HTTP traces URL (`…/v1/traces`). */
  readonly url: string;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

/** A started tracer: the processor and resource the worker's sinks need, and `shutdown()` to flush. */
export interface Tracing {
  readonly tracer: otel.Tracer;
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  shutdown(): Promise<void>;
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';

/** Reads the standard variables; null when tracing is off. `defaultServiceName` applies without `OTEL_SERVICE_NAME`. */
export function tracingSettings(env: NodeJS.ProcessEnv, defaultServiceName: string): TracingSettings | null {
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  // Only `otlp` exports here; `none` and exporters this build does not ship (console, zipkin, …) leave tracing off.
  if (exporter !== undefined && exporter !== '' && exporter !== 'otlp') return null;
  if (exporter !== 'otlp' && !tracesEndpoint && !endpoint) return null;
  const url = tracesEndpoint || `${(endpoint || DEFAULT_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || defaultServiceName;
  return { url, serviceName, resourceAttributes: parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES ?? '') };
}

/** `OTEL_RESOURCE_ATTRIBUTES`: `key=value,key=value`, values percent-encoded. */
function parseResourceAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    attributes[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return attributes;
}

/** Starts a tracer exporting to `settings.url` in batches. */
export function startTracing(settings: TracingSettings): Tracing {
  const resource = Resource.default().merge(new Resource({ ...settings.resourceAttributes, 'service.name': settings.serviceName }));
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.url, timeoutMillis: 2000 }), { scheduledDelayMillis: 1000, exportTimeoutMillis: 2000 });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Both return false (and change nothing) when the process has registered its own already.
  otel.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  otel.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return { tracer: provider.getTracer('openclaw-temporal'), spanProcessor, resource, shutdown: () => provider.shutdown() };
}

/** {@link startTracing} when the environment turns tracing on, else null. */
export function tracingFromEnv(env: NodeJS.ProcessEnv, defaultServiceName: string): Tracing | null {
  const settings = tracingSettings(env, defaultServiceName);
  return settings === null ? null : startTracing(settings);
}

/** The client interceptors of a traced Temporal client (none when tracing is off). */
export function tracingClientInterceptors(tracing: Tracing | null): WorkflowClientInterceptor[] {
  return tracing === null ? [] : [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })];
}
