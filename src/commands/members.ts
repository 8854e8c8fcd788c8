// `members import --csv FILE`, `members export --csv`, `members list`: the secretariat's registry.
import fs from 'node:fs';
import type { Config } from '../config.ts';
import { loadTexts } from '../bot/texts.ts';
import { withApp } from './with-app.ts';
import { activeMembers, exportMembersCsv, importMembers } from '../membership/members.ts';
import { importReport } from '../membership/import-report.ts';

export async function membersImportCommand(config: Config, opts: { csv: string }): Promise<void> {
  const texts = loadTexts(config.promptsDir);
  // Opened up front so an unreadable file is reported before the database is opened; read as a stream.
  let fd: number;
  try {
    fd = fs.openSync(opts.csv, 'r');
    if (fs.fstatSync(fd).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (error) {
    console.error(
      `无法读取文件 ${opts.csv} (cannot read): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
    process.exitCode = 2;
    return;
  }
  await withApp(config, async (app) => {
    const result = await importMembers(
      app.services.db.prisma,
      'cli',
      fs.createReadStream('', { fd, encoding: 'utf8' }),
    );
    const report = importReport((k, v) => texts.t(k, v), result);
    for (const line of report.problems) console.error(line);
    console.log(report.summary);
    if (result.problems.length > 0) process.exitCode = 3;
  });
}

export async function membersExportCommand(config: Config, opts: { csv?: boolean; all?: boolean }): Promise<void> {
  await withApp(config, async (app) => {
    const { prisma } = app.services.db;
    if (opts.csv) process.stdout.write(await exportMembersCsv(prisma, opts.all));
    else console.log(JSON.stringify(await activeMembers(prisma), null, 2));
  });
}
