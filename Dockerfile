# The openclaw-temporal worker image, built from the packed worker package (the same one `npx openclaw-temporal
# worker` runs): it bundles workflows/, serves the workflow task queue and, unless OPENCLAW_TEMPORAL_SERVE_LEDGER=false,
# the SQLite ledger activities. Used by docker-compose.yml; on its own:
#   npm run pack
#   docker build -t openclaw-temporal-worker:0.1.0 .
#   docker run -e TEMPORAL_ADDRESS=temporal.internal:7233 -v ledgers:/var/lib/openclaw-temporal openclaw-temporal-worker:0.1.0
# Connection settings come from the standard Temporal environment configuration (TEMPORAL_ADDRESS,
# TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE + TEMPORAL_CONFIG_FILE).
# VERSION must be package.json's version (test/deploy/compose.test.ts keeps them in step).
ARG VERSION=0.1.0

# The package and its dependencies (locked by its npm-shrinkwrap.json), with the compilers better-sqlite3 falls
# back to when it has no prebuilt binary.
FROM node:20.20.2-bookworm AS deps
ARG VERSION
WORKDIR /app
COPY dist/openclaw-temporal-${VERSION}.tgz /tmp/openclaw-temporal.tgz
RUN npm install --omit=dev --no-audit --no-fund /tmp/openclaw-temporal.tgz && npm cache clean --force

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
# Ledgers and, unless OPENCLAW_TEMPORAL_KEY_FILE names another, payload-keys.json live here.
ENV OPENCLAW_TEMPORAL_DATA_DIR=/var/lib/openclaw-temporal
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# Ledger files live where the plugins' dbPath points; with this image, point it under this volume.
RUN mkdir -p /var/lib/openclaw-temporal && chown node:node /var/lib/openclaw-temporal
VOLUME /var/lib/openclaw-temporal
USER node
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["node", "node_modules/openclaw-temporal/deploy/worker-healthcheck.mjs"]
# SIGTERM (docker stop) drains the workers gracefully.
CMD ["node", "node_modules/openclaw-temporal/bin/openclaw-temporal.mjs", "worker"]
