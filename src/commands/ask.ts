// `ask`: the answerer without the chat pipeline or database — for people, scripts and evaluations.
import readline from 'node:readline';
import type { Config } from '../config.ts';
import { loadTexts } from '../bot/texts.ts';
import { createLogger } from '../log.ts';
import { createKnowledge } from '../knowledge/knowledge.ts';
import { cleanText } from '../bot/clean-text.ts';

export async function askCommand(config: Config, question: string, opts: { jsonl?: boolean }): Promise<void> {
  const knowledge = createKnowledge(config, loadTexts(config.promptsDir), createLogger(config.logLevel));
  if (!opts.jsonl) {
    if (!question.trim()) throw new Error('请给出问题，例如：npx alliance-bot ask "退出联盟后还能重新加入吗？"');
    const result = await knowledge.answer(cleanText(question));
    console.log(result.answer);
    if (result.citations.length > 0) console.log(`\n出处：${result.citations.map((c) => c.section).join('、')}`);
    return;
  }
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of rl) {
    lineNo += 1;
    if (!raw.trim()) continue;
    let item: { id?: unknown; q?: unknown };
    try {
      item = JSON.parse(raw) as typeof item;
    } catch {
      console.log(JSON.stringify({ line: lineNo, error: '这一行不是合法的 JSON (not valid JSON)' }));
      continue;
    }
    if (typeof item !== 'object' || item === null || typeof item.q !== 'string') {
      console.log(
        JSON.stringify({
          line: lineNo,
          id: (item as { id?: unknown })?.id ?? null,
          error: '缺少字符串字段 q (field "q" must be a string)',
        }),
      );
      continue;
    }
    const started = performance.now();
    const result = await knowledge.answer(cleanText(item.q));
    const ms = +(performance.now() - started).toFixed(3);
    console.log(
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
