// Compares the two word segmenters for Chinese on the evaluation sets: ICU's Intl.Segmenter (built
// into Node, the default) and jieba (@node-rs/jieba, a native binding; dev dependency only).
// Prints hit rates per set, answer latency and the memory each adds.
//   npx tsx bench/segmenters.ts
import path from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { loadConfig } from '../src/config.ts';
import { loadTexts } from '../src/bot/texts.ts';
import { createLogger } from '../src/log.ts';
import { createKnowledge } from '../src/knowledge/knowledge.ts';
import type { Segment } from '../src/knowledge/analyzer.ts';
import { answerableRate, judge, loadEvalSet, report } from '../test/eval/evaluate.ts';

const config = { ...loadConfig(), llm: undefined };
const texts = loadTexts(config.promptsDir);
const log = createLogger('silent');
const sets = {
  tuning: loadEvalSet(),
  holdout: loadEvalSet(path.join(import.meta.dirname, '../test/eval/holdout.jsonl')),
};

const rssBefore = process.memoryUsage().rss;
const jieba = Jieba.withDict(dict);
const jiebaSegment: Segment = (text) => jieba.cut(text, false);
jiebaSegment('预热');
const jiebaRss = process.memoryUsage().rss - rssBefore;

const segmenters: Record<string, Segment | undefined> = { 'Intl.Segmenter (ICU)': undefined, jieba: jiebaSegment };
for (const [name, segment] of Object.entries(segmenters)) {
  const knowledge = createKnowledge(config, texts, log, { segment });
  const line = [name.padEnd(22)];
  const times: number[] = [];
  for (const [setName, items] of Object.entries(sets)) {
    const outcomes = items.map((item) => {
      const started = performance.now();
      const answer = knowledge.extractive(item.q);
      times.push(performance.now() - started);
      return judge(item, answer);
    });
    const oos = report(outcomes).find((r) => r.kind === 'out_of_scope')!;
    line.push(
      `${setName}: top-3 ${(answerableRate(outcomes) * 100).toFixed(1)}%, refused ${(oos.rate * 100).toFixed(0)}%`,
    );
  }
  times.sort((a, b) => a - b);
  line.push(`p50 ${times[Math.floor(times.length / 2)]!.toFixed(2)} ms`);
  console.log(line.join('  |  '));
}
console.log(`jieba dictionary adds about ${(jiebaRss / 1048576).toFixed(0)} MB RSS`);
