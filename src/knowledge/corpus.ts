// Reads the curated corpus (knowledge/*.md + faq.yaml) into sections with ids, FAQ entries and
// synonym groups. The files are content the secretariat edits; this only parses and checks them.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

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

export type Corpus = {
  sections: Section[];
  byId: Map<string, Section>;
  faq: FaqEntry[];
  synonyms: string[][];
  unanswered: UnansweredTopic[];
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
const HEADING = /^###\s+(\S+)\s*(.*?)\s*(?:\{#([\w-]+)\})?\s*$/;

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
      const [, label = '', title = '', explicitId] = heading;
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

type FaqFile = { synonyms?: unknown; faq?: unknown; unanswered?: unknown };

export function loadCorpus(dir: string): Corpus {
  const problems: string[] = [];
  const sections: Section[] = [];
  for (const [doc, file] of Object.entries(DOC_FILES) as [SectionDoc, string][]) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) {
      problems.push(`缺少文件 ${file} (missing)`);
      continue;
    }
    sections.push(...parseSections(fs.readFileSync(full, 'utf8'), doc, file, problems));
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
  if (problems.length > 0) throw new CorpusError(problems);
  const years = new Set(sections.flatMap((s) => s.text.match(/(?:19|20)\d{2}(?=年|\])/g) ?? []));
  return { sections, byId, faq, synonyms, unanswered, years };
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
