// The Prisma CLI tries to download a native schema engine before every command, even `generate`.
// This project never uses it (migrations run on the WASM engine in src/db/migrate.ts), so point the
// CLI at any existing file to keep `npm ci` working offline and on air-gapped intranets.
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.platform === 'win32' ? process.execPath : '/bin/true';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
