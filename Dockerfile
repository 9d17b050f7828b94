# One image for the four services; each Deployment picks its entry point (see charts/).
# Built by skaffold on kind or minikube; no Docker engine is needed for `make up` or tests.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages ./packages
COPY services ./services
RUN npm ci --no-audit --no-fund \
  && npx tsc -b packages/* services/* \
  && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/services ./services
COPY package.json ./
# The one folder the services write: local storage's default STORAGE_DIR (.data/uploads) is
# inside it. Owned by the image's user, so it is writable as is, and the chart mounts its
# data volume here (with fsGroup 1000). /app itself stays root's and read-only to the user.
RUN mkdir -p /app/.data && chown 1000:1000 /app/.data
# The image's user, `node` (uid and gid 1000), by number: Kubernetes can check runAsNonRoot
# against a number, not against a name.
USER 1000:1000
# The Lua scripts and the upload page are read from src/ at run time, next to dist/.
CMD ["node", "services/ingest/dist/src/main.js"]
