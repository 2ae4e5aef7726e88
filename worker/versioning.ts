/**
 * Worker Versioning (Worker Deployments): a worker polls as one version of the deployment
 * `openclaw-temporal`, its build id made of the package version and the git commit (`0.1.0+1e9fb19`).
 * Workflows are PINNED: a running workflow keeps running on the build that started it, new ones start on the
 * deployment's current version. Opt in with `OPENCLAW_TEMPORAL_WORKER_VERSIONING=on` (then the deployment's
 * current version must be set — `temporal worker deployment set-current-version` — before new workflows run);
 * `OPENCLAW_TEMPORAL_BUILD_ID` overrides the build id (an image without `.git`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { WorkerDeploymentOptions } from '@temporalio/worker';

/** The deployment every worker of this project belongs to. */
export const DEPLOYMENT_NAME = 'openclaw-temporal';

/** `<package version>+<short git SHA>` of the checkout at `repo`; throws when git cannot name the commit. */
export function defaultBuildId(repo: string): string {
  const { version } = JSON.parse(readFileSync(`${repo}/package.json`, 'utf8')) as { version: string };
  const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  return `${version}+${sha}`;
}

/** The deployment options the worker configuration asks for, or null (unversioned). `repo`: the checkout, for the git SHA. */
export function configuredDeployment(config: { readonly workerVersioning: boolean; readonly buildId: string | null }, repo: string): WorkerDeploymentOptions | null {
  if (!config.workerVersioning) return null;
  return pinnedDeployment(config.buildId ?? defaultBuildId(repo));
}

/** The deployment options of a worker polling as `buildId`, its workflows pinned to it. */
export function pinnedDeployment(buildId: string, deploymentName: string = DEPLOYMENT_NAME): WorkerDeploymentOptions {
  return { version: { deploymentName, buildId }, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' };
}
