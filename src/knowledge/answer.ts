// Answers a question from the corpus: extractive by default, LLM-grounded when configured.
import type { Citation } from '../bot/outbound.ts';

export type Answer = {
  answer: string;
  citations: Citation[];
  refused: boolean;
  /** How the answer was produced. */
  mode: 'extractive' | 'llm' | 'refused';
};

export type Answerer = {
  answer(question: string): Promise<Answer>;
};
