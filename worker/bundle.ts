/**
 * The bundled workflow code (`workflows/index.ts` with the project's interceptors and failure converter), built
 * once per process and shared by its workflow workers.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../plugin-bridge/shared/codec/data-converter.ts';
import { compileOwnTypeScript } from './bundle-installed.ts';
import { TRACING_WORKFLOW_INTERCEPTOR_MODULE } from './tracing.ts';

/** The workflow interceptors that count decisions for the metrics (workflows/shared/decision-metrics.ts). */
export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [fileURLToPath(new URL('../workflows/shared/decision-metrics.ts', import.meta.url))];

/** What the bundle carries besides the workflows. */
export interface BundleOptions {
  /** The SDK's OpenTelemetry workflow interceptors (a worker with tracing on needs them). @default false */
  readonly tracing?: boolean;
  /**
   * The decision counters ({@link WORKFLOW_INTERCEPTOR_MODULES}), for a worker whose Prometheus endpoint is on. Off,
   * nothing would export them, and counting costs every decision a sink call (the workflow's info copied and
   * posted to the main thread): about 0.5 ms of worker CPU per decision, measured (README, Performance). Neither
   * interceptor adds a command, so a run replays the same with or without them (test/replay/). @default false
   */
  readonly metrics?: boolean;
}

/** The bundled workflow code; bundle once per process and share it between workers. */
export function bundleWorkflows(options: BundleOptions = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    workflowInterceptorModules: [...(options.metrics === true ? WORKFLOW_INTERCEPTOR_MODULES : []), ...(options.tracing === true ? [TRACING_WORKFLOW_INTERCEPTOR_MODULE] : [])],
    // Workflow and update failures are converted inside the bundle: it needs the project's failure converter too.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quietBundlerLogger,
    webpackConfigHook: compileOwnTypeScript,
  });
}

/** The bundler logs webpack's whole module table at info; keep warnings only. */
const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => process.stderr.write(`[bundler] ${message} ${JSON.stringify(meta ?? {})}\n`),
  error: (message: string, meta?: Record<string, unknown>) => process.stderr.write(`[bundler] ${message} ${JSON.stringify(meta ?? {})}\n`),
};
