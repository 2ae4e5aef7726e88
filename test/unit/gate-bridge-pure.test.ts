import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseGateConfig } from '../../plugin-bridge/lorene-gate/config.ts';
import { classifyInbound, inboundMessageId } from '../../plugin-bridge/lorene-gate/inbound.ts';
import { classifyOutbound } from '../../plugin-bridge/lorene-gate/outbound.ts';
import type { MessageContext, MessageReceivedEvent, MessageSendingEvent } from '../../plugin-bridge/shared/openclaw-types.ts';
import type { GateRuntimeConfig } from '../../workflows/gate/contract.ts';
import { applyTrigger } from '../../workflows/gate/decide.ts';
import { initialGateState } from '../../workflows/gate/state.ts';

const PEER = '+491701112233';
const SENDER = '+491701234567';
const STRANGER = '+491709999999';
const WRAPPED_ONLY = '+15550100';
const NOW = 1_735_819_200_000;

const config = parseGateConfig({
  protectedTo: ['+49 170 111 2233'],
  allowedFrom: ['+49 (170) 123-4567'],
  wrapperTargets: ['+49 170 111 2233', '+1 555 0100'],
});
const runtime: GateRuntimeConfig = { armTtlMs: 120_000, maxUsesPerArm: 3, missedResponseTtlMs: 600_000, dbPath: '/tmp/gate.db' };
const PREFIX = config.wrapperPrefix;
const SUFFIX = config.wrapperSuffix;

const ctx = (o: Partial<MessageContext> = {}): MessageContext => ({ channelId: 'whatsapp', conversationId: '+49 170 111 2233', ...o });
const received = (o: Partial<MessageReceivedEvent> = {}): MessageReceivedEvent => ({ from: '+49 170 1234567', content: 'friday: play a movie', messageId: 'ABC', ...o });
const sending = (o: Partial<MessageSendingEvent> = {}): MessageSendingEvent => ({ to: '+49 170 111 2233', content: 'Here you go.', ...o });
const inbound = (event: MessageReceivedEvent, context: MessageContext = ctx()) => classifyInbound(config, runtime, event, context, NOW);

describe('classifyInbound (SEED-BEHAVIOUR §2.2)', () => {
  test('only for the configured channel: another channel is ignored', () => {
    assert.equal(inbound(received(), ctx({ channelId: 'telegram' })).kind, 'ignore');
  });

  test('the channel is compared lowercase with ctx.channelId', () => {
    assert.equal(inbound(received(), ctx({ channelId: 'WhatsApp' })).kind, 'trigger');
  });

  test('a trigger: protected peer, allowed sender, matching trigger and a body; sender from event.from and peer from ctx.conversationId, both normalised', () => {
    assert.deepEqual(inbound(received()), {
      kind: 'trigger',
      peer: PEER,
      trigger: { messageId: 'ABC', sender: SENDER, text: 'friday: play a movie', body: 'play a movie', receivedAt: NOW, config: runtime },
    });
  });

  test('stop unless all four hold: each failing condition leaves only a seen row (triggered = 0)', () => {
    const cases: [string, MessageReceivedEvent, MessageContext][] = [
      ['peer not protected', received(), ctx({ conversationId: STRANGER })],
      ['sender not allowed', received({ from: STRANGER }), ctx()],
      ['no trigger', received({ content: 'play a movie' }), ctx()],
      ['no letter or digit after the trigger', received({ content: 'friday: ¿?' }), ctx()],
    ];
    for (const [why, event, context] of cases) {
      const action = inbound(event, context);
      const sender = event.from === STRANGER ? STRANGER : SENDER;
      const peer = context.conversationId === STRANGER ? STRANGER : PEER;
      assert.deepEqual(action, { kind: 'seen', peer, row: { op: 'seen', channel: 'whatsapp', messageId: 'ABC', sender, peer, at: NOW } }, why);
    }
  });

  test('requireBodyAfterTrigger: false lets the bare trigger arm', () => {
    const lenient = parseGateConfig({ protectedTo: [PEER], allowedFrom: [SENDER], requireBodyAfterTrigger: false });
    const action = classifyInbound(lenient, runtime, received({ content: 'Friday:' }), ctx(), NOW);
    assert.equal(action.kind, 'trigger');
  });

  test('a message without an id that is not a trigger is not recorded', () => {
    assert.equal(inbound(received({ messageId: undefined, content: 'hello' })).kind, 'ignore');
  });

  test('a trigger without an id still triggers (the request id then uses the time)', () => {
    const action = inbound(received({ messageId: undefined }));
    assert.ok(action.kind === 'trigger');
    assert.equal(action.trigger.messageId, '');
    assert.equal(applyTrigger(initialGateState('whatsapp', PEER), action.trigger, NOW).state.arm?.requestId, `whatsapp:${NOW}`);
  });

  test('a trigger without an id delivered twice (the outbox delivers at least once) is applied once, by its fact id', () => {
    const action = inbound(received({ messageId: undefined }));
    assert.ok(action.kind === 'trigger');
    const fact = { ...action.trigger, factId: 'fact-1' };
    const first = applyTrigger(initialGateState('whatsapp', PEER), fact, NOW);
    const used = { ...first.state, arm: first.state.arm === null ? null : { ...first.state.arm, usesLeft: 1 } };
    const again = applyTrigger(used, fact, NOW + 1000);
    assert.equal(again.result.accepted, false);
    assert.deepEqual(again.ops, []);
    assert.equal(again.state.arm?.usesLeft, 1, 'the uses spent are not given back');
    assert.equal(applyTrigger(used, { ...fact, factId: 'fact-2', receivedAt: NOW + 5 }, NOW + 1000).result.accepted, true, 'another trigger without an id still arms');
  });

  test('message id = event.messageId, else event.metadata.messageId (older hosts)', () => {
    assert.equal(inboundMessageId(received({ messageId: 'typed', metadata: { messageId: 'legacy' } })), 'typed');
    assert.equal(inboundMessageId(received({ messageId: undefined, metadata: { messageId: 'legacy' } })), 'legacy');
    assert.equal(inboundMessageId(received({ messageId: undefined, metadata: { messageId: 42 } })), '42');
    assert.equal(inboundMessageId(received({ messageId: undefined })), '');
    const legacy = inbound(received({ messageId: undefined, content: 'hello', metadata: { messageId: 'legacy' } }));
    assert.ok(legacy.kind === 'seen');
    assert.equal(legacy.row.messageId, 'legacy');
  });

  test('every inbound message with an id is recorded in seen_messages: a trigger through the gate, anything else directly', () => {
    const action = inbound(received());
    assert.ok(action.kind === 'trigger');
    const { ops } = applyTrigger(initialGateState('whatsapp', action.peer), action.trigger, NOW);
    assert.deepEqual(ops[0], { op: 'seen', channel: 'whatsapp', messageId: 'ABC', sender: SENDER, peer: PEER, at: NOW });
    assert.equal(inbound(received({ content: 'just chatting' }), ctx({ conversationId: 'some-group' })).kind, 'seen');
  });
});

describe('classifyOutbound (SEED-BEHAVIOUR §2.3.1–2.3.2)', () => {
  test('only for the configured channel: another channel passes unchanged, even to a wrapper target', () => {
    assert.deepEqual(classifyOutbound(config, sending(), ctx({ channelId: 'signal' })), { kind: 'pass', content: null });
  });

  test('the channel is compared lowercase and `to` is normalised', () => {
    assert.equal(classifyOutbound(config, sending({ to: '(+49) 170-111-2233' }), ctx({ channelId: 'WHATSAPP' })).kind, 'decide');
  });

  test('a wrapper target gets prefix, newline, trimmed text, newline, suffix; an unprotected peer passes with the wrapped content and no Temporal decision', () => {
    assert.deepEqual(classifyOutbound(config, sending({ to: WRAPPED_ONLY, content: '  hi there  ' }), ctx()), { kind: 'pass', content: `${PREFIX}\nhi there\n${SUFFIX}` });
  });

  test('already wrapped or blank text to a wrapper target is left as it is', () => {
    const wrapped = `${PREFIX}\nhi\n${SUFFIX}`;
    assert.deepEqual(classifyOutbound(config, sending({ to: WRAPPED_ONLY, content: wrapped }), ctx()), { kind: 'pass', content: null });
    assert.deepEqual(classifyOutbound(config, sending({ to: WRAPPED_ONLY, content: '   ' }), ctx()), { kind: 'pass', content: null });
  });

  test('a peer neither protected nor wrapped passes through unchanged', () => {
    assert.deepEqual(classifyOutbound(config, sending({ to: STRANGER }), ctx()), { kind: 'pass', content: null });
  });

  test('a protected peer goes to the gate; it delivers the wrapped content and the ledger keeps the text before wrapping', () => {
    assert.deepEqual(classifyOutbound(config, sending(), ctx()), { kind: 'decide', peer: PEER, content: `${PREFIX}\nHere you go.\n${SUFFIX}`, changed: true, ledgerText: 'Here you go.' });
    const unwrapped = parseGateConfig({ protectedTo: [PEER] });
    assert.deepEqual(classifyOutbound(unwrapped, sending(), ctx()), { kind: 'decide', peer: PEER, content: 'Here you go.', changed: false, ledgerText: 'Here you go.' });
  });
});
