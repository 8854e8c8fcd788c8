import type { Config } from '../config.ts';
import { openMigratedDatabase } from '../app.ts';
import { createMigration } from '../db/migrate.ts';
import { createLogger } from '../log.ts';

export async function migrateCommand(config: Config): Promise<void> {
  const db = await openMigratedDatabase(config, createLogger(config.logLevel));
  await db.close();
  console.log(`数据库已是最新 (${db.kind})`);
}

export async function diffCommand(name: string): Promise<void> {
  const folder = await createMigration(name);
  console.log(folder ? `已生成迁移 ${folder}` : 'schema.prisma 没有改动，无需新迁移');
}
