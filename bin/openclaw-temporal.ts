/**
 * `npx openclaw-temporal <command>` / `npm run ops -- <command>`: the deployable worker (`worker`), the operator's
 * view of the durable state and the pre-deploy replay check (scripts/ops/). Exit codes: 0 done, 1 the check failed or Temporal was unreachable,
 * 2 a command line it does not understand.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { OpsUsageError, parseOpsArgs, USAGE, type OpsCommand } from '../scripts/ops/args.ts';
import { connectOps } from '../scripts/ops/connect.ts';
import { formatReplays, replayDeadLetters, replaysDone } from '../scripts/ops/dead-letters.ts';
import { downloadHistories, exportHistories } from '../scripts/ops/histories.ts';
import { bundleFrom, formatReplay, replayHistories, replayPassed } from '../scripts/ops/replay.ts';
import { collectStatus, formatStatus, statusJson } from '../scripts/ops/status.ts';
import { collectBudgets, formatBudgets } from '../scripts/ops/budgets.ts';

const out = (text: string) => process.stdout.write(text);
/** The gateway's state dir, as OpenClaw resolves it: OPENCLAW_STATE_DIR, else ~/.openclaw. */
const gatewayStateDir = (env: NodeJS.ProcessEnv) => env.OPENCLAW_STATE_DIR?.trim() || join(homedir(), '.openclaw');
/** The gateway hosts whose queues `status` describes: `--gateway`, and this host's `OPENCLAW_TEMPORAL_GATEWAY_ID`. */
const statusGateways = (named: readonly string[], env: NodeJS.ProcessEnv) => [...new Set([...named, ...(env.OPENCLAW_TEMPORAL_GATEWAY_ID?.trim() ? [env.OPENCLAW_TEMPORAL_GATEWAY_ID.trim()] : [])])];

async function run(command: OpsCommand): Promise<number> {
  if (command.command === 'help') {
    out(USAGE);
    return 0;
  }
  // The SDK core logs every failed replay task at WARN; forward its logs to a quiet logger instead of stdout.
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  const ops = await connectOps();
  const where = `${ops.address} (namespace ${ops.namespace})`;
  try {
    if (command.command === 'status') {
      const now = Date.now();
      const report = await collectStatus(ops.client, now, gatewayStateDir(process.env), statusGateways(command.gateways, process.env));
      out(command.json ? statusJson(report, { address: ops.address, namespace: ops.namespace }, now) : formatStatus(report, where));
      if (!command.json) out(`\n${formatBudgets(await collectBudgets(ops.client))}`);
      return 0;
    }
    if (command.command === 'replay-dead-letters') {
      const replays = await replayDeadLetters(ops.client, command.workflowId);
      out(formatReplays(replays, where));
      return replaysDone(replays) ? 0 : 1;
    }
    const histories = await downloadHistories(ops.client, command, Date.now());
    if (command.command === 'export') {
      const files = await exportHistories(histories, command.dir);
      out(`exported ${files.length} histories from ${where} to ${command.dir}\n`);
      return 0;
    }
    const bundle = await bundleFrom(command.workflowsPath ?? undefined);
    const summary = await replayHistories(bundle, histories, ops.dataConverter);
    out(formatReplay(summary, where));
    return replayPassed(summary) ? 0 : 1;
  } finally {
    await ops.close();
  }
}

function main(): Promise<number> {
  try {
    return run(parseOpsArgs(process.argv.slice(2), process.cwd()));
  } catch (err) {
    if (!(err instanceof OpsUsageError)) throw err;
    process.stderr.write(`openclaw-temporal: ${err.message}\n\n${USAGE}`);
    return Promise.resolve(2);
  }
}

// `worker` runs the deployable worker (worker/main.ts: it exits when the worker stops); every other command is ops.
if (process.argv[2] === 'worker') {
  await import('../worker/main.ts');
} else {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`openclaw-temporal failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
