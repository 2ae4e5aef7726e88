/**
 * `openclaw-temporal replay`: the pre-deploy check. The histories the server holds were written by the code that
 * runs today; replaying them against the code about to be deployed shows whether that code would take a
 * different path through a live workflow (non-determinism) before any worker runs it.
 */
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../worker/workers.ts';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { replayPassed, shortReason, type ReplaySummary } from '../../worker/replay.ts';
import { compileOwnTypeScript } from '../../worker/bundle-installed.ts';

export { replayHistories, replayPassed, shortReason, type ReplayOutcome, type ReplaySummary, type ReplayVerdict } from '../../worker/replay.ts';

/** The repository's own workflows: what `npm run worker` would run from this checkout. */
export const CURRENT_WORKFLOWS = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

const bundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => void process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => void process.stderr.write(`[bundler] ${message}\n`),
};

/** Bundles the workflows at `workflowsPath` (an index module) with the SDK's bundler, as the worker does. */
export function bundleFrom(workflowsPath: string = CURRENT_WORKFLOWS): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES], failureConverterPath: FAILURE_CONVERTER_PATH, logger: bundlerLogger, webpackConfigHook: compileOwnTypeScript });
}

/** The summary as the terminal shows it: one line, then one line per problem. */
export function formatReplay(summary: ReplaySummary, where: string): string {
  const { counts } = summary;
  if (summary.outcomes.length === 0) return `nothing to replay: no open or recent workflows on ${where}\n`;
  const lines = [
    `replayed ${summary.outcomes.length} histories from ${where}: ${counts.ok} ok, ${counts['non-deterministic']} non-deterministic, ${counts.failed} failed`,
  ];
  for (const o of summary.outcomes.filter((x) => x.verdict !== 'ok')) {
    lines.push(`  ✗ ${o.verdict}: ${o.workflowId} (run ${o.runId}): ${shortReason(o.message)}`);
  }
  lines.push(replayPassed(summary) ? 'PASS: the code replays every history' : 'FAIL: deploying this code would break the workflows above (put the change behind patched())');
  return `${lines.join('\n')}\n`;
}
