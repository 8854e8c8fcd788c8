// Answers a question from the corpus: extractive by default, LLM-grounded when configured.
import type { Citation } from '../bot/outbound.ts';

export type Answer = {
  answer: string;
  citations: Citation[];
  refused: boolean;
  /** How the answer was produced. */
  mode: 'extractive' | 'llm' | 'refused';
  /** Refused because the question reads as an instruction to the bot (not worth learning from). */
  instruction?: boolean;
  /** Answered, but only with the nearest rule after saying the documents do not cover the question. */
  weak?: boolean;
};

export type Answerer = {
  answer(question: string): Promise<Answer>;
};
