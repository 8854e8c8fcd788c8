// `chat`: an interactive terminal conversation (readline, Chinese prompts) as console user "me".
import readline from 'node:readline/promises';
import type { Bot } from '../../bot/bot.ts';
import { consoleInbound } from './console-inbound.ts';
import { renderForTerminal } from './render.ts';

export async function runInteractive(bot: Bot, user: string, greeting: string): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  console.log(`${greeting}\n（输入“再见”或按 Ctrl+D 结束对话）\n`);
  rl.setPrompt('您：');
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (/^(再见|拜拜|\/exit|\/quit)$/i.test(text)) break;
    const file = /^(?:文件|file)[:：]\s*(\S.*)$/i.exec(text)?.[1];
    const replies = await bot.handle(consoleInbound(user, file ? { file } : { text: line }));
    for (const reply of replies) console.log(`\n助手：${renderForTerminal(reply)}\n`);
    rl.prompt();
  }
  rl.close();
  console.log('再见！');
}
