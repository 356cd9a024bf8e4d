# The orchestrator's image: one image, two roles (the API and the worker), chosen by the command.
# Used by docker-compose.temporal.yml (`docker compose -f docker-compose.temporal.yml up`).
#
# NOT EXERCISED HERE: the project's CI machine has no container engine, so this file is kept in
# step with `npm run cluster` by tests/unit/compose.test.ts (same entry points, same settings,
# an environment loadConfig accepts) but has never been built by us. Build it before you rely on it.
#
#   docker build -t agent-orchestrator .
#   docker run --rm agent-orchestrator node --import tsx src/main/api.ts     # the API (the default)
#   docker run --rm agent-orchestrator node --import tsx src/main/worker.ts  # a worker

# ---- 1. dependencies (production only) ---------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts run: the dependencies that need none are all this image needs.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# ---- 2. the prebuilt workflow bundle (needs the dev dependencies' bundler toolchain) ------
FROM node:20-bookworm-slim AS bundle
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npx tsx src/main/build-workflow-bundle.ts dist/workflow-bundle.js

# ---- 3. runtime ----------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
# bubblewrap confines the agents' commands; git works the clones; tini reaps and forwards
# signals so a worker's graceful shutdown (SIGTERM) lets running activities finish.
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap git ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
# Non-root: the worker's sandboxed commands run as this same unprivileged user (README, "Sandbox").
RUN groupadd --gid 10001 orchestrator \
 && useradd --uid 10001 --gid 10001 --home-dir /home/orchestrator --create-home orchestrator \
 && mkdir -p /data /transfers /mirrors && chown orchestrator:orchestrator /data /transfers /mirrors
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY migrations ./migrations
# The plain bundle and the traced one beside it (workflow-bundle.traced.js, loaded when OTEL_* turns tracing on).
COPY --from=bundle /app/dist/ ./dist/
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
USER orchestrator
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "src/main/api.ts"]
