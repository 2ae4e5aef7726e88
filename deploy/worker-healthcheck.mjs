// Health check of a worker container (docker-compose.yml, Dockerfile): healthy while a worker of this container
// polls the workflow task queue. A worker's identity starts with `<pid>@<hostname>` (then `openclaw-temporal@<version>`),
// and a container's hostname is its own, so the check ignores every other worker. Connection settings: the Temporal environment configuration.
// Plain JS (no tsx): it runs once per interval and must start fast.
import { hostname } from 'node:os';
import process from 'node:process';
import { Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

const WORKFLOW_TASK_QUEUE_TYPE = 1;
const config = loadClientConnectConfig({ profile: process.env.TEMPORAL_PROFILE });
const namespace = config.namespace ?? 'default';
const taskQueue = process.env.OPENCLAW_TEMPORAL_TASK_QUEUE || 'openclaw-temporal';

async function main() {
  const connection = await Connection.connect({ address: 'localhost:7233', ...config.connectionOptions, connectTimeout: '5 seconds' });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: WORKFLOW_TASK_QUEUE_TYPE });
    const ours = (pollers ?? []).filter((p) => (p.identity ?? '').split(' ')[0].endsWith(`@${hostname()}`));
    if (ours.length === 0) throw new Error(`no worker of ${hostname()} polls ${taskQueue} in ${namespace}`);
    process.stdout.write(`healthy: ${ours.map((p) => p.identity).join(', ')} polling ${taskQueue}\n`);
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`unhealthy: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
