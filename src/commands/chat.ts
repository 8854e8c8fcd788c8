import type { Config } from '../config.ts';
import { openConsoleSession } from './console-session.ts';
import { renderForTerminal } from '../channels/console/render.ts';
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
  // Messages for other console users (cards for the secretariat, notices) arrive through the
  // delivery backbone while the chat goes on; the terminal shows them, --jsonl emits `push` lines.
  const app = await openConsoleSession(config, {
    log,
    push: (user, outbound) =>
      opts.jsonl
        ? process.stdout.write(`${JSON.stringify({ push: { user, outbound } })}\n`)
        : console.log(
            `\n${app.services.texts.t('delivery.console_delivery', { user, text: renderForTerminal(outbound) })}\n`,
          ),
    notice: (text) => (opts.jsonl ? console.error(text) : console.log(text)),
  });
  try {
    if (opts.jsonl) await runJsonl(app.bot, process.stdin, (line) => process.stdout.write(`${line}\n`));
    else await runInteractive(app.bot, opts.user, app.services.texts.t('bot.welcome'));
  } finally {
    await app.close();
  }
}
