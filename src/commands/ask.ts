// `ask`: the answerer without the chat pipeline or database — for people, scripts and evaluations.
import type { Config } from '../config.ts';
import { loadTexts } from '../bot/texts.ts';
import { createLogger } from '../log.ts';
import { createKnowledge } from '../knowledge/knowledge.ts';
import { cleanText } from '../bot/clean-text.ts';
import { jsonLines } from '../channels/console/json-lines.ts';

export async function askCommand(config: Config, question: string, opts: { jsonl?: boolean }): Promise<void> {
  const knowledge = createKnowledge(config, loadTexts(config.promptsDir), createLogger(config.logLevel));
  if (!opts.jsonl) {
    if (!question.trim()) throw new Error('请给出问题，例如：npx alliance-bot ask "退出联盟后还能重新加入吗？"');
    const result = await knowledge.answer(cleanText(question));
    console.log(result.answer);
    if (result.citations.length > 0) console.log(`\n出处：${result.citations.map((c) => c.section).join('、')}`);
    return;
  }
  const write = (line: string) => console.log(line);
  for await (const { lineNo, value } of jsonLines(process.stdin, write)) {
    const item = value as { id?: unknown; q?: unknown } | null;
    if (typeof item !== 'object' || item === null || typeof item.q !== 'string') {
      write(
        JSON.stringify({
          line: lineNo,
          id: item?.id ?? null,
          error: '缺少字符串字段 q (field "q" must be a string)',
        }),
      );
      continue;
    }
    const started = performance.now();
    const result = await knowledge.answer(cleanText(item.q));
    const ms = +(performance.now() - started).toFixed(3);
    write(
      JSON.stringify({
        id: item.id ?? null,
        answer: result.answer,
        citations: result.citations,
        refused: result.refused,
        ms,
      }),
    );
  }
}
