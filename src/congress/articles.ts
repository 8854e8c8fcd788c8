// An article of the charter as a motion names it: `第十九条`, `十九`, `19`.
import type { Charter } from '../knowledge/corpus.ts';
import { parseChineseNumber } from '../knowledge/numerals.ts';

export function articleFinder(charter: Charter): (label: string) => { label: string; text: string } | undefined {
  return (label) => {
    const bare = label.trim().replace(/^第/, '').replace(/条$/, '');
    const n = parseChineseNumber(bare);
    const article = n === undefined ? undefined : charter.articles[n - 1];
    return article ? { label: article.label, text: article.text } : undefined;
  };
}
