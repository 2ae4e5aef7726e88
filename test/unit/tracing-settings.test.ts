// Tracing is configured the way an OpenTelemetry user expects (the standard OTEL_* variables) and is off — with
// no interceptor on the bridge's client — when nothing is set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bridgeTracing } from '../../plugin-bridge/shared/deferred-tracing.ts';
import { tracingSettings } from '../../plugin-bridge/shared/tracing-settings.ts';

test('off when nothing is set, with OTEL_SDK_DISABLED, and with an exporter other than otlp', () => {
  assert.equal(tracingSettings({}, 'svc'), null);
  assert.equal(tracingSettings({ OTEL_SERVICE_NAME: 'only-a-name' }, 'svc'), null);
  assert.equal(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }, 'svc'), null);
  assert.equal(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }, 'svc'), null);
  assert.equal(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'console' }, 'svc'), null);
});

test('an endpoint turns it on: the traces path is appended; the traces endpoint is taken as is', () => {
  assert.deepEqual(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'svc'), { url: 'http://collector:4318/v1/traces', serviceName: 'svc', resourceAttributes: {} });
  const both = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces' }, 'svc');
  assert.equal(both?.url, 'http://tempo:4318/v1/traces');
  assert.equal(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' }, 'svc')?.url, 'http://localhost:4318/v1/traces');
});

test('OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', () => {
  const settings = tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'gw-1', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod, team=a%2Cb' }, 'svc');
  assert.equal(settings?.serviceName, 'gw-1');
  assert.deepEqual(settings?.resourceAttributes, { 'deployment.environment': 'prod', team: 'a,b' });
});

test("the bridge's client gets no interceptor when tracing is off, one when it is on", async () => {
  assert.deepEqual(bridgeTracing(undefined, {}).interceptors, []);
  assert.deepEqual(bridgeTracing(null, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }).interceptors, []);
  // Port 9 refuses: the collector is down.
  const on = bridgeTracing(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
  assert.equal(on.interceptors.length, 1);
  const [interceptor] = on.interceptors;
  let headers: string[] = [];
  await interceptor?.signal?.({ signalName: 's', workflowExecution: { workflowId: 'w' }, headers: {}, args: [] }, async (input) => {
    headers = Object.keys(input.headers);
  });
  assert.deepEqual(headers, ['_tracer-data'], 'the call went on with the trace context in its headers');
  // Flushing that span fails; stopping the bridge must not fail for it.
  await on.shutdown();
});
