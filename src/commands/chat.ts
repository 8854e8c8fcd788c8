import type { Config } from '../config.ts';
import { createApp } from '../app.ts';
import { runJsonl } from '../channels/console/jsonl.ts';
import { runInteractive } from '../channels/console/interactive.ts';

export async function chatCommand(config: Config, opts: { jsonl?: boolean; user: string }): Promise<void> {
  const app = await createApp(config);
  try {
    if (opts.jsonl) await runJsonl(app.bot, process.stdin, (line) => process.stdout.write(`${line}\n`));
    else await runInteractive(app.bot, opts.user, app.services.texts.t('bot.welcome'));
  } finally {
    await app.close();
  }
}
