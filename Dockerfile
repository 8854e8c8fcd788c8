# alliance-bot production image: compiled JavaScript on Node 20, non-root.
# Build stage: install everything, generate the Prisma client, compile TypeScript.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies, compiled code and the content files only.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# Memory (README 性能): glibc otherwise raises its mmap threshold after the first large free, and blocks
# up to 32 MB freed later (Node buffers, WASM compilation) stay in its arenas instead of returning to
# the system. Fixed at glibc's own default, 128 KB.
ENV MALLOC_MMAP_THRESHOLD_=131072
# A deployment never shows the browser playground, even before any channel is configured (set
# PLAYGROUND=1 to try it inside the container).
ENV PLAYGROUND=0
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the Prisma client is already compiled into dist/ by the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma ./prisma
COPY knowledge ./knowledge
COPY prompts ./prompts
# The playground's page (plain HTML, CSS and ES modules, served as they are; off unless PLAYGROUND=1).
COPY src/channels/playground/public ./src/channels/playground/public
# The dashboard's CSS and browser script are served as files (no build step); Chart.js comes from node_modules.
COPY src/admin/static ./src/admin/static
RUN mkdir -p /app/.data && chown -R node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/livez').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# V8 heap (README 性能; bin/memory-settings.js gives every other start path the same flags): a young generation of 2 × 4 MB instead of up to 2 × 16 MB, and the old one
# allowed to grow 20 % over what survived the last full collection before the next (not 1.1–4×).
ENTRYPOINT ["node", "--max-semi-space-size=4", "--heap-growing-percent=20", "dist/src/main.js"]
CMD ["serve"]
