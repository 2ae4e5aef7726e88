import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancelsInFailClosed, failClosedScope } from '../../plugin-bridge/lorene-gate/load-config.ts';

const whatsapp = { channelId: 'WhatsApp' };

test('fail-closed scope: the configured protected peers on the configured channel, when those keys are well-formed', () => {
  const scope = failClosedScope({ channel: 'WhatsApp', protectedTo: ['+49 170 1234567'], triggerRegex: '(' });
  assert.equal(scope.channel, 'whatsapp');
  assert.deepEqual([...(scope.peers ?? [])], ['+491701234567']);
  assert.equal(cancelsInFailClosed(scope, { to: '+49 (170) 123-4567', content: 'x' }, whatsapp), true);
  assert.equal(cancelsInFailClosed(scope, { to: '+15550000', content: 'x' }, whatsapp), false);
  assert.equal(cancelsInFailClosed(scope, { to: '+491701234567', content: 'x' }, { channelId: 'telegram' }), false);
});

test('fail-closed scope: an unusable protectedTo cancels every peer of the channel; an unusable channel every channel', () => {
  const everyPeer = failClosedScope({ protectedTo: '+491701234567' });
  assert.equal(everyPeer.peers, null);
  assert.equal(cancelsInFailClosed(everyPeer, { to: '+15550000', content: 'x' }, whatsapp), true);
  assert.equal(cancelsInFailClosed(everyPeer, { to: '+15550000', content: 'x' }, { channelId: 'telegram' }), false);
  const everything = failClosedScope({ channel: 7, protectedTo: [1] });
  assert.equal(everything.channel, null);
  assert.equal(cancelsInFailClosed(everything, { to: 'anyone', content: 'x' }, { channelId: 'telegram' }), true);
});

test('fail-closed scope: absent keys take their defaults (whatsapp, nobody protected)', () => {
  const scope = failClosedScope(undefined);
  assert.equal(scope.channel, 'whatsapp');
  assert.equal(cancelsInFailClosed(scope, { to: '+491701234567', content: 'x' }, whatsapp), false);
});
