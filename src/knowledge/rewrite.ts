// The question rewritten by the model into the documents' own words before retrieval ("要是哪天我们觉得
// 没意思了，能不能撤" → "成员 退出 联盟 申请 批准"): one short call with a tight timeout. What comes
// back is only ever search terms — cut to a few words of letters and digits, dropped when it reads
// like an instruction, never shown to anyone — and the retrieval without it stays the floor
// (knowledge.ts decides what the extra terms may add). Any failure means "no rewrite".
import type { Logger } from 'pino';
import type { Texts } from '../bot/texts.ts';
import { looksLikeInstruction } from './injection.ts';
import { fencedQuestion, type LlmClient } from './openai-client.ts';

/** What the model made of the question: search terms, or "not about the documents". */
export type Rewrite = { kind: 'terms'; terms: string } | { kind: 'out_of_scope' };

export type QueryRewriter = {
  /** undefined: no rewrite (failed, timed out, or nothing usable came back). */
  rewrite(question: string): Promise<Rewrite | undefined>;
};

/** The model's word for "not about the documents" (prompts/rewrite-system.md asks for it). */
export const OUT_OF_SCOPE = 'OUT_OF_SCOPE';
/** At most this many search terms, each at most MAX_TERM_CHARS long, MAX_CHARS in all. */
const MAX_TERMS = 10;
const MAX_TERM_CHARS = 16;
const MAX_CHARS = 80;
/** Enough for ten short words; a model that starts to chat is cut off. */
const MAX_TOKENS = 60;
/** Rewrites kept in process (the most recently used). */
export const REWRITE_CACHE_SIZE = 256;

/**
 * The model's reply as search terms: OUT_OF_SCOPE; or up to MAX_TERMS words of letters and digits
 * (anything else is a separator) with at least one Han character; or undefined (nothing usable, or it
 * reads like an instruction).
 */
export function searchTermsOf(reply: string): Rewrite | undefined {
  const text = reply.normalize('NFKC');
  if (text.includes(OUT_OF_SCOPE)) return { kind: 'out_of_scope' };
  if (looksLikeInstruction(text)) return undefined;
  const words = text
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && w.length <= MAX_TERM_CHARS)
    .slice(0, MAX_TERMS);
  let terms = '';
  for (const w of words) {
    if (terms.length + w.length + 1 > MAX_CHARS) break;
    terms = terms ? `${terms} ${w}` : w;
  }
  return /\p{Script=Han}/u.test(terms) ? { kind: 'terms', terms } : undefined;
}

/**
 * `key` says when two questions are the same one (folded, punctuation and spaces aside); `titles` are
 * the documents' section headings, offered to the model as vocabulary ({titles} in the prompt).
 */
export function createQueryRewriter(options: {
  model: string;
  timeoutMs: number;
  client: LlmClient;
  texts: Texts;
  log: Logger;
  titles: string;
  key: (question: string) => string;
}): QueryRewriter {
  const { model, timeoutMs, client, texts, log, key } = options;
  const system = texts.file('rewrite-system.md').replaceAll('{titles}', options.titles);
  // Least recently used first; a pending rewrite is shared by whoever asks the same meanwhile.
  const cache = new Map<string, Promise<Rewrite | undefined>>();

  const ask = async (question: string): Promise<Rewrite | undefined> => {
    try {
      const completion = await (
        await client()
      ).chat.completions.create(
        {
          model,
          temperature: 0,
          max_tokens: MAX_TOKENS,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: fencedQuestion(question) },
          ],
        },
        { timeout: timeoutMs, maxRetries: 0 },
      );
      const reply = completion.choices[0]?.message?.content ?? '';
      const rewrite = searchTermsOf(reply);
      if (!rewrite) log.warn({ length: reply.length }, 'LLM query rewrite unusable; searching with the question as asked');
      return rewrite;
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'LLM query rewrite failed; searching with the question as asked');
      return undefined;
    }
  };

  return {
    rewrite(question) {
      const k = key(question);
      const cached = cache.get(k);
      if (cached) {
        cache.delete(k);
        cache.set(k, cached);
        return cached;
      }
      const pending = ask(question).then((rewrite) => {
        // A failure is not remembered: the next time the question is asked, the model is asked again.
        if (!rewrite && cache.get(k) === pending) cache.delete(k);
        return rewrite;
      });
      cache.set(k, pending);
      if (cache.size > REWRITE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return pending;
    },
  };
}
