/**
 * The bridge's tracing without loading OpenTelemetry when it is off: the client is built synchronously at a
 * plugin's start, so it gets an interceptor that waits for tracing.ts (its own chunk in the packed plugin, imported
 * only when tracing is on) and hands every call to the SDK's client interceptor.
 */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { inSpan, Tracing } from './tracing.ts';
import { tracingSettings } from './tracing-settings.ts';

interface Loaded {
  readonly interceptor: WorkflowClientInterceptor;
  readonly tracing: Tracing;
  readonly inSpan: typeof inSpan;
  /** A tracer started here from the environment (flushed by `shutdown()`); null when the caller gave one. */
  readonly owned: Tracing | null;
}

/** The client interceptors and the flush of one bridge's tracing. */
export interface BridgeTracing {
  readonly interceptors: WorkflowClientInterceptor[];
  /** Runs `fn` in an active span `name` with `attributes`; with tracing off, just `fn()`. */
  inSpan<T>(name: string, attributes: Readonly<Record<string, string>>, fn: () => Promise<T>): Promise<T>;
  shutdown(): Promise<void>;
}

/** `given`: a started tracer, or null for none; undefined: from the `OTEL_*` variables of `env`. */
export function bridgeTracing(given: Tracing | null | undefined, env: NodeJS.ProcessEnv): BridgeTracing {
  const settings = given === undefined ? tracingSettings(env, 'openclaw-gateway') : null;
  if (given === null || (given === undefined && settings === null)) return { interceptors: [], inSpan: (_name, _attributes, fn) => fn(), shutdown: () => Promise.resolve() };
  const loaded: Promise<Loaded> = import('./tracing.ts').then((m) => {
    const tracing = given ?? (settings === null ? null : m.startTracing(settings));
    if (tracing === null) throw new Error('tracing is neither given nor configured');
    return { interceptor: new m.OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer }), tracing, inSpan: m.inSpan, owned: given === undefined ? tracing : null };
  });
  return {
    interceptors: [deferred(loaded.then((l) => l.interceptor))],
    async inSpan(name, attributes, fn) {
      const l = await loaded;
      return l.inSpan(l.tracing.tracer, name, attributes, fn);
    },
    async shutdown() {
      await (await loaded).owned?.shutdown();
    },
  };
}

/** An interceptor that forwards each call to `loaded` once it is there (a call without it goes straight on). */
function deferred(loaded: Promise<WorkflowClientInterceptor>): WorkflowClientInterceptor {
  return {
    start: async (input, next) => ((i) => (i.start ? i.start(input, next) : next(input)))(await loaded),
    startWithDetails: async (input, next) => ((i) => (i.startWithDetails ? i.startWithDetails(input, next) : next(input)))(await loaded),
    signal: async (input, next) => ((i) => (i.signal ? i.signal(input, next) : next(input)))(await loaded),
    signalWithStart: async (input, next) => ((i) => (i.signalWithStart ? i.signalWithStart(input, next) : next(input)))(await loaded),
    startUpdate: async (input, next) => ((i) => (i.startUpdate ? i.startUpdate(input, next) : next(input)))(await loaded),
    startUpdateWithStart: async (input, next) => ((i) => (i.startUpdateWithStart ? i.startUpdateWithStart(input, next) : next(input)))(await loaded),
    query: async (input, next) => ((i) => (i.query ? i.query(input, next) : next(input)))(await loaded),
    terminate: async (input, next) => ((i) => (i.terminate ? i.terminate(input, next) : next(input)))(await loaded),
    cancel: async (input, next) => ((i) => (i.cancel ? i.cancel(input, next) : next(input)))(await loaded),
    describe: async (input, next) => ((i) => (i.describe ? i.describe(input, next) : next(input)))(await loaded),
  };
}
