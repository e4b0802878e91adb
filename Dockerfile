# One image for the api and the worker (docker-compose.yml picks the command).
# build: every package, compiles to dist/ (npm run build). deps: production packages only.
# runtime: dist/ and those packages, run by plain node as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# package.json for "type": "module"; nothing else of the source tree is shipped.
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# Owned by root, run as node: the process cannot rewrite its own code.
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
