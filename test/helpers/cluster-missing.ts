/**
 * Why the native Temporal cluster cannot run here (the server not built, PostgreSQL missing), or null when it can:
 * a cluster test fails with this reason first, instead of with a missing binary deep in the setup.
 */
import { accessSync, constants } from 'node:fs';
import { clusterToolPaths, findPostgresBin } from '../../scripts/cluster-tools.mjs';

export function clusterMissing(): string | null {
  const tools = clusterToolPaths();
  try {
    accessSync(tools.server, constants.X_OK);
    accessSync(tools.sqlTool, constants.X_OK);
  } catch {
    return `the Temporal server is not built (${tools.server}): run \`npm run cluster\` or \`npm run test:cluster\` once`;
  }
  if (!process.env.OPENCLAW_CLUSTER_POSTGRES && findPostgresBin() === null) return 'PostgreSQL is not installed (apt-get install -y postgresql), and OPENCLAW_CLUSTER_POSTGRES names none';
  return null;
}
