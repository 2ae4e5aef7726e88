/**
 * Whether OpenTelemetry tracing is on, from the standard variables: on when `OTEL_TRACES_EXPORTER=otlp` or an OTLP
 * endpoint (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT`) is set; off otherwise, with
 * `OTEL_SDK_DISABLED=true`, and with any other `OTEL_TRACES_EXPORTER` (`none`, or one this build does not ship).
 * No OpenTelemetry import here: the bridge reads this at start and loads tracing.ts only when tracing is on.
 */

/** What the environment asks for: where spans go and the service they are reported as. */
export interface TracingSettings {
  /** The full OTLP/HTTP traces URL (`…/v1/traces`). */
  readonly url: string;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
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

/** `OTEL_RESOURCE_ATTRIBUTES`: `key=value,key=value`, values percent-encoded (`%2C`). */
function parseResourceAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    attributes[pair.slice(0, at).trim()] = pair.slice(at + 1).trim().replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return attributes;
}
