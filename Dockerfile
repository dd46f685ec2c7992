# One image for every Spillway process (api, workers, migrate, cron); compose picks the command.

# --- build: needs dev dependencies (typescript) that must not ship ---
FROM node:20-slim AS build
WORKDIR /app

# Manifests first so the dependency layer is reused until they change.
COPY package.json package-lock.json ./
RUN npm ci

# Whole context (trimmed by .dockerignore): tsconfig.build.json decides what is compiled,
# and a directory list here would drift from it (and break on dirs git does not track yet).
COPY . .
# The migrator reads the .sql files next to its compiled code; tsc does not copy them.
RUN npm run build \
 && mkdir -p dist/shared/domain/mysql \
 && cp -r shared/domain/mysql/migrations dist/shared/domain/mysql/

# --- runtime: production dependencies and compiled output only ---
FROM node:20-slim AS runtime
# The code defaults to 127.0.0.1, which is unreachable from other containers.
ENV NODE_ENV=production \
    USER_SERVICE_HOST=0.0.0.0 \
    LISTING_SERVICE_HOST=0.0.0.0 \
    PUBLIC_API_HOST=0.0.0.0
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# Left owned by root: the app user can read its code but not rewrite it.
COPY --from=build /app/dist ./dist

USER node

# The processes drain (stop intake, finish jobs, close pools) on SIGTERM.
STOPSIGNAL SIGTERM

# No HEALTHCHECK here: it differs per process, so docker-compose.yml defines one per service.
# A bounded old generation: V8 otherwise grows the heap lazily under load (~300 MB
# RSS at 5k writes/s where ~150 MB does). No allocation-site pretenuring: with it,
# about one API process in four settled into ~30 % more CPU per request, most of it
# in V8's garbage collector; without it none did (docs/performance.md, tuning log 26).
# Both measured by bench/ (API_NODE_ARGS there).
CMD ["node", "--max-old-space-size=160", "--no-allocation-site-pretenuring", "dist/api/main.js"]
