/**
 * A fault injector, not a fake: an HTTP proxy between the gateway's Telegram channel and the fake Bot API
 * (fakes/telegram-bot-api.ts) that can hand the gateway the same inbound message twice — the same message, the
 * same `message_id`, under a second update id, as a network that re-delivers. Every other call (`sendMessage`,
 * `getMe`, …) passes through unchanged, so the fake still records what the gateway really delivered.
 *
 * The proxy numbers the updates it hands out itself (so a copy can follow the original) and asks the fake for
 * the next update past the last one it has taken, which acknowledges them there.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** The running proxy. */
export interface RedeliveryProxy {
  /** The `apiRoot` to configure instead of the fake's. */
  readonly apiRoot: string;
  /** Inbound messages handed out twice so far. */
  readonly duplicated: number;
  /** The next `count` inbound messages are each handed to the gateway twice. */
  duplicateNext(count: number): void;
  /** When true, every inbound message is handed out twice. */
  duplicateAll(on: boolean): void;
  close(): Promise<void>;
}

interface Update {
  readonly update_id: number;
  readonly [field: string]: unknown;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the proxy in front of `upstreamRoot` (the fake's `apiRoot`). */
export async function startRedeliveryProxy(upstreamRoot: string): Promise<RedeliveryProxy> {
  const pending: Update[] = [];
  let nextId = 1;
  let upstreamOffset = 0;
  let toDuplicate = 0;
  let all = false;
  let duplicated = 0;

  /** Takes what the fake has (long-polling as asked) and renumbers it, copies included. */
  async function pull(url: string, params: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${upstreamRoot}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...params, offset: upstreamOffset }),
    });
    const answer = (await response.json()) as { ok: boolean; result?: Update[] };
    for (const update of answer.result ?? []) {
      upstreamOffset = Math.max(upstreamOffset, update.update_id + 1);
      pending.push({ ...update, update_id: nextId++ });
      if (all || toDuplicate > 0) {
        toDuplicate = Math.max(0, toDuplicate - 1);
        duplicated++;
        pending.push({ ...update, update_id: nextId++ });
      }
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = req.url ?? '';
      const raw = await body(req);
      if (url.split('?')[0]?.endsWith('/getUpdates')) {
        const text = raw.toString('utf8');
        const params = (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>;
        const offset = typeof params.offset === 'number' ? params.offset : 0;
        while (pending.length > 0 && (pending[0]?.update_id ?? 0) < offset) pending.shift();
        if (pending.length === 0) await pull(url, params);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, result: pending.filter((u) => u.update_id >= offset) }));
        return;
      }
      const contentType = req.headers['content-type'];
      const upstream = await fetch(`${upstreamRoot}${url}`, {
        method: req.method ?? 'GET',
        headers: contentType === undefined ? {} : { 'content-type': contentType },
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: raw }),
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    })().catch((err: unknown) => {
      process.stderr.write(`[redelivery proxy] ${String(err)}\n`);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    get duplicated() {
      return duplicated;
    },
    duplicateNext: (count) => (toDuplicate += count),
    duplicateAll: (on) => (all = on),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
