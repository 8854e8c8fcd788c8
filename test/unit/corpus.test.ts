import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorpusError, loadCorpus } from '../../src/knowledge/corpus.ts';

const knowledgeDir = path.resolve(import.meta.dirname, '../../knowledge');

function corpusWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
  for (const name of ['charter.md', 'notice.md', 'form.md', 'faq.yaml']) {
    fs.copyFileSync(path.join(knowledgeDir, name), path.join(dir, name));
  }
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('curated corpus', () => {
  it('has all 25 articles with their chapter, the notice and the form', () => {
    const corpus = loadCorpus(knowledgeDir);
    const articles = corpus.sections.filter((s) => s.doc === 'charter');
    expect(articles).toHaveLength(25);
    expect(articles[18]).toMatchObject({ id: '第十九条', label: '第十九条', chapter: '第四章 工作规则' });
    expect(articles[18]!.text).toContain('两年内不得申请重新加入联盟');
    expect(corpus.sections.filter((s) => s.label === '通知').length).toBeGreaterThan(2);
    expect(corpus.byId.get('notice-how-to-apply')!.text).toContain('2019年9月26日前');
    expect(corpus.sections.some((s) => s.label === '申请表')).toBe(true);
    expect(corpus.years).toEqual(new Set(['2017', '2019']));
  });

  it('rejects a FAQ entry that points at a section that does not exist', () => {
    const dir = corpusWith({
      'faq.yaml': 'faq:\n  - id: broken\n    questions: [会费多少]\n    sections: [第九十九条]\n',
    });
    expect(() => loadCorpus(dir)).toThrow(CorpusError);
    expect(() => loadCorpus(dir)).toThrow(/第九十九条/);
  });

  it('rejects duplicate section ids, a word in two synonym groups, and broken YAML', () => {
    const charter = fs.readFileSync(path.join(knowledgeDir, 'charter.md'), 'utf8');
    const dup = corpusWith({ 'charter.md': `${charter}\n### 第一条 重复\n重复的正文\n` });
    expect(() => loadCorpus(dup)).toThrow(/duplicate section id/);
    const syn = corpusWith({ 'faq.yaml': 'synonyms:\n  - [退出, 退会]\n  - [退会, 退盟]\n' });
    expect(() => loadCorpus(syn)).toThrow(/退会/);
    const bad = corpusWith({ 'faq.yaml': 'faq: [\n' });
    expect(() => loadCorpus(bad)).toThrow(/cannot parse/);
  });
});
