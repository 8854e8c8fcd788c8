import type { Config } from '../config.ts';
import { createApp } from '../app.ts';
import { createLogger } from '../log.ts';
import { runJsonl } from '../channels/console/jsonl.ts';
import { runInteractive } from '../channels/console/interactive.ts';

const VERBOSE = new Set(['debug', 'trace']);

export async function chatCommand(config: Config, opts: { jsonl?: boolean; user: string }): Promise<void> {
  // A person at the terminal reads the chat, not JSON log lines: only warnings, unless debugging.
  const interactive = !opts.jsonl;
  const log = createLogger(interactive && !VERBOSE.has(config.logLevel) ? 'warn' : config.logLevel);
  if (interactive) {
    console.log(config.databaseUrl ? '正在连接数据库…' : `正在启动内置数据库（${config.dataDir}），首次启动需要几秒…`);
  }
  const app = await createApp(config, { log });
  try {
    if (opts.jsonl) await runJsonl(app.bot, process.stdin, (line) => process.stdout.write(`${line}\n`));
    else await runInteractive(app.bot, opts.user, app.services.texts.t('bot.welcome'));
  } finally {
    await app.close();
  }
}
