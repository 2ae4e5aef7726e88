import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sha256Hex, utf8Bytes } from '../../workflows/shared/sha256.ts';

function nodeSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

test('sha256 of the empty string is the FIPS 180-4 constant', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('sha256 of "abc" is the FIPS 180-4 test vector', () => {
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('sha256 matches node:crypto on ASCII, non-ASCII, emoji, lone surrogates and padding boundaries', () => {
  const inputs = [
    'agent:main:main',
    'agent:main:whatsapp:direct:+15550001',
    'héllo wörld — ünïcödé',
    '日本語のテキスト',
    '🚀 launch 👩‍💻',
    '\ud800 lone high',
    'lone low \udc00',
    'trailing high \ud83d',
    'requester\nagent\nlabel\ntask',
    '\u0000\u007f\u0080\u07ff\u0800\uffff',
  ];
  for (let length = 0; length <= 130; length += 1) inputs.push('x'.repeat(length));
  for (let length = 50; length <= 70; length += 1) inputs.push('é'.repeat(length));
  inputs.push('long '.repeat(5000));
  for (const input of inputs) {
    assert.equal(sha256Hex(input), nodeSha256(input), `digest of ${JSON.stringify(input.slice(0, 40))}`);
  }
});

test('utf8Bytes matches Buffer.from(text, "utf8") including replacement of lone surrogates', () => {
  for (const input of ['a', 'é', '€', '😀', '\ud800', '\udfff', 'a\ud800b']) {
    assert.deepEqual(utf8Bytes(input), [...Buffer.from(input, 'utf8')]);
  }
});
