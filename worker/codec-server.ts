/**
 * The codec server: the payload codec over HTTP in Temporal's remote-codec format, so the Web UI (and
 * `temporal … --codec-endpoint`) show decoded payloads while the server keeps only ciphertext. POST /decode and
 * POST /encode take and return `{"payloads": [{"metadata": {…base64}, "data": "base64"}]}`. Only the configured
 * browser origins get CORS headers; with a token, every request must carry `Authorization: Bearer <token>`.
 * It holds the keys: run it where the operator is, bound to localhost unless you put TLS and a token in front.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import proto from '@temporalio/proto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { StructuredLogger } from '../workflows/shared/logger.ts';

const ProtoPayload = proto.temporal.api.common.v1.Payload;
/** Larger bodies are refused (the server's own payload limit is 2 MB per payload; a history page holds several). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface CodecServerOptions {
  readonly codec: PayloadCodec;
  /** Browser origins allowed to call (the Web UI's, e.g. `http://127.0.0.1:8233`). */
  readonly allowedOrigins: readonly string[];
  /** When set, requests need `Authorization: Bearer <token>`. */
  readonly token?: string | null;
  readonly logger?: Pick<StructuredLogger, 'warn'>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An HTTP server (not yet listening) that encodes and decodes payloads with `options.codec`. */
export function createCodecServer(options: CodecServerOptions): Server {
  return createServer((req, res) => {
    void handle(options, req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 400;
      const message = err instanceof Error ? err.message : String(err);
      options.logger?.warn({ status, path: req.url, err: message }, 'codec request refused');
      send(res, status, { message });
    });
  });
}

async function handle(options: CodecServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = req.headers.origin;
  if (origin !== undefined && options.allowedOrigins.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    res.setHeader('Vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return;
  }
  const path = new URL(req.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
  if (req.method !== 'POST' || (path !== '/encode' && path !== '/decode')) throw new HttpError(404, 'POST /encode or /decode');
  if (!authorized(options.token ?? null, req.headers.authorization)) throw new HttpError(401, 'a bearer token is required');
  const body = await readBody(req);
  const payloads = parsePayloads(body);
  const result = path === '/encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
  send(res, 200, { payloads: result.map((p) => ProtoPayload.toObject(ProtoPayload.fromObject(p), { bytes: String })) });
}

function authorized(token: string | null, header: string | undefined): boolean {
  if (token === null || token === '') return true;
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parsePayloads(body: string): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new HttpError(400, `the body is not JSON: ${(err as Error).message}`);
  }
  const list = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) throw new HttpError(400, 'the body must be {"payloads": [...]}');
  return list.map((p: unknown) => ProtoPayload.fromObject(p as Record<string, unknown>));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `the body exceeds ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/** Where the codec server listens and whom it answers (`OPENCLAW_TEMPORAL_CODEC_*`, see worker/config.ts). */
export interface CodecServerConfig {
  readonly host: string;
  readonly port: number;
  readonly allowedOrigins: readonly string[];
  readonly token: string | null;
}

/** A listening codec server; `url` is what `--ui-codec-endpoint` and the Web UI's codec setting take. */
export interface RunningCodecServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts {@link createCodecServer} on `config.host:config.port` (port 0: any free port). */
export async function startCodecServer(config: CodecServerConfig, codec: PayloadCodec, logger?: CodecServerOptions['logger']): Promise<RunningCodecServer> {
  const server = createCodecServer({ codec, allowedOrigins: config.allowedOrigins, token: config.token, ...(logger && { logger }) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  return {
    url: `http://${config.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
