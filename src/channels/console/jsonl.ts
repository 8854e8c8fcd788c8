// `chat --jsonl`: one JSON object per stdin line, {"user", "text"} (or "file" path, or "action"),
// one JSON line per input on stdout, {"user", "replies": [Outbound…]}. A bad line gets an error line
// and processing continues. Lines are handled in order.
import { z } from 'zod';
import type { Bot } from '../../bot/bot.ts';
import { consoleInbound } from './console-inbound.ts';
import { jsonLines } from './json-lines.ts';

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
  for await (const { lineNo, value } of jsonLines(input, write)) {
    const line = Line.safeParse(value);
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
