// Questions about the charter's numbering rather than its content: an article or chapter asked for by
// number (第二十条, 19条, 第二十六条 — which may not exist), what a chapter holds (第三章讲什么) and the
// charter's size (一共几条, 分几章). They are answered from the charter as parsed (corpus.charter),
// never from a count written into the code.
import type { Texts } from '../bot/texts.ts';
import type { Citation } from '../bot/outbound.ts';
import type { Answer } from './answer.ts';
import type { Analyzer } from './analyzer.ts';
import { foldChars } from './analyzer.ts';
import type { Chapter, Charter, Section } from './corpus.ts';
import { shortQuote } from './extract.ts';
import { chineseNumber, NUMERAL_CHARS, ordinal, parseChineseNumber } from './numerals.ts';

/** 第二十条, 第20条, 第五章 (not 第一条件). */
const EXPLICIT = new RegExp(`第\\s*([${NUMERAL_CHARS}]+)\\s*(条|章)(?!件)`, 'g');
/** 19条 without 第: an article only when it is all the question is about (not 条件有4条). */
const BARE = /(?<![\d第])(\d+)\s*条(?!件)/g;
/** How many articles or chapters (一共几条, 有多少条款, 分几章, 哪几章, 目录); not 第几条. */
const SIZE = /(?<!第)(几|多少)\s*(?:个\s*)?(条|章|部分|款)|哪(几|些)\s*(章|部分)|目录|章节|结构/g;
const SIZE_ANY = new RegExp(SIZE.source);
/** Which articles (哪几条, 哪些条): of a chapter, answered with its articles rather than their count. */
const WHICH_ARTICLES = /哪(几|些)\s*(?:个\s*)?(条|款)/;
/**
 * Words that only name the charter or its parts (besides the words of its title), or ask what an
 * article says (分别, 什么意思, 有什么区别): they leave nothing else to search for.
 */
const CHARTER_WORDS = [
  '章程',
  '条款',
  '条目',
  '一共',
  '一共有',
  '总共',
  '总共有',
  '共有',
  '共计',
  '合计',
  '总计',
  '全文',
  '原文',
  '全部',
  '整个',
  '整份',
  '这份',
  '内容',
  '部分',
  '章节',
  '目录',
  '结构',
  '分为',
  '包括',
  '包含',
  '文件',
  '分别',
  '具体',
  '详细',
  '主要',
  '意思',
  '含义',
  '区别',
  '不同',
  '一样',
  '不一样',
  '理解',
  '解读',
  '解释',
  '是啥',
  '讲的',
  '说的',
  '关于',
  '介绍',
  '讲讲',
  '看看',
  '都有',
  '东西',
  '里面',
  '里头',
  '说明',
  '事项',
  '简单',
  '大概',
  '总结',
  '概括',
];
/** How many of the last articles an answer about a missing article offers instead. */
const OFFERED_ARTICLES = 3;
/** A chapter answer quotes the start of each article when it lists no more articles than this. */
const QUOTED_ARTICLES = 5;
/** How long each of those quotes may be (characters), so the answer stays readable on a phone. */
const QUOTE_CHARS = 40;

export type CharterQuestion = {
  /** Articles asked for by number that the charter has, in the order asked. */
  named: Section[];
  /** Numbers of articles asked for that the charter does not have (第二十六条, 第零条). */
  missingArticles: number[];
  /** Chapters asked for by number that the charter has. */
  chapters: Chapter[];
  /** Numbers of chapters asked for that the charter does not have. */
  missingChapters: number[];
  /** The question asks how many articles or chapters the charter has (or for its outline). */
  asksSize: boolean;
  /**
   * The question asks what chapters hold (第三章讲什么, 章程第二章, 第一章): chapters by number, and
   * nothing else — no article number, no count, no topic (第三章里关于退出的规定 is about 退出).
   */
  asksChapter: boolean;
  /** The question without its article and chapter numbers: what else it asks about. */
  rest: string;
  /**
   * The rest names something besides the charter itself (退出, 条件 …), so retrieval has a say;
   * true as well when the question neither numbers nor counts anything (it is all searched).
   */
  topical: boolean;
};

export type CharterAnswers = {
  read(question: string): CharterQuestion;
  /** Says which asked-for articles and chapters do not exist; undefined when all do. */
  missingNote(asked: CharterQuestion): string | undefined;
  /** The whole answer when nothing asked for exists: the note, and what the charter does have. */
  missing(asked: CharterQuestion): Answer;
  /** How many chapters and articles, with the outline (of the chapters asked for, if any). */
  size(asked: CharterQuestion): Answer;
  /**
   * The chapters asked for: each one's title and its articles (number and title, and the start of each
   * when they are few), cited as those articles; `preface` (a chapter that does not exist) comes first.
   */
  chapter(asked: CharterQuestion, preface?: string): Answer;
};

export function createCharterAnswers(charter: Charter, analyzer: Analyzer, texts: Texts): CharterAnswers {
  const known = new Set([...CHARTER_WORDS, ...analyzer.contentWords(charter.title)]);
  /** True when the text names something besides the charter and its parts (and `alsoKnown`). */
  const isTopical = (text: string, alsoKnown: ReadonlySet<string> = new Set()) =>
    analyzer
      .contentWords(text.replace(SIZE, ' '))
      .some(
        (w) =>
          !known.has(w) && !alsoKnown.has(w) && !analyzer.canonicals(w).some((c) => known.has(c) || alsoKnown.has(c)),
      );

  const articles = charter.articles;
  const first = articles[0];
  const last = articles.at(-1);
  const range = (from: Section, to: Section) =>
    from === to ? from.label : texts.t('knowledge.article_range', { first: from.label, last: to.label });
  // Whatever number was asked for is named the charter's way (第二十六条), however it was typed.
  const articleLabel = (n: number) => ordinal(n, '条');
  const chapterLabel = (n: number) => ordinal(n, '章');

  const outline = (chapters: Chapter[]) =>
    chapters.map((c) =>
      texts.t('knowledge.charter_outline_chapter', {
        chapter: c.title,
        range: range(c.articles[0]!, c.articles.at(-1)!),
        count: chineseNumber(c.articles.length),
      }),
    );
  const size = (chapters: Chapter[]): Answer => {
    const lines = outline(chapters);
    const answer = texts.t('knowledge.charter_outline', {
      chapters: chineseNumber(charter.chapters.length),
      articles: chineseNumber(articles.length),
      range: range(first!, last!),
      outline: lines.join('\n'),
    });
    const citation: Citation = {
      section: texts.t('knowledge.outline_label'),
      title: texts.t('knowledge.outline_title'),
      quote: lines.join('\n'),
    };
    return { answer, citations: [citation], refused: false, mode: 'extractive' };
  };

  const missingNote: CharterAnswers['missingNote'] = (asked) => {
    const lines: string[] = [];
    if (asked.missingArticles.length > 0)
      lines.push(
        texts.t('knowledge.article_missing', {
          count: chineseNumber(articles.length),
          range: range(first!, last!),
          asked: asked.missingArticles.map(articleLabel).join('、'),
        }),
      );
    if (asked.missingChapters.length > 0)
      lines.push(
        texts.t('knowledge.chapter_missing', {
          count: chineseNumber(charter.chapters.length),
          asked: asked.missingChapters.map(chapterLabel).join('、'),
        }),
      );
    return lines.length > 0 ? lines.join('\n') : undefined;
  };

  const chapter: CharterAnswers['chapter'] = (asked, preface) => {
    const shown = asked.chapters.flatMap((c) => c.articles);
    const quoted = shown.length <= QUOTED_ARTICLES;
    const quotes = new Map(shown.map((s) => [s, shortQuote(s.text, QUOTE_CHARS)]));
    const blocks = asked.chapters.map((c) =>
      [
        texts.t('knowledge.chapter_intro', {
          chapter: c.title,
          count: chineseNumber(c.articles.length),
          range: range(c.articles[0]!, c.articles.at(-1)!),
        }),
        ...c.articles.map((s) =>
          quoted
            ? texts.t('knowledge.chapter_article_quoted', { label: s.label, title: s.title, quote: quotes.get(s)! })
            : texts.t('knowledge.article_with_title', { label: s.label, title: s.title }),
        ),
      ].join('\n'),
    );
    const answer = [preface, ...blocks, texts.t('knowledge.chapter_more', { example: shown[0]!.label })]
      .filter(Boolean)
      .join('\n\n');
    const citations: Citation[] = shown.map((s) => ({ section: s.label, title: s.title, quote: quotes.get(s)! }));
    return { answer, citations, refused: false, mode: 'extractive' };
  };

  return {
    read(question) {
      const text = foldChars(question);
      const articleNumbers: number[] = [];
      const chapterNumbers: number[] = [];
      let rest = text.replace(EXPLICIT, (_whole, digits: string, kind: string) => {
        const n = parseChineseNumber(digits);
        if (n !== undefined) (kind === '条' ? articleNumbers : chapterNumbers).push(n);
        return ' ';
      });
      const bare = [...rest.matchAll(BARE)].map((m) => Number(m[1]));
      if (bare.length > 0) {
        const withoutBare = rest.replace(BARE, ' ');
        if (!isTopical(withoutBare)) {
          articleNumbers.push(...bare);
          rest = withoutBare;
        }
      }
      const unique = (ns: number[]) => [...new Set(ns)];
      const named = unique(articleNumbers)
        .map((n) => articles[n - 1])
        .filter((s) => s !== undefined);
      const missingArticles = unique(articleNumbers).filter((n) => articles[n - 1] === undefined);
      const chapters = unique(chapterNumbers)
        .map((n) => charter.chapters[n - 1])
        .filter((c) => c !== undefined);
      const missingChapters = unique(chapterNumbers).filter((n) => charter.chapters[n - 1] === undefined);
      const counting = SIZE_ANY.test(rest);
      // A chapter's own title says nothing new about it: 第三章联盟成员讲什么 asks for the chapter.
      const titleWords = new Set(chapters.flatMap((c) => analyzer.contentWords(c.title)));
      // Segmenting again costs time; most questions name no article and count nothing.
      const topical = articleNumbers.length + chapterNumbers.length > 0 || counting ? isTopical(rest, titleWords) : true;
      // 第三章有哪几条 asks which articles, and the chapter's answer says how many as well.
      const asksChapter =
        chapters.length > 0 && articleNumbers.length === 0 && !topical && (!counting || WHICH_ARTICLES.test(rest));
      const asksSize = counting && !topical && !asksChapter;
      return { named, missingArticles, chapters, missingChapters, asksSize, asksChapter, rest: rest.trim(), topical };
    },
    missingNote,
    missing(asked) {
      const lines = [missingNote(asked)!];
      if (asked.missingChapters.length > 0)
        lines.push(texts.t('knowledge.chapter_missing_offer', { outline: outline(charter.chapters).join('\n') }));
      else
        lines.push(
          texts.t('knowledge.article_missing_offer', {
            list: articles
              .slice(-OFFERED_ARTICLES)
              .map((s) => texts.t('knowledge.article_with_title', { label: s.label, title: s.title }))
              .join('、'),
            last: last!.label,
          }),
        );
      return { answer: lines.join('\n'), citations: [], refused: true, mode: 'refused' };
    },
    size: (asked) => size(asked.chapters.length > 0 ? asked.chapters : charter.chapters),
    chapter,
  };
}
