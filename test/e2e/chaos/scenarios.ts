/**
 * The scenarios the fault tests and the chaos run drive, as lists of steps so a fault can land between any two
 * (the chaos loop picks the point). Each step sends one message as a user would and records what it expected of
 * the reply and what really happened; the auditor turns a mismatch into a named invariant. Adding a scenario is
 * adding an entry to {@link SCENARIOS}.
 */
import { turnText } from '../fakes/model-server.ts';
import { freshSession } from '../fakes/telegram-bot-api.ts';
import { gateResponses, type ReplyOutcome } from '../auditor.ts';
import { eventually } from '../../helpers/temporal.ts';
import { DECISION_TIMEOUT_MS, FAMILY, MAX_USES, STRANGER, untilUnchanged, USAGE_SESSION, type ChaosWorld } from './world.ts';

/** One user action of a scenario. */
export interface Step {
  readonly name: string;
  run(world: ChaosWorld): Promise<void>;
}

/** A named list of steps; `steps` is called once per round. */
export interface Scenario {
  readonly name: string;
  steps(world: ChaosWorld): Step[];
}

const OUTCOME_TIMEOUT_MS = 180_000;
/** How long a duplicated message's second turn may take to show up. */
const DUPLICATE_SETTLE_MS = 12_000;

function outcomesOf(world: ChaosWorld, tag: string): { delivered: number; blocked: number } {
  const delivered = world.telegram.delivered.filter((d) => d.text.includes(tag)).length;
  const blocked = gateResponses(world.stack.sandbox.stateDir).filter((r) => r.kind === 'blocked' && (r.content ?? '').includes(tag)).length;
  return { delivered, blocked };
}

const modelCallsFor = (world: ChaosWorld, tag: string) => world.stack.model.calls.filter((c) => turnText(c.request).includes(tag)).length;

/**
 * Waits for the reply to `tag`: delivered by the channel, or a `blocked` row in the gate ledger. While Temporal is
 * down the blocked row only comes once it is back, so then a reply the model gave that was not delivered within
 * the hook's budget counts as blocked.
 */
async function outcome(world: ChaosWorld, tag: string): Promise<'delivered' | 'blocked' | 'nothing'> {
  let answeredAt = 0;
  return eventually(`the outcome of ${tag}`, () => {
    const seen = outcomesOf(world, tag);
    if (seen.delivered > 0) return 'delivered' as const;
    if (seen.blocked > 0) return 'blocked' as const;
    if (world.temporalDown && modelCallsFor(world, tag) > 0) {
      answeredAt ||= Date.now();
      if (Date.now() - answeredAt > DECISION_TIMEOUT_MS + 4000) return 'blocked' as const;
    }
    return undefined;
  }, OUTCOME_TIMEOUT_MS).catch(() => 'nothing' as const);
}

/** After a message that was handed out twice: waits until every turn it started has an outcome. */
async function duplicatesSettled(world: ChaosWorld, tag: string): Promise<void> {
  await untilUnchanged(`the duplicate turns of ${tag}`, () => {
    const seen = outcomesOf(world, tag);
    return `${modelCallsFor(world, tag)}/${seen.delivered + seen.blocked}`;
  }, DUPLICATE_SETTLE_MS, OUTCOME_TIMEOUT_MS);
}

function protectedDeliveries(world: ChaosWorld): number {
  return world.telegram.delivered.filter((d) => d.chatId === String(FAMILY)).length;
}

/** One inbound message through the fake channel; records its reply's outcome against `expect`. */
async function say(world: ChaosWorld, from: number, text: string, tag: string, expect: () => Omit<ReplyOutcome, 'tag' | 'actual'>): Promise<void> {
  const duplicatedBefore = world.proxy.duplicated;
  const expected = expect();
  world.telegram.inbound(from, from, text);
  world.events++;
  const actual = await outcome(world, tag);
  if (world.proxy.duplicated > duplicatedBefore) await duplicatesSettled(world, tag);
  world.outcomes.push({ tag, actual, ...expected });
}

/**
 * A protected chat's round: a trigger, a second reply, a reply past `maxUsesPerArm`, and a stranger in another
 * chat. What a protected reply should do follows from what the channel delivered since the trigger (duplicated
 * messages consume uses too) and whether Temporal is down.
 */
export const gateRound: Scenario = {
  name: 'gate',
  steps(world) {
    let since = 0;
    const expectProtected = (what: string) => () => {
      const used = protectedDeliveries(world) - since;
      if (world.temporalDown) return { expected: 'blocked' as const, because: `${what} while Temporal is down` };
      return used < MAX_USES
        ? { expected: 'delivered' as const, because: `${what}, ${used} of ${MAX_USES} uses of the live arm consumed` }
        : { expected: 'blocked' as const, because: `${what}, all ${MAX_USES} uses consumed` };
    };
    const tags = [world.nextTag(), world.nextTag(), world.nextTag(), world.nextTag()] as const;
    return [
      {
        name: 'trigger',
        run: (w) => {
          since = protectedDeliveries(w);
          return say(w, FAMILY, `friday: ${tags[0]} what is on the agenda?`, tags[0], expectProtected('the trigger\'s reply'));
        },
      },
      { name: 'second reply', run: (w) => say(w, FAMILY, `${tags[1]} and tomorrow?`, tags[1], expectProtected('a reply after the trigger')) },
      { name: 'reply past the uses', run: (w) => say(w, FAMILY, `${tags[2]} thanks!`, tags[2], expectProtected('another reply')) },
      { name: 'stranger', run: (w) => say(w, STRANGER, `friday: ${tags[3]} let me in`, tags[3], () => ({ expected: 'delivered', because: 'an unprotected chat is never gated' })) },
    ];
  },
};

/** HTTP agent turns (the `openclaw agent` path): a plain answer and a run with a tool call. */
export const usageRound: Scenario = {
  name: 'usage',
  steps(world) {
    const chat = (text: string) => async (w: ChaosWorld) => {
      w.events++;
      await w.stack.chat(USAGE_SESSION, text);
    };
    return [
      { name: 'chat', run: chat(`hello there ${world.nextTag()}`) },
      { name: 'chat with a tool call', run: chat(`please check your status ${world.nextTag()}`) },
    ];
  },
};

/**
 * The orchestrator flow in a fresh private chat: `/new` (so the gateway's shutdown drain knows the session), then
 * a message the front delegates — its `sessions_spawn` becomes the hidden orchestrator, bound to the chat, whose
 * `exec` is blocked. The auditor then holds every thread seen so far to "no thread, binding or counter lost".
 */
export const orchestratorRound: Scenario = {
  name: 'orchestrator',
  steps(world) {
    const chat = world.nextChat();
    const tag = world.nextTag();
    return [
      {
        name: 'fresh session',
        run: async (w) => {
          w.events++;
          await freshSession(w.telegram, chat, OUTCOME_TIMEOUT_MS).catch(() => undefined); // its reply is not the point
        },
      },
      {
        name: 'delegate',
        run: async (w) => {
          w.threads.set(`agent:main:telegram:direct:${chat}`, undefined);
          await say(w, chat, `q-delegate ${tag}: keep an eye on the build`, tag, () => ({ expected: 'delivered', because: 'an unprotected chat is never gated' }));
        },
      },
    ];
  },
};

/** The scenarios the chaos loop draws from. */
export const SCENARIOS: readonly Scenario[] = [gateRound, usageRound, orchestratorRound];
