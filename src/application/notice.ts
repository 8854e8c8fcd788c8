// What the application takes from the corpus rather than from code: the deadline and the sending
// instructions of the notice, and the eligibility conditions of 第十三条. If the secretariat edits
// knowledge/*.md, the dialog follows.
import type { Corpus } from '../knowledge/corpus.ts';
import { formatBeijingDate, formatBeijingDayText, parseBeijingDay } from '../time/beijing.ts';

export type NoticeFacts = {
  /** Deadline stated in the notice, YYYY-MM-DD. */
  noticeDeadline: string;
  howToApply: string;
  contact: string;
  /** 第十三条 (一)…(四), one line each. */
  conditions: string[];
};

const HOW_TO_APPLY = 'notice-how-to-apply';
const CONTACT = 'notice-contact';
const CONDITIONS = '第十三条';

export function readNoticeFacts(corpus: Corpus): NoticeFacts {
  const section = (id: string) => {
    const found = corpus.byId.get(id);
    if (!found) throw new Error(`knowledge corpus has no section ${id} (needed by the application form)`);
    return found;
  };
  const howTo = section(HOW_TO_APPLY);
  const date = /于\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(howTo.text);
  if (!date) throw new Error(`${HOW_TO_APPLY} states no deadline (于YYYY年M月D日前)`);
  const [, y, m, d] = date;
  return {
    noticeDeadline: `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`,
    howToApply: howTo.paragraphs[0] ?? howTo.text,
    contact: section(CONTACT).text,
    conditions: section(CONDITIONS).paragraphs.filter((p) => /^[（(][一二三四五六七八九十]+[)）]/.test(p)),
  };
}

export type Deadline = { date: string; endsAt: Date } | undefined;

/** The configured deadline (or the notice's), inclusive, to the end of that day in Beijing time. */
export function resolveDeadline(configured: string | undefined, facts: NoticeFacts): Deadline {
  if (configured === 'none') return undefined;
  const date = configured ?? facts.noticeDeadline;
  const day = parseBeijingDay(date);
  if (!day) throw new Error(`deadline ${date} is not a YYYY-MM-DD date`);
  return { date, endsAt: day.endsAt };
}

/** 2019-09-26 (a Beijing day) or an instant → 2019年9月26日 */
export function chineseDate(value: string | Date): string {
  return typeof value === 'string' ? formatBeijingDayText(value) : formatBeijingDate(value);
}
