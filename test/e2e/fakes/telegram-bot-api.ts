/**
 * FAKE — stands in for WhatsApp (the messaging network a protected chat lives on). OpenClaw 2026.9.6 bundles no
 * WhatsApp channel and no test channel, but it bundles the Telegram channel, whose Bot API root is configurable
 * (`channels.telegram.apiRoot`). This server speaks that Bot API on 127.0.0.1: `getUpdates` long-polling hands the
 * gateway the inbound messages a test queues (so OpenClaw's real inbound path fires `message_received`), and
 * `sendMessage` records what the gateway's real outbound path (after `message_sending`) actually delivered.
 * The gate under test is configured with `channel: "telegram"`; peers are numeric chat ids, which the gate
 * normalises exactly as phone numbers (`+digits`).
 */
import { createServer, type Server } from 'node:http';

/** A message the gateway delivered to a chat. */
export interface Delivered {
  readonly chatId: string;
  readonly text: string;
  readonly at: number;
}

/** The running fake. */
export interface FakeTelegram {
  /** The `apiRoot` to configure. */
  readonly apiRoot: string;
  readonly token: string;
  readonly delivered: readonly Delivered[];
  /** Every Bot API method the gateway called, in order. */
  readonly methods: readonly string[];
  /** Queues an inbound message from `fromId` in chat `chatId` (negative: a group); returns its message id. */
  inbound(chatId: number, fromId: number, text: string): number;
  /** Resolves once the gateway has acknowledged (asked past) every queued inbound message. */
  drained(): Promise<void>;
  /**
   * Inbound messages handed out again: an update the gateway took but never acknowledged (it was killed before its
   * next `getUpdates`) comes again to the next gateway, as the real Bot API does.
   */
  readonly handedOutAgain: number;
  close(): Promise<void>;
}

const BOT = { id: 7000000001, is_bot: true, first_name: 'E2E Bot', username: 'e2e_fake_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

/** Starts the fake Bot API on an OS-chosen loopback port. */
export async function startFakeTelegram(): Promise<FakeTelegram> {
  const token = '123456:FAKE-e2e-token';
  const delivered: Delivered[] = [];
  const methods: string[] = [];
  const queue: Array<{ update_id: number; message: object }> = [];
  let nextUpdate = 1;
  let nextMessage = 1000;
  let waiters: Array<() => void> = [];
  /** The gateway asks for `offset = n + 1` once it has taken update n. */
  let acknowledged = 0;
  const handedOut = new Set<number>();
  let handedOutAgain = 0;
  const wake = () => {
    const current = waiters;
    waiters = [];
    for (const w of current) w();
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const method = (req.url ?? '').split('?')[0]?.split('/').pop() ?? '';
        const raw = Buffer.concat(chunks).toString('utf8');
        const params = (raw.startsWith('{') ? JSON.parse(raw) : {}) as Record<string, unknown>;
        methods.push(method);
        const reply = (result: unknown) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true, result }));
        };
        switch (method) {
          case 'getMe':
            return reply(BOT);
          case 'getUpdates': {
            const offset = typeof params.offset === 'number' ? params.offset : 0;
            acknowledged = Math.max(acknowledged, offset - 1);
            while (queue.length > 0 && (queue[0]?.update_id ?? 0) < offset) queue.shift();
            if (queue.length === 0) {
              const waitMs = Math.min(Number(params.timeout ?? 0), 5) * 1000;
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, waitMs);
                waiters.push(() => (clearTimeout(timer), resolve()));
              });
            }
            const updates = queue.filter((u) => u.update_id >= offset);
            for (const { update_id: id } of updates) {
              if (handedOut.has(id)) handedOutAgain += 1;
              else handedOut.add(id);
            }
            return reply(updates);
          }
          case 'sendMessage': {
            const chatId = String(params.chat_id);
            const text = String(params.text ?? '');
            delivered.push({ chatId, text, at: Date.now() });
            return reply({ message_id: nextMessage++, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'group' : 'private' }, from: BOT, text });
          }
          case 'getChat':
            return reply({ id: Number(params.chat_id), type: 'private' });
          case 'getMyCommands':
            return reply([]);
          default:
            return reply(true);
        }
      })().catch((err: unknown) => {
        process.stderr.write(`[fake telegram] ${String(err)}\n`);
        res.writeHead(500).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    delivered,
    methods,
    get handedOutAgain() {
      return handedOutAgain;
    },
    inbound(chatId, fromId, text) {
      const messageId = nextMessage++;
      queue.push({
        update_id: nextUpdate++,
        message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: chatId < 0 ? { id: chatId, type: 'group', title: `group${-chatId}` } : { id: chatId, type: 'private', first_name: `user${fromId}` }, from: { id: fromId, is_bot: false, first_name: `user${fromId}` }, text },
      });
      wake();
      return messageId;
    },
    async drained() {
      const target = nextUpdate - 1;
      while (acknowledged < target) await new Promise((r) => setTimeout(r, 100));
    },
    close: () => new Promise((resolve) => { wake(); server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/**
 * The user sends `/new` in their private chat and the bot's confirmation arrives: OpenClaw resets the chat's
 * session in the running gateway (a `session_end` "new" for the old one), as a user starting afresh does.
 */
export async function freshSession(telegram: FakeTelegram, userId: number, timeoutMs = 120_000): Promise<void> {
  const before = telegram.delivered.filter((d) => d.chatId === String(userId)).length;
  telegram.inbound(userId, userId, '/new');
  const started = Date.now();
  while (telegram.delivered.filter((d) => d.chatId === String(userId)).length === before) {
    if (Date.now() - started > timeoutMs) throw new Error(`no reply to /new in chat ${userId} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The gateway config for a bot on this fake (`apiRoot`: the fake's, or a proxy in front of it): the Telegram channel
 * open to every private chat, each chat a session of its own (a front's key names its chat), the main agent bound to
 * the channel, and tools called by their own names with `exec` allowed (what the orchestrator's rules then decide).
 */
export function telegramGatewayConfig(telegram: FakeTelegram, apiRoot = telegram.apiRoot): Record<string, unknown> {
  return {
    channels: {
      telegram: { enabled: true, botToken: telegram.token, apiRoot, dmPolicy: 'open', allowFrom: ['*'], streaming: { mode: 'off' }, network: { dangerouslyAllowPrivateNetwork: true } },
    },
    bindings: [{ agentId: 'main', match: { channel: 'telegram', accountId: 'default' } }],
    session: { dmScope: 'per-channel-peer' },
    tools: { toolSearch: false, exec: { security: 'full', ask: 'off' } },
  };
}
