// `chat --jsonl`: one JSON object per stdin line, {"user", "text"} (or "file" path, or "action"),
// one JSON line per input on stdout, {"user", "replies": [Outbound…]}. A bad line gets an error line
// and processing continues. Lines are handled in order.
import readline from 'node:readline';
import { z } from 'zod';
import type { Bot } from '../../bot/bot.ts';
import { consoleInbound } from './console-inbound.ts';

const Line = z
  .object({
    user: z.string().trim().min(1).max(200),
    text: z.string().optional(),
    file: z.string().min(1).optional(),
    action: z.object({ name: z.string().min(1), value: z.record(z.string(), z.string()).optional() }).optional(),
  })
  .refine((l) => l.text !== undefined || l.file !== undefined || l.action !== undefined, {
    message: '需要 text、file 或 action 字段之一 (text, file or action required)',
  });

export async function runJsonl(bot: Bot, input: NodeJS.ReadableStream, write: (line: string) => void): Promise<void> {
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of rl) {
    lineNo += 1;
    if (!raw.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      write(JSON.stringify({ line: lineNo, error: '这一行不是合法的 JSON (not valid JSON)' }));
      continue;
    }
    const line = Line.safeParse(parsed);
    if (!line.success) {
      write(
        JSON.stringify({
          line: lineNo,
          error: line.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; '),
        }),
      );
      continue;
    }
    const replies = await bot.handle(consoleInbound(line.data.user, line.data));
    write(JSON.stringify({ user: line.data.user, replies }));
  }
}
