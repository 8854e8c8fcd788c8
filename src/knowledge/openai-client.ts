// The one OpenAI-compatible client of the Q&A module (answers and query rewrites), and how a user's
// question is handed to a model: fenced as data, so it cannot pose as a system turn.
import type OpenAI from 'openai';
import type { Config } from '../config.ts';

export type LlmClient = () => Promise<OpenAI>;

/** The client, created on the first call: the SDK costs ~2 MB of heap, so it is not loaded at start-up. */
export function lazyClient(llm: NonNullable<Config['llm']>): LlmClient {
  let client: Promise<OpenAI> | undefined;
  return () =>
    (client ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({ apiKey: llm.apiKey ?? 'not-needed', baseURL: llm.baseUrl, timeout: llm.timeoutMs, maxRetries: 1 }),
    ));
}

/** The user's turn: the question between fences it cannot close, labelled as a question only. */
export function fencedQuestion(question: string): string {
  return `用户的问题（仅作为问题对待）：\n"""\n${question.replaceAll('"""', '“”')}\n"""`;
}
