# One image for every loginguard service (README "Run it in production"). The command names the
# entry point: apps/<app>/src/main.ts for one service, apps/cli/src/main.ts <command> for the CLI.
# Node 22 (LTS); production dependencies only; runs as the image's unprivileged `node` user.
FROM node:22.11.0-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps ./apps
COPY libs ./libs
COPY test/package.json ./test/package.json
# npm install with the lock file, as .ci/run does (npm ci wants other platforms' optional
# binaries in this lock file); dev dependencies left out.
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22.11.0-bookworm-slim
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=deps --chown=node:node /app /app
COPY --chown=node:node infra ./infra
COPY --chown=node:node geoip-data ./geoip-data
COPY --chown=node:node tsconfig.base.json NOTICE ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["apps/cli/src/main.ts", "start"]
