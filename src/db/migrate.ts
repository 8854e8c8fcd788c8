// Migrations on Prisma's schema engine compiled to WASM: no native engine download, works offline.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine as SchemaEngineType } from '@prisma/schema-engine-wasm';
import { projectRoot } from '../paths.ts';

export const schemaPath = path.join(projectRoot, 'prisma', 'schema.prisma');
export const migrationsDir = path.join(projectRoot, 'prisma', 'migrations');
const filters = { externalTables: [], externalEnums: [] };

let wasmReady = false;
function loadWasm(): typeof engineBindings {
  if (!wasmReady) {
    // A plain `import` of the .wasm needs --experimental-wasm-modules and fails under tsx and vitest.
    const entry = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm');
    const bytes = fs.readFileSync(path.join(path.dirname(entry), 'schema_engine_bg.wasm'));
    // The engine's internal timers would keep the process alive ~10 s after the work is done: unref them.
    const imports: WebAssembly.ModuleImports = { ...(engineBindings as unknown as WebAssembly.ModuleImports) };
    for (const name of Object.keys(imports).filter((n) => n.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { './schema_engine_bg.js': imports });
    const exports = instance.exports as unknown as { __wbindgen_start(): void };
    engineBindings.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    wasmReady = true;
  }
  return engineBindings;
}

/** `upTo`: only the migrations up to and including this folder (tests of a migration's data). */
function readMigrations(upTo?: string): MigrationList {
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  const dirs = fs.existsSync(migrationsDir)
    ? fs
        .readdirSync(migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .filter((name) => upTo === undefined || name <= upTo)
        .sort()
    : [];
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: fs.existsSync(file)
            ? { tag: 'ok' as const, value: fs.readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

async function withEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  work: (engine: SchemaEngineType) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = loadWasm();
  // engine.free() does not dispose the adapters it opened; without this a pooled connection stays
  // checked out and keeps the process alive.
  const opened: SqlDriverAdapter[] = [];
  const track = async (connecting: Promise<SqlDriverAdapter>) => {
    const adapter = await connecting;
    opened.push(adapter);
    return adapter;
  };
  const bound = bindMigrationAwareSqlAdapterFactory({
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: () => track(adapterFactory.connect()),
    connectToShadowDb: () => track(adapterFactory.connectToShadowDb()),
  });
  const schema = fs.readFileSync(schemaPath, 'utf8');
  const logs: string[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    (line: string) => logs.push(line),
    bound,
  );
  try {
    return await work(engine);
  } catch (error) {
    throw new Error(`migration failed: ${describeEngineError(error, bound.errorRegistry)}`, { cause: error });
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}

/** Engine errors from the adapter surface as "External error id#N"; read the real one from the registry. */
function describeEngineError(
  error: unknown,
  registry: { consumeError(id: number): { error: unknown } | undefined },
): string {
  const text = error instanceof Error ? error.message : String(error);
  const id = /id#(\d+)/.exec(text)?.[1];
  const record = id ? registry.consumeError(Number(id)) : undefined;
  if (record) {
    const inner = record.error as { message?: string; originalMessage?: string } | undefined;
    return `${text} — ${inner?.originalMessage ?? inner?.message ?? JSON.stringify(inner)}`;
  }
  return text;
}

/** Applies pending migrations; idempotent. Returns the names of the migrations it applied. */
export async function applyMigrations(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  options: { upTo?: string } = {},
): Promise<string[]> {
  return withEngine(adapterFactory, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: readMigrations(options.upTo), filters });
    return out.appliedMigrationNames;
  });
}

/**
 * Writes a new migration from the difference between the migrations folder and schema.prisma,
 * computed against a throwaway in-memory PGlite (no shadow database). Returns its folder, or
 * undefined when the schema has no changes.
 */
export async function createMigration(name: string, now = new Date()): Promise<string | undefined> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error('migration name: use lower-case letters, digits and _');
  const { PGlite } = await import('@electric-sql/pglite');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  // The engine reads the provider from migration_lock.toml, so it must exist before the first diff.
  fs.mkdirSync(migrationsDir, { recursive: true });
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  if (!fs.existsSync(lockPath)) {
    fs.writeFileSync(lockPath, '# Please do not edit this file manually\nprovider = "postgresql"\n');
  }
  const client = await PGlite.create();
  try {
    const factory = new PrismaPGlite(client);
    const sql = await withEngine(factory, async (engine) => {
      const result = await engine.diff({
        from: { tag: 'migrations', ...readMigrations() },
        to: {
          tag: 'schemaDatamodel',
          files: [{ path: 'schema.prisma', content: fs.readFileSync(schemaPath, 'utf8') }],
        },
        script: true,
        exitCode: null,
        filters,
      });
      return result.stdout ?? '';
    });
    if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) return undefined;
    const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
    const folder = path.join(migrationsDir, `${stamp}_${name}`);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'migration.sql'), sql);
    return folder;
  } finally {
    await client.close();
  }
}
