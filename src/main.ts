// CLI entry: one command each. `npx alliance-bot --help` lists them.
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './log.ts';
import { redactUrl } from './redact.ts';
import { CorpusError } from './knowledge/corpus.ts';
import { CHANNELS } from './channels/registry.ts';
import type { AnyChannelDefinition } from './channels/define.ts';

const program = new Command('alliance-bot')
  .description('联盟助手 — 国家数字教育资源公共服务体系联盟的咨询与入盟机器人')
  .showHelpAfterError('（输入 --help 查看用法）');

function config(): Config {
  return loadConfig();
}

program
  .command('chat')
  .description('在终端里和机器人对话（--jsonl：从标准输入逐行读取 {"user","text"}，逐行输出回复）')
  .option('--jsonl', 'JSON Lines 模式，供脚本和测试使用')
  .option('--user <id>', '交互模式下的用户名', 'me')
  .action(async (opts: { jsonl?: boolean; user: string }) => {
    const { chatCommand } = await import('./commands/chat.ts');
    await chatCommand(config(), opts);
  });

program
  .command('ask')
  .description('回答一个问题（--jsonl：逐行读取 {"id","q"}，逐行输出答案、出处和耗时）')
  .argument('[question...]', '问题')
  .option('--jsonl', 'JSON Lines 模式')
  .action(async (question: string[], opts: { jsonl?: boolean }) => {
    const { askCommand } = await import('./commands/ask.ts');
    await askCommand(config(), question.join(' '), opts);
  });

const db = program.command('db').description('数据库：迁移与生成迁移');
db.command('migrate')
  .description('应用尚未执行的迁移（可重复执行）')
  .action(async () => {
    const { migrateCommand } = await import('./commands/db.ts');
    await migrateCommand(config());
  });
db.command('diff')
  .description('根据 prisma/schema.prisma 的改动生成一个新迁移（在内存 PGlite 上计算，无需影子库）')
  .argument('<name>', '迁移名，如 add_applications')
  .action(async (name: string) => {
    const { diffCommand } = await import('./commands/db.ts');
    await diffCommand(name);
  });

program
  .command('index')
  .description('知识库')
  .command('check')
  .description('检查 knowledge/ 目录（条目编号、FAQ 指向）并打印摘要')
  .action(async () => {
    const { indexCheckCommand } = await import('./commands/index-check.ts');
    indexCheckCommand(config());
  });

program
  .command('serve')
  .description(
    '运行机器人：已配置的全部渠道（或 CHANNELS 指定的渠道，可以一个也没有），一个 HTTP 服务提供各渠道的回调地址、/healthz、/metrics',
  )
  .option('--processes <n>', '进程数（多核时可设为核数；事件去重和发送队列在 Redis 中共享）', '1')
  .action(async (opts: { processes: string }) => {
    const processes = Number(opts.processes);
    if (!Number.isInteger(processes) || processes < 1 || processes > 64) {
      throw new ConfigError([{ variable: '--processes', reason: '应是 1–64 的整数 (an integer from 1 to 64)' }]);
    }
    const { serveCommand } = await import('./commands/serve.ts');
    await serveCommand(config(), { processes });
  });

// A channel may name a command that runs `serve` with it alone (e.g. `wechat`).
for (const definition of CHANNELS as readonly AnyChannelDefinition[]) {
  const command = definition.command;
  if (!command) continue;
  program
    .command(command.name)
    .description(command.description)
    .action(async () => {
      const { serveCommand } = await import('./commands/serve.ts');
      await serveCommand(config(), { channels: [definition] });
    });
}

const applications = program
  .command('applications')
  .description('入盟申请：列出全部申请（含草稿和已放弃的），--json 输出 JSON 数组')
  .option('--json', '输出 JSON 数组')
  .action(async (opts: { json?: boolean }) => {
    const { listApplicationsCommand } = await import('./commands/applications.ts');
    await listApplicationsCommand(config(), opts);
  });
applications
  .command('export')
  .description('导出全部申请供秘书处使用（--csv：带 BOM 的 UTF-8 CSV，Excel 可直接打开）')
  .option('--csv', 'CSV 格式')
  .action(async (opts: { csv?: boolean }) => {
    const { exportApplicationsCommand } = await import('./commands/applications.ts');
    await exportApplicationsCommand(config(), opts);
  });

program
  .command('worker')
  .description('只运行投递与计时：发件箱转发、可在任意进程发送的渠道的消息投递、公示期等计时（可多开以扩容）')
  .action(async () => {
    const { workerCommand } = await import('./commands/worker.ts');
    await workerCommand(config());
  });

const members = program.command('members').description('联盟成员名单（秘书处）：导入、导出');
members
  .command('import')
  .description(
    '导入现有成员名单，列为 orgName,orgType,repName,channel,userId；可重复导入（按单位名称更新），坏行按行号报告并跳过',
  )
  .requiredOption('--csv <file>', 'CSV 文件')
  .action(async (opts: { csv: string }) => {
    const { membersImportCommand } = await import('./commands/members.ts');
    await membersImportCommand(config(), opts);
  });
members
  .command('export')
  .description('导出成员名单（--csv；--all 含已退出、已除名的单位）')
  .option('--csv', 'CSV 格式')
  .option('--all', '包括已退出、已除名的单位')
  .action(async (opts: { csv?: boolean; all?: boolean }) => {
    const { membersExportCommand } = await import('./commands/members.ts');
    await membersExportCommand(config(), opts);
  });

const broadcast = program
  .command('broadcast')
  .description('群发通知：给每家成员单位代表发一张通知卡片，打印群发编号后退出（由 serve/worker 投递）')
  .option('--to <audience>', '发送对象（members）', 'members')
  .option('--text <text>', '通知正文')
  .option('--file <path>', '附件')
  .action(async (opts: { to: string; text?: string; file?: string }) => {
    const { broadcastCommand } = await import('./commands/broadcast.ts');
    await broadcastCommand(config(), { ...opts, text: opts.text ?? '' });
  });
broadcast
  .command('status')
  .description('群发进度：--json 输出 {"id","total","delivered","pending","failed"}')
  .argument('<id>', '群发编号')
  .option('--json', 'JSON 输出')
  .action(async (id: string, opts: { json?: boolean }) => {
    const { broadcastStatusCommand } = await import('./commands/broadcast.ts');
    await broadcastStatusCommand(config(), id, opts);
  });

const questions = program
  .command('questions')
  .description('答不上来的问题（秘书处）：列出常见的，指向某一条或标记为不涉及');
questions
  .command('unanswered')
  .description('列出机器人没能回答的问题，按次数排序（已处理的不再列出）')
  .option('--since <span>', '时间范围，如 7d、24h', '7d')
  .option('--json', 'JSON 输出')
  .option('--dialog', '也列出填表时没能理解的消息')
  .action(async (opts: { since: string; json?: boolean; dialog?: boolean }) => {
    const { unansweredCommand } = await import('./commands/questions.ts');
    await unansweredCommand(config(), opts);
  });
questions
  .command('map')
  .description(
    '把一个问题指向某一条（--to 第十八条 / 通知 / 申请表）或标记为文件不涉及（--not-covered）；所有在运行的机器人十秒内生效',
  )
  .argument('<text>', '问题原文')
  .option('--to <section>', '回答它的条款')
  .option('--not-covered', '文件没有写到')
  .option('--by <who>', '谁做的（默认 cli:<系统用户名>）')
  .action(async (text: string, opts: { to?: string; notCovered?: boolean; by?: string }) => {
    const { mapQuestionCommand } = await import('./commands/questions.ts');
    await mapQuestionCommand(config(), text, opts);
  });

program.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError || error instanceof CorpusError) {
    console.error(error.message);
    process.exit(2);
  }
  createLogger('error').error({ err: error }, 'command failed');
  console.error(`出错了 / failed: ${redactUrl((error as Error).message)}`);
  process.exit(1);
}
