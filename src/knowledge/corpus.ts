// Reads the curated corpus (knowledge/*.md + faq.yaml) into sections with ids, FAQ entries and
// synonym groups. The files are content the secretariat edits; this only parses and checks them.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { NUMERAL_CHARS, ordinal, parseChineseNumber } from './numerals.ts';

export type SectionDoc = 'charter' | 'notice' | 'form';

export type Section = {
  /** Unique id: the article label (`第十九条`) or the `{#id}` given in the heading. */
  id: string;
  /** The citation label: `第十九条`, `通知`, `申请表`. */
  label: string;
  title: string;
  chapter?: string;
  doc: SectionDoc;
  paragraphs: string[];
  text: string;
};

export type FaqEntry = { id: string; questions: string[]; sections: string[] };

/** Something people ask that the documents do not say: answered with a plain "not in the documents". */
export type UnansweredTopic = { id: string; match: RegExp[]; note: string };

/** A chapter of the charter (`## 第三章 联盟成员`) and its articles, in order. */
export type Chapter = { number: number; title: string; articles: Section[] };

/** The charter's shape, read from charter.md: article n is `articles[n - 1]` (checked on load). */
export type Charter = { title: string; articles: Section[]; chapters: Chapter[] };

export type Corpus = {
  sections: Section[];
  charter: Charter;
  byId: Map<string, Section>;
  faq: FaqEntry[];
  synonyms: string[][];
  unanswered: UnansweredTopic[];
  /** English word or phrase (lower case) → the Chinese word the documents use. */
  glossary: Map<string, string>;
  /** Years the documents mention (a question about another year is not answered by them). */
  years: Set<string>;
};

export class CorpusError extends Error {
  constructor(readonly problems: string[]) {
    super(`知识库有误 / knowledge corpus invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CorpusError';
  }
}

const DOC_FILES: Record<SectionDoc, string> = { charter: 'charter.md', notice: 'notice.md', form: 'form.md' };
const HEADING = /^###\s+(\S+)(\s.*)?$/;
const HEADING_ID = /\{#([\w-]+)\}$/;

export function parseSections(markdown: string, doc: SectionDoc, file: string, problems: string[]): Section[] {
  const sections: Section[] = [];
  let chapter: string | undefined;
  let current: Section | undefined;
  markdown.split(/\r?\n/).forEach((line, index) => {
    if (/^##\s/.test(line) && !/^###/.test(line)) {
      chapter = line.replace(/^##\s+/, '').trim();
      current = undefined;
      return;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const [, label = '', tail = ''] = heading;
      // The id is split off in code: one pattern for label, title and id backtracks quadratically.
      const rest = tail.trim();
      const explicitId = HEADING_ID.exec(rest)?.[1];
      const title = (explicitId ? rest.slice(0, -`{#${explicitId}}`.length) : rest).trim();
      current = { id: explicitId ?? label, label, title, chapter, doc, paragraphs: [], text: '' };
      sections.push(current);
      if (!title) problems.push(`${file}:${index + 1}: 标题缺少简短说明 (heading needs a short title)`);
      return;
    }
    if (/^#\s/.test(line)) return;
    const paragraph = line.trim();
    if (!paragraph) return;
    if (!current) problems.push(`${file}:${index + 1}: 正文不在任何 ### 条目之下 (text outside a section)`);
    else current.paragraphs.push(paragraph);
  });
  for (const s of sections) {
    s.text = s.paragraphs.join('\n');
    if (!s.text) problems.push(`${file}: ${s.id} 没有正文 (empty section)`);
  }
  return sections;
}

type FaqFile = { synonyms?: unknown; faq?: unknown; unanswered?: unknown; glossary?: unknown };

export function loadCorpus(dir: string): Corpus {
  const problems: string[] = [];
  const sections: Section[] = [];
  let charterTitle = '';
  for (const [doc, file] of Object.entries(DOC_FILES) as [SectionDoc, string][]) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) {
      problems.push(`缺少文件 ${file} (missing)`);
      continue;
    }
    const markdown = fs.readFileSync(full, 'utf8');
    const parsed = parseSections(markdown, doc, file, problems);
    sections.push(...parsed);
    if (doc === 'charter') {
      charterTitle = /^#\s+(\S.*)$/m.exec(markdown)?.[1]?.trim() ?? '';
      checkCharterNumbering(parsed, problems);
    }
  }
  const byId = new Map<string, Section>();
  for (const s of sections) {
    if (byId.has(s.id)) problems.push(`条目编号重复 (duplicate section id): ${s.id}`);
    byId.set(s.id, s);
  }

  let data: FaqFile = {};
  const faqPath = path.join(dir, 'faq.yaml');
  try {
    data = (parse(fs.readFileSync(faqPath, 'utf8')) ?? {}) as FaqFile;
  } catch (error) {
    problems.push(`faq.yaml 无法解析 (cannot parse): ${(error as Error).message.split('\n')[0]}`);
  }
  const synonyms = readSynonyms(data.synonyms, problems);
  const faq = readFaq(data.faq, byId, problems);
  const unanswered = readUnanswered(data.unanswered, problems);
  const glossary = readGlossary(data.glossary, sections, synonyms, problems);
  if (problems.length > 0) throw new CorpusError(problems);
  const years = new Set(sections.flatMap((s) => s.text.match(/(?:19|20)\d{2}(?=年|\])/g) ?? []));
  return { sections, charter: charterOf(charterTitle, sections), byId, faq, synonyms, unanswered, years, glossary };
}

const ARTICLE_LABEL = new RegExp(`^第([${NUMERAL_CHARS}]+)条$`);
const CHAPTER_TITLE = new RegExp(`^第([${NUMERAL_CHARS}]+)章`);

/** The number in `第十九条`, or undefined for any other label. */
function articleNumber(label: string): number | undefined {
  const m = ARTICLE_LABEL.exec(label);
  return m ? parseChineseNumber(m[1]!) : undefined;
}

/** The number in `第四章 工作规则`, or undefined. */
function chapterNumber(title: string): number | undefined {
  const m = CHAPTER_TITLE.exec(title);
  return m ? parseChineseNumber(m[1]!) : undefined;
}

/**
 * Questions about "第二十六条" or "一共几条" are answered from the charter's numbering, so it must be
 * exactly 第一条, 第二条, … in order, each inside a numbered chapter (第一章, 第二章, …).
 */
function checkCharterNumbering(articles: Section[], problems: string[]): void {
  if (articles.length === 0) problems.push('charter.md: 没有任何条目 (no articles)');
  let chapters = 0;
  let chapter: string | undefined;
  articles.forEach((s, i) => {
    if (articleNumber(s.label) !== i + 1)
      problems.push(`charter.md: ${s.label} 应为${ordinal(i + 1, '条')}，条号须从第一条起连续 (articles must be numbered 1, 2, 3, …)`);
    if (s.chapter === undefined) {
      problems.push(`charter.md: ${s.label} 不在任何“## 第X章”之下 (article outside a chapter)`);
      return;
    }
    if (s.chapter === chapter) return;
    chapter = s.chapter;
    chapters += 1;
    if (chapterNumber(s.chapter) !== chapters)
      problems.push(`charter.md: “${s.chapter}”应为${ordinal(chapters, '章')}，章号须从第一章起连续 (chapters must be numbered 1, 2, 3, …)`);
  });
}

function charterOf(title: string, sections: Section[]): Charter {
  const articles = sections.filter((s) => s.doc === 'charter');
  const chapters: Chapter[] = [];
  for (const s of articles) {
    const last = chapters.at(-1);
    if (last && last.title === s.chapter) last.articles.push(s);
    else if (s.chapter) chapters.push({ number: chapters.length + 1, title: s.chapter, articles: [s] });
  }
  return { title, articles, chapters };
}

function readSynonyms(raw: unknown, problems: string[]): string[][] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push('faq.yaml: synonyms 应是列表 (must be a list)');
    return [];
  }
  const seen = new Map<string, number>();
  return raw.flatMap((group, i) => {
    if (!Array.isArray(group) || group.length < 2 || !group.every((w) => typeof w === 'string' || typeof w === 'number')) {
      problems.push(`faq.yaml: synonyms 第 ${i + 1} 组应是至少两个词的列表`);
      return [];
    }
    const words = group.map((w) => String(w).trim()).filter(Boolean);
    for (const w of words) {
      if (seen.has(w)) problems.push(`faq.yaml: 同义词“${w}”出现在第 ${seen.get(w)! + 1} 组和第 ${i + 1} 组`);
      seen.set(w, i);
    }
    return [words];
  });
}

function readFaq(raw: unknown, byId: Map<string, Section>, problems: string[]): FaqEntry[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push('faq.yaml: faq 应是列表 (must be a list)');
    return [];
  }
  const ids = new Set<string>();
  return raw.flatMap((entry: unknown, i) => {
    const e = entry as { id?: unknown; questions?: unknown; sections?: unknown };
    const where = `faq.yaml: faq 第 ${i + 1} 条${typeof e?.id === 'string' ? `（${e.id}）` : ''}`;
    if (typeof e?.id !== 'string' || !e.id) {
      problems.push(`${where}: 缺少 id`);
      return [];
    }
    if (ids.has(e.id)) problems.push(`${where}: id 重复`);
    ids.add(e.id);
    const questions = Array.isArray(e.questions) ? e.questions.map(String).filter((q) => q.trim()) : [];
    if (questions.length === 0) problems.push(`${where}: questions 为空`);
    const refs = Array.isArray(e.sections) ? e.sections.map((s) => String(s).replace(/^#/, '')) : [];
    if (refs.length === 0) problems.push(`${where}: sections 为空`);
    for (const ref of refs) if (!byId.has(ref)) problems.push(`${where}: 指向不存在的条目 ${ref}`);
    return [{ id: e.id, questions, sections: refs }];
  });
}

function readUnanswered(raw: unknown, problems: string[]): UnansweredTopic[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push('faq.yaml: unanswered 应是列表 (must be a list)');
    return [];
  }
  return raw.flatMap((entry: unknown, i) => {
    const e = entry as { id?: unknown; match?: unknown; note?: unknown };
    const where = `faq.yaml: unanswered 第 ${i + 1} 条`;
    if (typeof e?.id !== 'string' || typeof e.note !== 'string' || !Array.isArray(e.match) || e.match.length === 0) {
      problems.push(`${where}: 需要 id、match（列表）和 note`);
      return [];
    }
    const match: RegExp[] = [];
    for (const pattern of e.match) {
      try {
        match.push(new RegExp(String(pattern), 'u'));
      } catch (error) {
        problems.push(`${where}: 正则表达式无效 ${String(pattern)} (${(error as Error).message})`);
      }
    }
    return [{ id: e.id, match, note: e.note.trim() }];
  });
}

/** `glossary:` maps English words to a word the documents (or a synonym group) use. */
function readGlossary(raw: unknown, sections: Section[], synonyms: string[][], problems: string[]): Map<string, string> {
  const glossary = new Map<string, string>();
  if (raw === undefined) return glossary;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push('faq.yaml: glossary 应是“英文: 中文”的映射 (must be a mapping)');
    return glossary;
  }
  const text = sections.map((s) => `${s.title}${s.text}`).join('');
  const known = (word: string) => text.includes(word) || synonyms.some((g) => g.includes(word));
  for (const [english, chinese] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof chinese !== 'string' || !chinese.trim()) {
      problems.push(`faq.yaml: glossary “${english}” 需要一个中文词`);
      continue;
    }
    if (!known(chinese.trim())) problems.push(`faq.yaml: glossary “${english}” → “${chinese}” 不是文件或同义词表里的词`);
    glossary.set(english.toLowerCase().trim().replace(/\s+/g, ' '), chinese.trim());
  }
  return glossary;
}
