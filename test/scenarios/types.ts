/**
 * What every recorded scenario gets and returns. `npm run record-histories` plays them against a fresh dev server
 * and the real worker, then saves the history of the run each one names.
 */
import type { Client } from '@temporalio/client';
import type { GateClient } from '../../plugin-bridge/lorene-gate/gate-client.ts';

export interface ScenarioContext {
  readonly client: Client;
  /** The dev server's address, for scenarios that open their own bridge or gateway worker. */
  readonly address: string;
  /** A temp folder for ledgers; removed after recording. */
  readonly tmpDir: string;
  readonly gate: GateClient;
  readonly dbPath: string;
}

/** The run whose history a scenario recorded: the latest run, or a given one (e.g. the first before continue-as-new). */
export interface RecordedRun {
  readonly workflowId: string;
  readonly runId?: string;
}

export interface Scenario {
  readonly name: string;
  run(ctx: ScenarioContext): Promise<RecordedRun>;
}
