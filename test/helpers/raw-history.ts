/**
 * What the Temporal server really stores: histories read by a client WITHOUT the payload codec, as bytes, and the
 * payloads inside them. The privacy tests look for personal text in these bytes.
 */
import { Client, type Connection } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;

/** A client with the SDK's default converter only: it reads what any namespace user could read. */
export function rawClient(connection: Connection, namespace = 'default'): Client {
  return new Client({ connection, namespace });
}

/** Every workflow run the namespace holds (open and closed), as the server lists them. */
export async function allRuns(client: Client): Promise<Array<{ workflowId: string; runId: string }>> {
  const runs: Array<{ workflowId: string; runId: string }> = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, pageSize: 100, nextPageToken });
    for (const e of page.executions ?? []) runs.push({ workflowId: e.execution?.workflowId ?? '', runId: e.execution?.runId ?? '' });
    nextPageToken = page.nextPageToken != null && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
  } while (nextPageToken !== undefined);
  return runs;
}

/** The serialized history of one run: the bytes the server keeps and hands to anyone with namespace access. */
export async function rawHistoryBytes(client: Client, run: { workflowId: string; runId: string }): Promise<Buffer> {
  const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
  return Buffer.from(History.encode(History.fromObject(history)).finish());
}

/** Every payload object anywhere in a history (inputs, results, signals, updates, memo, user metadata, …). */
export function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && typeof record.metadata === 'object' && record.metadata !== null) found.push(record as Payload);
  for (const child of Object.values(record)) payloadsIn(child, found);
  return found;
}

/** The text of each payload of a run's history after decoding with `codec`, one string per payload. */
export async function decodedPayloadTexts(client: Client, run: { workflowId: string; runId?: string }, codec: PayloadCodec): Promise<string[]> {
  const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
  const decoded = await codec.decode(payloadsIn(history));
  return decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
}

/** The text of every payload of a run's history after decoding with `codec` (what the Web UI shows with a codec server). */
export async function decodedTexts(client: Client, run: { workflowId: string; runId: string }, codec: PayloadCodec): Promise<string> {
  return (await decodedPayloadTexts(client, run, codec)).join('\n');
}
