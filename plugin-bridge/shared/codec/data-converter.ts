/**
 * One place that decides how every client and worker of the project encodes payloads. Encryption is on unless
 * `OPENCLAW_TEMPORAL_CODEC=off`; the keys come from, in order: an explicit key file (a plugin's `payloadKeyFile`),
 * `OPENCLAW_TEMPORAL_PAYLOAD_KEYS`, `OPENCLAW_TEMPORAL_KEY_FILE`, `<OPENCLAW_TEMPORAL_DATA_DIR>/payload-keys.json`,
 * else `.data/payload-keys.json` in this repository (where `npm start` creates one).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, PayloadKeyError } from './encryption-codec.ts';
import { PayloadKeyRing, parseKeyList, readKeyFile } from './keys.ts';
// Imported for its file, not its value: loaders that copy a plugin's modules elsewhere before running them (OpenClaw's)
// copy what is imported, and the SDK requires the converter by the path below, next to this module.
import './failure-converter.cjs';

/** The key file's name inside a data directory. */
export const KEY_FILE_NAME = 'payload-keys.json';

const REPO_DATA_DIR = fileURLToPath(new URL('../../../.data', import.meta.url));

/**
 * The failure converter every client, worker and workflow bundle uses: messages and stack traces travel as an
 * encoded payload (the codec encrypts it), not as plain-text fields of the failure. Always set, codec on or off,
 * so the workflow bundle (built once) and the workers agree.
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

export interface CodecSettings {
  /** A key file named by configuration (wins over the environment); relative paths resolve against the cwd. */
  readonly keyFile?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Where the keys come from, or that the codec is explicitly off. */
export type KeySource = { readonly kind: 'off' } | { readonly kind: 'file'; readonly path: string } | { readonly kind: 'env'; readonly variable: string };

/** Resolves {@link CodecSettings} to a key source; throws {@link PayloadKeyError} on a bad `OPENCLAW_TEMPORAL_CODEC`. */
export function keySource(settings: CodecSettings = {}): KeySource {
  const env = settings.env ?? process.env;
  const mode = env.OPENCLAW_TEMPORAL_CODEC ?? 'on';
  if (mode === 'off') return { kind: 'off' };
  if (mode !== 'on' && mode !== '') throw new PayloadKeyError(null, `OPENCLAW_TEMPORAL_CODEC must be "on" or "off", got "${mode}"`);
  if (settings.keyFile !== undefined) return { kind: 'file', path: resolve(settings.keyFile) };
  if (env.OPENCLAW_TEMPORAL_PAYLOAD_KEYS) return { kind: 'env', variable: 'OPENCLAW_TEMPORAL_PAYLOAD_KEYS' };
  if (env.OPENCLAW_TEMPORAL_KEY_FILE) return { kind: 'file', path: resolve(env.OPENCLAW_TEMPORAL_KEY_FILE) };
  return { kind: 'file', path: resolve(env.OPENCLAW_TEMPORAL_DATA_DIR || REPO_DATA_DIR, KEY_FILE_NAME) };
}

/** Loads the key ring of a source (null when off). A missing key file gives a ring that fails closed on encode. */
export function loadKeyRing(source: KeySource, env: NodeJS.ProcessEnv = process.env): PayloadKeyRing | null {
  if (source.kind === 'off') return null;
  if (source.kind === 'env') return parseKeyList(env[source.variable] ?? '', source.variable);
  return readKeyFile(source.path);
}

/** The data converter for a client or worker: the encryption codec (no codec when explicitly off), failure attributes encoded. */
export function payloadDataConverter(settings: CodecSettings = {}): DataConverter {
  return dataConverterFor(loadKeyRing(keySource(settings), settings.env ?? process.env));
}

/** A data converter over an already loaded ring (tests, the codec server). */
export function dataConverterFor(ring: PayloadKeyRing | null): DataConverter {
  const failureConverterPath = FAILURE_CONVERTER_PATH;
  return ring === null ? { failureConverterPath } : { failureConverterPath, payloadCodecs: [new EncryptionCodec(ring)] };
}

/**
 * For replays, which write nothing to a server: the same codecs, but failures in plain text, so a replay's error
 * (a missing key, a non-determinism) reads as itself instead of "Encoded failure".
 */
export function replayDataConverter(converter: DataConverter): DataConverter {
  return converter.payloadCodecs === undefined ? {} : { payloadCodecs: converter.payloadCodecs };
}

/**
 * {@link payloadDataConverter} for code inside the gateway, which must not throw: a bad key configuration gives
 * a converter that fails every encode (and every encrypted decode) with the configuration error, never plain text.
 */
export function bridgeDataConverter(settings: CodecSettings = {}): DataConverter {
  try {
    return payloadDataConverter(settings);
  } catch (err) {
    return dataConverterFor(new PayloadKeyRing([], 'the payload key configuration', err instanceof Error ? err.message : String(err)));
  }
}
