// The LLM-grounded answerer: any OpenAI-compatible chat-completions endpoint, given only the retrieved
// sections. Its answer is kept only if it cites real retrieved sections; otherwise the caller falls back
// to the extractive answer.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Texts } from '../bot/texts.ts';
import type { Answer } from './answer.ts';
import type { SectionHit } from './search.ts';
import { fencedQuestion, type LlmClient } from './openai-client.ts';

const CITE = /【(第[一二三四五六七八九十]+条|通知|申请表)】/g;

export type LlmAnswerer = {
  answer(question: string, hits: SectionHit[], extractive: Answer): Promise<Answer | undefined>;
};

export function createLlmAnswerer(
  llm: NonNullable<Config['llm']>,
  texts: Texts,
  log: Logger,
  client: LlmClient,
): LlmAnswerer {
  const system = texts.file('answer-system.md');

  return {
    async answer(question, hits, extractive) {
      const sources = hits
        .map((h) => `[${h.section.label}] ${h.section.title}：${h.section.text}`)
        .join('\n\n');
      try {
        const completion = await (await client()).chat.completions.create({
          model: llm.model,
          temperature: 0,
          max_tokens: 600,
          messages: [
            { role: 'system', content: `${system}\n\n【资料】\n${sources}` },
            { role: 'user', content: fencedQuestion(question) },
          ],
        });
        const content = completion.choices[0]?.message?.content?.trim() ?? '';
        const allowed = new Set(hits.map((h) => h.section.label));
        const cited = [...new Set([...content.matchAll(CITE)].map((m) => m[1]!))];
        if (!content || content.includes('NO_ANSWER') || cited.length === 0 || cited.some((c) => !allowed.has(c))) {
          log.warn({ cited, length: content.length }, 'LLM answer rejected (no or unknown citation); using extractive answer');
          return undefined;
        }
        const byLabel = new Map(extractive.citations.map((c) => [c.section, c]));
        const citations = cited.map((label) => byLabel.get(label)).filter((c) => c !== undefined);
        return { answer: content, citations, refused: false, mode: 'llm' };
      } catch (error) {
        log.warn({ err: (error as Error).message }, 'LLM call failed; using extractive answer');
        return undefined;
      }
    },
  };
}
