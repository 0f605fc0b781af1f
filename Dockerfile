# Herald in a container: `docker build -t herald .` then
#   docker run --env-file .env -v herald-data:/app/data -v "$PWD/config:/app/config" herald
# The SQLite store lives in /app/data (keep it on a volume so restarts post nothing twice).

# Build stage: better-sqlite3 is a native addon and is compiled here, so the final image needs no compiler.
FROM node:24-bookworm-slim AS dependencies
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY config ./config
RUN mkdir -p /app/data && chown -R node:node /app/data /app/config
USER node
VOLUME ["/app/data"]
# Herald's HTTP server on HERALD_HTTP_PORT (3000 by default): /healthz, /readyz and /metrics for probes and
# Prometheus, and in Slack's HTTP mode POST /slack/events (put that behind your HTTPS proxy). Publish it with
# -p 3000:3000. Discord and Slack's Socket Mode connect out and need no open port for themselves.
EXPOSE 3000
# SIGTERM stops Herald cleanly: the scheduler finishes its tick and the store is closed.
STOPSIGNAL SIGTERM
CMD ["node", "bin/herald.js", "start"]
