/**
 * `npm run payload-key [-- <key file>]`: creates the payload key file, or adds a new newest key to it (rotation).
 * Without an argument it uses the file the worker would read (OPENCLAW_TEMPORAL_KEY_FILE, else
 * `<OPENCLAW_TEMPORAL_DATA_DIR or .data>/payload-keys.json`). Restart the worker and the gateway afterwards; keep
 * the old keys in the file for as long as histories written under them may be read.
 */
import { keySource } from '../plugin-bridge/shared/codec/data-converter.ts';
import { addKeyToFile, readKeyFile } from '../plugin-bridge/shared/codec/keys.ts';

const source = process.argv[2] !== undefined ? { kind: 'file' as const, path: process.argv[2] } : keySource();
if (source.kind !== 'file') {
  process.stderr.write(source.kind === 'off' ? 'OPENCLAW_TEMPORAL_CODEC=off: no keys in use\n' : 'the keys come from OPENCLAW_TEMPORAL_PAYLOAD_KEYS: add one there (id=<base64 of 32 random bytes>, newest last)\n');
  process.exit(1);
}
const id = addKeyToFile(source.path);
const ids = readKeyFile(source.path).keys.map((k) => k.id);
process.stdout.write(`${source.path}: new key "${id}" encrypts from the next start; all keys decode: ${ids.join(', ')}\n`);
