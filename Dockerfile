# Herald in a container: `docker build -t herald .` then
#   docker run --env-file .env -v herald-data:/app/data -v "$PWD/config:/app/config" -p 3000:3000 herald
# The SQLite store lives in /app/data (keep it on a volume so restarts post nothing twice).
# docker-compose.yml runs two of these on one PostgreSQL.

# Build stage: all dependencies (TypeScript for the build; better-sqlite3 is a native addon and is compiled here,
# so the final image needs no compiler), `npm run build` to dist/, then the dev dependencies are dropped.
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
COPY commands ./commands
COPY config ./config
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# Run stage: node, the production dependencies and the compiled dist/; no TypeScript, tsx, sources or npm.
FROM node:24-bookworm-slim
# tini is PID 1: it forwards SIGTERM to node (which stops Herald cleanly) and reaps zombies, so `docker run`
# needs no --init (and Kubernetes, which has none, gets the same). npm, npx and corepack are not needed at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# /app/config holds the example; Herald copies it to config/herald.yaml on the first start unless one is mounted.
COPY config ./config
RUN mkdir -p /app/data && chown -R node:node /app/data /app/config
USER node
VOLUME ["/app/data"]
# Herald's HTTP server on HERALD_HTTP_PORT (3000 by default): /healthz, /readyz and /metrics for probes and
# Prometheus, and in Slack's HTTP mode POST /slack/events (put that behind your HTTPS proxy). Publish it with
# -p 3000:3000. Discord and Slack's Socket Mode connect out and need no open port for themselves.
EXPOSE 3000
# Healthy while /readyz answers 200: the store answers and every started platform is connected. Node's own fetch
# (the image has no curl); HERALD_HTTP_PORT=0 (any free port) cannot be probed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HERALD_HTTP_PORT || 3000}/readyz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM stops Herald cleanly (its own handler: the engine finishes what it holds and the store is closed).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
# The compiled CLI, stack traces mapped to the TypeScript lines. bench/startup.ts runs this line without Docker.
CMD ["node", "--enable-source-maps", "dist/cli.js", "start"]
