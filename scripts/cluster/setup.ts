/**
 * The cluster's one-shot setup steps, run natively with the very scripts docker-compose.yml runs in
 * temporalio/admin-tools: deploy/temporal/setup-postgres.sh (create and migrate `temporal` and
 * `temporal_visibility` with temporal-sql-tool) and deploy/temporal/create-namespace.sh (namespace + our search
 * attributes with the temporal CLI). Only the tools' locations differ: our cache instead of the image's PATH.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/shared/search-attributes.ts';
import { logChildOutput } from '../../worker/child-log.ts';
import { ClusterError } from './child.ts';
import type { PostgresAddress } from './postgres.ts';

const DEPLOY = fileURLToPath(new URL('../../deploy/temporal/', import.meta.url));

/** The scripts docker-compose.yml's one-shots run, which the native cluster runs too. */
export const SETUP_SCRIPTS = { schema: join(DEPLOY, 'setup-postgres.sh'), namespace: join(DEPLOY, 'create-namespace.sh') } as const;

/** How long closed workflows are kept (create-namespace.sh's NAMESPACE_RETENTION; docker-compose.yml sets the same). */
export const NAMESPACE_RETENTION = '7d';

/** `Name=Type …` of every search attribute the workflows set (create-namespace.sh's OPENCLAW_SEARCH_ATTRIBUTES). */
export function searchAttributeList(): string {
  return ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${key.type === 'KEYWORD' ? 'Keyword' : key.type}`).join(' ');
}

function runScript(script: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const logged = logChildOutput(child, logFile);
    child.once('error', (err) => reject(new ClusterError(`${script} could not start: ${err.message}`, logFile)));
    child.once('close', (code) => {
      // A failure names the log: let it be complete first.
      void logged.then(() => (code === 0 ? resolve() : reject(new ClusterError(`${script} failed (exit ${code})`, logFile))));
    });
  });
}

/** Creates and migrates both databases (idempotent: a second run changes nothing). */
export function setupSchema(pg: PostgresAddress, tools: { dir: string; schema: string }, logFile: string): Promise<void> {
  return runScript(
    SETUP_SCRIPTS.schema,
    {
      PATH: `${tools.dir}:${process.env.PATH ?? ''}`,
      POSTGRES_SEEDS: pg.host,
      DB_PORT: String(pg.port),
      POSTGRES_USER: pg.user,
      POSTGRES_PWD: pg.password,
      TEMPORAL_SCHEMA_DIR: join(tools.schema, 'postgresql', 'v12'),
    },
    logFile,
  );
}

/** Creates `namespace` and registers our search attributes (idempotent), with the temporal CLI at `cliPath`. */
export function createNamespace(address: string, namespace: string, cliPath: string, logFile: string): Promise<void> {
  return runScript(
    SETUP_SCRIPTS.namespace,
    {
      PATH: `${dirname(cliPath)}:${process.env.PATH ?? ''}`,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      NAMESPACE_RETENTION,
      OPENCLAW_SEARCH_ATTRIBUTES: searchAttributeList(),
    },
    logFile,
  );
}
