/**
 * The payload codec on its own: what a sealed payload looks like on the wire, rotation, fail-closed errors
 * that name the key id, plain payloads of older histories passing through, and where the keys come from.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { FAILURE_CONVERTER_PATH, bridgeDataConverter, keySource, payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { COMPRESSION_HEADER, ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_HEADER, PayloadKeyError } from '../../plugin-bridge/shared/codec/encryption-codec.ts';
import { ensureKeyFile, parseKeyList, PayloadKeyRing, readKeyFile, type PayloadKey } from '../../plugin-bridge/shared/codec/keys.ts';
import { tempDir } from '../helpers/temporal.ts';

const SECRET = 'the family address is Lindenweg 7';
const key = (id: string): PayloadKey => ({ id, secret: randomBytes(32) });
const codecOf = (...keys: PayloadKey[]) => new EncryptionCodec(new PayloadKeyRing(keys, 'test'));
const plain = (): Payload => defaultPayloadConverter.toPayload({ text: SECRET });
const utf8 = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());
const bytesOf = (p: Payload) => Buffer.concat([p.data ?? new Uint8Array(), ...Object.values(p.metadata ?? {})]).toString('latin1');

test('a sealed payload carries only the encoding and the key id; it opens to the original', async () => {
  const codec = codecOf(key('k1'));
  const [sealed] = await codec.encode([plain()]);
  assert.ok(sealed !== undefined);
  assert.deepEqual(Object.keys(sealed.metadata ?? {}).sort(), [KEY_ID_HEADER, 'encoding'].sort());
  assert.equal(utf8(sealed.metadata?.encoding), ENCRYPTED_ENCODING);
  assert.equal(utf8(sealed.metadata?.[KEY_ID_HEADER]), 'k1');
  assert.ok(!bytesOf(sealed).includes('Lindenweg') && !bytesOf(sealed).includes('json/plain'));
  const [opened] = await codec.decode([sealed]);
  assert.ok(opened !== undefined);
  assert.deepEqual(defaultPayloadConverter.fromPayload(opened), { text: SECRET });
});

test('a large payload (raw usage JSON) is deflated, then sealed: smaller, named in the metadata, authenticated', async () => {
  const codec = codecOf(key('k1'));
  const rawJson = JSON.stringify({ prompt: SECRET, assistantTexts: Array.from({ length: 200 }, (_, i) => `${SECRET}, line ${i}`) });
  const large = defaultPayloadConverter.toPayload({ rawJson });
  const [sealed, small] = await codec.encode([large, plain()]);
  assert.ok(sealed?.data != null && small !== undefined);
  assert.equal(utf8(sealed.metadata?.[COMPRESSION_HEADER]), 'deflate-raw');
  assert.ok(sealed.data.length < (large.data?.length ?? 0) / 4, `${sealed.data.length} bytes sealed for ${large.data?.length} plain`);
  assert.ok(!bytesOf(sealed).includes('Lindenweg'));
  assert.equal(small.metadata?.[COMPRESSION_HEADER], undefined, 'a small payload is not compressed');
  const [opened] = await codec.decode([sealed]);
  assert.deepEqual(defaultPayloadConverter.fromPayload(opened as Payload), { rawJson });
  // The header is authenticated: dropping it does not give the deflated bytes as if they were the payload.
  const { [COMPRESSION_HEADER]: _dropped, ...rest } = sealed.metadata ?? {};
  await assert.rejects(codec.decode([{ ...sealed, metadata: rest }]), (err: unknown) => err instanceof PayloadKeyError && /does not authenticate/.test(err.message));
});

test('payloads without the encryption marker (histories before the codec) pass through unchanged', async () => {
  const p = plain();
  assert.deepEqual(await codecOf(key('k1')).decode([p]), [p]);
});

test('rotation: the newest key seals, every configured key opens', async () => {
  const k1 = key('k1');
  const k2 = key('k2');
  const [old] = await codecOf(k1).encode([plain()]);
  const rotated = codecOf(k1, k2);
  const [fresh] = await rotated.encode([plain()]);
  assert.equal(utf8(fresh?.metadata?.[KEY_ID_HEADER]), 'k2');
  const opened = await rotated.decode([old as Payload, fresh as Payload]);
  assert.deepEqual(opened.map((p) => defaultPayloadConverter.fromPayload(p)), [{ text: SECRET }, { text: SECRET }]);
});

test('a removed key fails closed with an error naming its id', async () => {
  const [old] = await codecOf(key('k1')).encode([plain()]);
  await assert.rejects(codecOf(key('k2')).decode([old as Payload]), (err: unknown) => err instanceof PayloadKeyError && err.keyId === 'k1' && /"k1" is not configured/.test(err.message));
});

test('the same id with another secret, or a changed byte, does not open', async () => {
  const k1 = key('k1');
  const [sealed] = await codecOf(k1).encode([plain()]);
  assert.ok(sealed?.data != null);
  await assert.rejects(codecOf(key('k1')).decode([sealed]), (err: unknown) => err instanceof PayloadKeyError && /does not authenticate/.test(err.message));
  const data = Uint8Array.from(sealed.data);
  data[20] = (data[20] ?? 0) ^ 1;
  await assert.rejects(codecOf(k1).decode([{ ...sealed, data }]), /does not authenticate/);
});

test('without keys nothing is encoded: encode throws, never plain text', async () => {
  const codec = new EncryptionCodec(new PayloadKeyRing([], '/nowhere/payload-keys.json', 'the key file /nowhere/payload-keys.json does not exist'));
  await assert.rejects(codec.encode([plain()]), (err: unknown) => err instanceof PayloadKeyError && /no payload key to encrypt with: the key file \/nowhere/.test(err.message));
});

test('key files: created owner-only with one key, read back; malformed files and bad keys are named', async () => {
  const tmp = tempDir('codec-keys');
  try {
    const file = join(tmp.dir, 'sub', 'payload-keys.json');
    assert.equal(ensureKeyFile(file), true);
    assert.equal(ensureKeyFile(file), false);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readKeyFile(file).keys.length, 1);
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ keys: [{ id: 'short', key: Buffer.alloc(8).toString('base64') }] }));
    assert.throws(() => readKeyFile(bad), /key "short" must be 32 bytes/);
    writeFileSync(bad, 'not json');
    assert.throws(() => readKeyFile(bad), /is not JSON/);
    assert.equal(readKeyFile(join(tmp.dir, 'missing.json')).keys.length, 0);
    // Inside the gateway a bad key file gives a converter that fails closed instead of throwing at start.
    const [codec] = bridgeDataConverter({ keyFile: bad }).payloadCodecs ?? [];
    assert.ok(codec !== undefined);
    await assert.rejects(codec.encode([plain()]), /is not JSON/);
  } finally {
    tmp.cleanup();
  }
});

test('key sources: off only when explicitly off; config file, env keys, env file, data dir, in that order', () => {
  assert.deepEqual(keySource({ env: { OPENCLAW_TEMPORAL_CODEC: 'off' }, keyFile: '/k.json' }), { kind: 'off' });
  // Off: no codec; failure messages are still moved into encoded attributes (the workflow bundle does it anyway).
  assert.deepEqual(payloadDataConverter({ env: { OPENCLAW_TEMPORAL_CODEC: 'off' } }), { failureConverterPath: FAILURE_CONVERTER_PATH });
  assert.throws(() => keySource({ env: { OPENCLAW_TEMPORAL_CODEC: 'false' } }), /must be "on" or "off"/);
  const env = { OPENCLAW_TEMPORAL_PAYLOAD_KEYS: 'a=x', OPENCLAW_TEMPORAL_KEY_FILE: '/env.json', OPENCLAW_TEMPORAL_DATA_DIR: '/data' };
  assert.deepEqual(keySource({ env, keyFile: '/cfg.json' }), { kind: 'file', path: '/cfg.json' });
  assert.deepEqual(keySource({ env }), { kind: 'env', variable: 'OPENCLAW_TEMPORAL_PAYLOAD_KEYS' });
  assert.deepEqual(keySource({ env: { ...env, OPENCLAW_TEMPORAL_PAYLOAD_KEYS: '' } }), { kind: 'file', path: '/env.json' });
  assert.deepEqual(keySource({ env: { OPENCLAW_TEMPORAL_DATA_DIR: '/data' } }), { kind: 'file', path: '/data/payload-keys.json' });
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');
  const ring = parseKeyList(`k1=${k1}, k2=${k2}`, 'OPENCLAW_TEMPORAL_PAYLOAD_KEYS');
  assert.equal(ring.newest().id, 'k2');
  assert.throws(() => parseKeyList(`k1=${k1},k1=${k2}`, 'X'), /listed twice/);
});
