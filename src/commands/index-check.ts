import type { Config } from '../config.ts';
import { loadCorpus } from '../knowledge/corpus.ts';

/** Throws CorpusError (listing every problem) when the corpus is invalid; prints a summary otherwise. */
export function indexCheckCommand(config: Config): void {
  const corpus = loadCorpus(config.knowledgeDir);
  const byDoc = (doc: string) => corpus.sections.filter((s) => s.doc === doc).length;
  const cited = new Set(corpus.faq.flatMap((f) => f.sections));
  const uncovered = corpus.sections.filter((s) => !cited.has(s.id)).map((s) => s.id);
  console.log(`知识库检查通过 (${config.knowledgeDir})`);
  console.log(`  章程条目 ${byDoc('charter')}，通知段落 ${byDoc('notice')}，申请表段落 ${byDoc('form')}`);
  console.log(
    `  常见问题 ${corpus.faq.length} 条（问法 ${corpus.faq.reduce((n, f) => n + f.questions.length, 0)} 种），同义词组 ${corpus.synonyms.length} 组`,
  );
  if (uncovered.length > 0) console.log(`  提示：以下条目还没有常见问题指向它：${uncovered.join('、')}`);
}
