/**
 * The codec server over real HTTP: Temporal's remote-codec JSON format both ways, CORS only for the configured
 * Web UI origin, the bearer token, and a decode error that names the missing key id.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import { defaultPayloadConverter, type FailureConverter } from '@temporalio/common';
import { FAILURE_CONVERTER_PATH } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { EncryptionCodec } from '../../plugin-bridge/shared/codec/encryption-codec.ts';
import { PayloadKeyRing } from '../../plugin-bridge/shared/codec/keys.ts';
import { startCodecServer, type RunningCodecServer } from '../../worker/codec-server.ts';

const UI = 'http://127.0.0.1:8233';
const TOKEN = 'let-me-decode';
const codec = new EncryptionCodec(new PayloadKeyRing([{ id: 'k1', secret: randomBytes(32) }], 'test'));
let server: RunningCodecServer;

before(async () => {
  server = await startCodecServer({ host: '127.0.0.1', port: 0, allowedOrigins: [UI], token: TOKEN }, codec);
});
after(() => server?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: UI, ...headers }, body: JSON.stringify(body) });
const asJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

test('POST /encode then /decode round-trips payloads in the remote-codec JSON format', async () => {
  const plain = asJson(defaultPayloadConverter.toPayload({ text: 'Lindenweg 7' }));
  const encoded = await post('/encode', { payloads: [plain] });
  assert.equal(encoded.status, 200);
  assert.equal(encoded.headers.get('access-control-allow-origin'), UI);
  const sealed = (await encoded.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
  assert.equal(Buffer.from(sealed.payloads[0]?.metadata.encoding ?? '', 'base64').toString(), 'binary/encrypted');
  assert.ok(!Buffer.from(sealed.payloads[0]?.data ?? '', 'base64').toString('latin1').includes('Lindenweg'));
  const decoded = await post('/decode', sealed);
  assert.equal(decoded.status, 200);
  assert.deepEqual(await decoded.json(), { payloads: [plain] });
});

test('the preflight answers the Web UI origin only', async () => {
  const preflight = (origin: string) => fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' } });
  const ui = await preflight(UI);
  assert.equal(ui.status, 204);
  assert.equal(ui.headers.get('access-control-allow-origin'), UI);
  assert.match(ui.headers.get('access-control-allow-headers') ?? '', /X-Namespace/);
  const other = await preflight('http://evil.example');
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('without the bearer token nothing is decoded', async () => {
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload('secret')]);
  assert.ok(sealed !== undefined);
  const refused = await post('/decode', { payloads: [asJson(sealed)] }, {});
  assert.equal(refused.status, 401);
  assert.ok(!(await refused.text()).includes('secret'));
  assert.equal((await post('/decode', { payloads: [asJson(sealed)] }, { Authorization: 'Bearer wrong' })).status, 401);
});

test('a payload under an unknown key is refused with the key id; bad requests get 4xx', async () => {
  const other = new EncryptionCodec(new PayloadKeyRing([{ id: 'retired-key', secret: randomBytes(32) }], 'test'));
  const [sealed] = await other.encode([defaultPayloadConverter.toPayload('x')]);
  assert.ok(sealed !== undefined);
  const refused = await post('/decode', { payloads: [asJson(sealed)] });
  assert.equal(refused.status, 400);
  assert.match(((await refused.json()) as { message: string }).message, /"retired-key" is not configured/);
  assert.equal((await post('/decode', { nope: 1 })).status, 400);
  assert.equal((await post('/other', { payloads: [] })).status, 404);
});

test('a failure message (encoded by the project\'s failure converter, then sealed) decodes for the Web UI', async () => {
  const { failureConverter } = createRequire(import.meta.url)(FAILURE_CONVERTER_PATH) as { failureConverter: FailureConverter };
  const failure = failureConverter.errorToFailure(new Error('could not write Lindenweg 7'), defaultPayloadConverter);
  assert.equal(failure.message, 'Encoded failure');
  assert.ok(failure.encodedAttributes != null);
  const [sealed] = await codec.encode([failure.encodedAttributes]);
  assert.ok(sealed !== undefined && !Buffer.from(sealed.data ?? new Uint8Array()).toString('latin1').includes('Lindenweg'));
  const decoded = (await (await post('/decode', { payloads: [asJson(sealed)] })).json()) as { payloads: Array<{ data: string }> };
  const attributes = JSON.parse(Buffer.from(decoded.payloads[0]?.data ?? '', 'base64').toString('utf8')) as { message: string; stack_trace: string };
  assert.equal(attributes.message, 'could not write Lindenweg 7');
  assert.match(attributes.stack_trace, /codec-server\.test/);
});
