/**
 * `npm run codec-server`: the codec server on its own, for a Web UI that is not the one `npm start` runs (a
 * cluster's, Temporal Cloud's) or for `temporal workflow show --codec-endpoint`. Uses the worker's key settings;
 * listens on OPENCLAW_TEMPORAL_CODEC_HOST:OPENCLAW_TEMPORAL_CODEC_PORT (127.0.0.1:8234), answers the browser
 * origins in OPENCLAW_TEMPORAL_CODEC_ORIGINS and, with OPENCLAW_TEMPORAL_CODEC_TOKEN, only bearers of that token.
 */
import { fileURLToPath } from 'node:url';
import { startCodecServer } from '../worker/codec-server.ts';
import { parseWorkerConfig } from '../worker/config.ts';
import { installLogger } from '../worker/logger.ts';
import { workerPayloadKeys } from '../worker/payload-keys.ts';

async function main(): Promise<void> {
  const config = parseWorkerConfig(process.env, { dataDir: fileURLToPath(new URL('../.data', import.meta.url)) });
  const logger = installLogger(config);
  if (config.payloadKeys.kind === 'off') throw new Error('OPENCLAW_TEMPORAL_CODEC=off: payloads are not encrypted, there is nothing to decode');
  const [codec] = workerPayloadKeys(config.payloadKeys, { create: false }).dataConverter.payloadCodecs ?? [];
  if (codec === undefined) throw new Error('no payload codec configured');
  const server = await startCodecServer(config.codecServer, codec, logger);
  logger.info({ url: server.url, origins: config.codecServer.allowedOrigins, token: config.codecServer.token !== null }, 'codec server listening');
  process.stdout.write(`codec server: ${server.url}  (Web UI: Settings → Codec Server → ${server.url}; CLI: --codec-endpoint ${server.url})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`codec server failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
