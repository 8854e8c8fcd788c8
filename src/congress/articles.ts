// An article of the charter as a motion names it: `第十九条`, `十九`, `19`.
import type { Charter } from '../knowledge/corpus.ts';
import type { Tx } from '../delivery/outbox.ts';
import { parseChineseNumber } from '../knowledge/numerals.ts';

export function articleFinder(charter: Charter): (label: string) => { label: string; text: string } | undefined {
  return (label) => {
    const bare = label.trim().replace(/^第/, '').replace(/条$/, '');
    const n = parseChineseNumber(bare);
    const article = n === undefined ? undefined : charter.articles[n - 1];
    return article ? { label: article.label, text: article.text } : undefined;
  };
}

/**
 * The current wording of an article: the newest published amendment of it (charterRevision, the
 * table the knowledge index is rebuilt from), else its text in `charter`. Read from the database each
 * time, so a process whose index has not yet reloaded after a publication elsewhere still gets it.
 */
export async function publishedArticle(
  db: Tx,
  charter: Charter,
  label: string,
): Promise<{ label: string; text: string } | undefined> {
  const article = articleFinder(charter)(label);
  if (!article) return undefined;
  const latest = await db.charterRevision.findFirst({
    where: { article: article.label },
    orderBy: { publishedAt: 'desc' },
    select: { text: true },
  });
  return latest ? { label: article.label, text: latest.text } : article;
}
