/**
 * Payload keys: 32-byte AES keys, each with an id, read from a key file or the environment — never from history.
 * The last key listed is the newest and seals new payloads; every listed key opens payloads sealed under it.
 *
 * Key file (JSON): `{ "keys": [{ "id": "k-2026-11-25", "key": "<base64 of 32 random bytes>" }, …] }`.
 * Environment: `OPENCLAW_TEMPORAL_PAYLOAD_KEYS="id1=<base64>,id2=<base64>"` (newest last) instead of a file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PayloadKeyError } from './encryption-codec.ts';

/** One key: its id (travels in payload metadata) and its secret (never leaves this process). */
export interface PayloadKey {
  readonly id: string;
  readonly secret: Buffer;
}

const KEY_BYTES = 32;
const ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** The configured keys, or the reason there are none (then sealing fails closed with that reason). */
export class PayloadKeyRing {
  readonly #byId: ReadonlyMap<string, PayloadKey>;

  constructor(
    readonly keys: readonly PayloadKey[],
    /** Where the keys come from, for error messages (a file path or an environment variable). */
    readonly source: string,
    private readonly missingReason: string | null = null,
  ) {
    this.#byId = new Map(keys.map((k) => [k.id, k]));
  }

  /** The key that seals new payloads; throws {@link PayloadKeyError} when none is configured. */
  newest(): PayloadKey {
    const key = this.keys.at(-1);
    if (key === undefined) throw new PayloadKeyError(null, `no payload key to encrypt with: ${this.missingReason ?? `${this.source} lists no key`}`);
    return key;
  }

  /** The key of `id`; throws {@link PayloadKeyError} naming the id when it is not configured. */
  find(id: string): PayloadKey {
    const key = this.#byId.get(id);
    if (key === undefined) throw new PayloadKeyError(id, `payload key "${id}" is not configured (keys from ${this.source}: ${this.keys.map((k) => k.id).join(', ') || 'none'}); add it back to read payloads written under it`);
    return key;
  }
}

function parseKey(id: unknown, encoded: unknown, source: string): PayloadKey {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new PayloadKeyError(null, `${source}: a key id must match ${ID_PATTERN.source}, got ${JSON.stringify(id)}`);
  const secret = typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (secret.length !== KEY_BYTES) throw new PayloadKeyError(id, `${source}: key "${id}" must be ${KEY_BYTES} bytes in base64`);
  return { id, secret };
}

function unique(keys: PayloadKey[], source: string): PayloadKey[] {
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.id)) throw new PayloadKeyError(k.id, `${source}: key id "${k.id}" is listed twice`);
    seen.add(k.id);
  }
  return keys;
}

/** Reads a key file; a missing file gives an empty ring that fails closed, a malformed one throws. */
export function readKeyFile(path: string): PayloadKeyRing {
  if (!existsSync(path)) return new PayloadKeyRing([], path, `the key file ${path} does not exist (npm start creates one and prints it; give the plugins its path as payloadKeyFile, or set OPENCLAW_TEMPORAL_KEY_FILE)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PayloadKeyError(null, `the key file ${path} is not JSON: ${(err as Error).message}`);
  }
  const list = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0) throw new PayloadKeyError(null, `the key file ${path} must hold {"keys": [{"id", "key"}, …]} with at least one key`);
  return new PayloadKeyRing(unique(list.map((entry: { id?: unknown; key?: unknown }) => parseKey(entry?.id, entry?.key, path)), path), path);
}

/** Parses `id=<base64>,id=<base64>` (newest last). */
export function parseKeyList(value: string, source: string): PayloadKeyRing {
  const keys = value.split(',').filter((part) => part.trim() !== '').map((part) => {
    const at = part.indexOf('=');
    return parseKey(part.slice(0, at).trim(), part.slice(at + 1).trim(), source);
  });
  if (keys.length === 0) throw new PayloadKeyError(null, `${source} lists no key`);
  return new PayloadKeyRing(unique(keys, source), source);
}

/** A new random key entry with a dated id. */
export function newKeyEntry(now = new Date()): { id: string; key: string } {
  return { id: `k-${now.toISOString().slice(0, 19).replace(/[:T]/g, '-')}`, key: randomBytes(KEY_BYTES).toString('base64') };
}

/** Creates `path` with one fresh key (owner-only permissions) unless it exists; returns whether it created it. */
export function ensureKeyFile(path: string): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ keys: [newKeyEntry()] }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return true;
}

/**
 * Rotation: appends a fresh key to `path` (creating the file), so it becomes the newest and seals new payloads
 * while the older keys keep opening old histories. Returns the new key's id.
 */
export function addKeyToFile(path: string, now = new Date()): string {
  if (ensureKeyFile(path)) return readKeyFile(path).newest().id;
  const existing = readKeyFile(path).keys.map((k) => ({ id: k.id, key: k.secret.toString('base64') }));
  let entry = newKeyEntry(now);
  if (existing.some((k) => k.id === entry.id)) entry = { ...entry, id: `${entry.id}-${existing.length + 1}` };
  writeFileSync(path, `${JSON.stringify({ keys: [...existing, entry] }, null, 2)}\n`, { mode: 0o600 });
  return entry.id;
}
