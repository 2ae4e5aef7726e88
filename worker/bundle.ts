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

/**
 * The bundled workflow code; bundle once per process and share it between workers. With `tracing` the SDK's
 * OpenTelemetry workflow interceptors are bundled too (a worker with tracing on needs this bundle).
 */
export function bundleWorkflows(options: { readonly tracing?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    workflowInterceptorModules: options.tracing === true ? [...WORKFLOW_INTERCEPTOR_MODULES, TRACING_WORKFLOW_INTERCEPTOR_MODULE] : [...WORKFLOW_INTERCEPTOR_MODULES],
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
