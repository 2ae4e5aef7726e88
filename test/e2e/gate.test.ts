// End to end: a protected chat through a running gateway. The chat lives on the fake Telegram Bot API (standing in
// for WhatsApp, see fakes/telegram-bot-api.ts): the protected family member's private chat, in which that person is
// also the one allowed to trigger, and a stranger's private chat. (A Telegram group would be closer to WhatsApp's
// "owner writes in the family chat", but OpenClaw's Telegram channel reports a group message's `from` as the group,
// not the member, so no member of a group can be told apart by the gate.) Every inbound message starts a real
// agent turn (the fake model answers) and every reply goes through OpenClaw's real outbound path and
// `message_sending`. The auditor compares what the channel actually delivered with the gate ledger: no delivery to
// a protected chat without a consumed use. A graceful gateway restart between two replies must not lose the arm.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { turnText, type ScriptedReply } from './fakes/model-server.ts';
import { startFakeTelegram, type FakeTelegram } from './fakes/telegram-bot-api.ts';
import { gateDump, gateViolations, gatewayLogViolations, logLines } from './auditor.ts';
import { startStack, type E2EStack } from './harness.ts';
import { chatRound, gateLedgerWritten } from './protected-chat.ts';

const FAMILY = 222; // the protected family member's private chat (and the person allowed to trigger in it)
const STRANGER = 333; // an unprotected private chat
const PROTECTED = new Set([String(FAMILY)]);

let stack: E2EStack;
let telegram: FakeTelegram;

/** Each reply names the message it answers, so a delivery can be traced to its turn. */
function respond(request: Parameters<Parameters<typeof startStack>[1]>[0], seq: number): ScriptedReply {
  const asked = /\b(q\d+)\b/.exec(turnText(request))?.[1] ?? `x${seq}`;
  return { kind: 'text', text: `reply to ${asked}`, usage: { input: 500 + seq, output: 5 + seq } };
}

before(async () => {
  telegram = await startFakeTelegram();
  stack = await startStack('e2e-gate', respond, {
    withChannels: true,
    pluginConfig: {
      'lorene-gate': { channel: 'telegram', protectedTo: [String(FAMILY)], allowedFrom: [String(FAMILY)], maxUsesPerArm: 2 },
    },
    extraConfig: {
      channels: {
        telegram: {
          enabled: true,
          botToken: telegram.token,
          apiRoot: telegram.apiRoot,
          dmPolicy: 'open',
          allowFrom: ['*'],
          streaming: { mode: 'off' },
          network: { dangerouslyAllowPrivateNetwork: true },
        },
      },
      bindings: [{ agentId: 'main', match: { channel: 'telegram', accountId: 'default' } }],
    },
  });
});

after(async () => {
  await stack?.stop();
  await telegram?.close();
});

/** Sends one inbound message and waits until the gateway has answered it (delivered or the gate recorded a block). */
const say = (from: number, text: string, tag: string) => chatRound(telegram, stack.sandbox.stateDir, from, text, tag);

test('trigger, a reply across a gateway restart, a reply after the uses are spent, a stranger: the channel delivered only what the gate allowed', { timeout: 900_000 }, async () => {
  const why = () => `\n${gateDump(stack.sandbox.stateDir)}\n${logLines(stack.gatewayLogs(), /lorene-gate|Inbound message/i)}`;
  assert.equal(await say(FAMILY, 'friday: q1 what is on the agenda?', 'q1'), 'delivered', `the trigger's reply goes out${why()}`);
  assert.equal(await stack.restartGateway(), 'code 0', 'graceful restart (SIGTERM)');
  assert.equal(await say(FAMILY, 'q2 and tomorrow?', 'q2'), 'delivered', `second use, after the restart: the arm survived${why()}`);
  assert.equal(await say(FAMILY, 'q3 thanks!', 'q3'), 'blocked', `uses spent: cancelled and recorded as blocked${why()}`);
  assert.equal(await say(STRANGER, 'friday: q4 let me in', 'q4'), 'delivered', 'an unprotected chat is not gated');
  assert.equal(await say(FAMILY, 'q5 still there?', 'q5'), 'blocked', `a stranger's trigger does not arm the protected chat${why()}`);
  await gateLedgerWritten(stack.server.client, 'telegram', `+${FAMILY}`);
  assert.deepEqual(gateViolations(stack.sandbox.stateDir, telegram.delivered, PROTECTED), []);
  assert.ok(telegram.delivered.filter((d) => PROTECTED.has(d.chatId)).length === 2, 'exactly the two allowed replies reached the protected chat');
  assert.deepEqual(gatewayLogViolations(stack.gatewayLogs()), []);
});
