/**
 * The worker's payload encryption: the keys its configuration names, loaded once at startup. A worker without a
 * key refuses to start (it could neither write nor read encrypted payloads); `npm start` creates a local key
 * first, so a fresh machine is encrypted from its first workflow.
 */
import type { DataConverter } from '@temporalio/common';
import { dataConverterFor, loadKeyRing, type KeySource } from '../plugin-bridge/shared/codec/data-converter.ts';
import { ensureKeyFile } from '../plugin-bridge/shared/codec/keys.ts';

export interface WorkerPayloadKeys {
  readonly dataConverter: DataConverter;
  /** The key file, when the keys come from one (printed by `npm start` for the plugin configs). */
  readonly keyFile: string | null;
  /** Whether this call created the key file. */
  readonly created: boolean;
}

/** Loads the keys of `source`; with `create`, writes a fresh key file first when it is missing. Throws without a key. */
export function workerPayloadKeys(source: KeySource, options: { create: boolean }): WorkerPayloadKeys {
  const keyFile = source.kind === 'file' ? source.path : null;
  const created = keyFile !== null && options.create && ensureKeyFile(keyFile);
  const ring = loadKeyRing(source);
  // Fails now, at startup, with the reason (e.g. "the key file … does not exist") rather than on the first payload.
  ring?.newest();
  return { dataConverter: dataConverterFor(ring), keyFile, created };
}
