# The openclaw-temporal worker (worker/main.ts): bundles workflows/, serves the workflow task queue and, unless
# OPENCLAW_TEMPORAL_SERVE_LEDGER=false, the SQLite ledger activities. Used by docker-compose.yml; on its own:
#   docker build -t openclaw-temporal-worker .
#   docker run -e TEMPORAL_ADDRESS=temporal.internal:7233 -v ledgers:/var/lib/openclaw-temporal openclaw-temporal-worker
# Connection settings come from the standard Temporal environment configuration (TEMPORAL_ADDRESS,
# TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE + TEMPORAL_CONFIG_FILE).

# Dependencies, with the compilers better-sqlite3 falls back to when it has no prebuilt binary.
FROM node:20.20.2-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY plugin-bridge ./plugin-bridge
COPY scripts ./scripts
COPY deploy/worker-healthcheck.mjs ./deploy/worker-healthcheck.mjs
# Ledger files live where the plugins' dbPath points; with this image, point it under this volume.
RUN mkdir -p /var/lib/openclaw-temporal && chown node:node /var/lib/openclaw-temporal
VOLUME /var/lib/openclaw-temporal
USER node
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["node", "deploy/worker-healthcheck.mjs"]
# SIGTERM (docker stop) drains the workers gracefully.
CMD ["node", "--import", "tsx", "worker/main.ts"]
