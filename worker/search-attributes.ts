/**
 * Registers our search attributes on an existing Temporal service (the dev server gets them as start flags).
 * Clusters often restrict the operator API; a refusal is reported with the exact `temporal` command to run.
 */
import proto from '@temporalio/proto';
import type { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/shared/search-attributes.ts';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { temporal } = proto;
const { IndexedValueType } = temporal.api.enums.v1;

/** Adds every missing attribute; returns the names added. Throws with the manual command when the service refuses. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  const searchAttributes: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of missing) searchAttributes[key.name] = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    const command = missing.map((k) => `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type Keyword`).join('\n  ');
    throw new Error(`could not register search attributes (${(err as Error).message}); run:\n  ${command}`);
  }
  return missing.map((k) => k.name);
}
