// Charter Q&A test helpers: which sections a reply cites, and a copy of knowledge/ with one more
// article, to show that counts and chapters are read from charter.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { loadTexts } from '../../src/bot/texts.ts';
import { createLogger } from '../../src/log.ts';
import { createKnowledge, type Knowledge } from '../../src/knowledge/knowledge.ts';
import type { Outbound } from '../../src/bot/outbound.ts';

export const citedSections = (replies: Outbound[]) =>
  replies.flatMap((r) => (r.kind === 'text' ? (r.citations ?? []).map((c) => c.section) : []));

/** Runs `use` with a knowledge base whose charter gained 第二十六条 施行日期 (at the end of 第五章). */
export async function withTwentySixthArticle(use: (knowledge: Knowledge) => Promise<void>): Promise<void> {
  const base = loadConfig({});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charter-26-'));
  try {
    for (const name of fs.readdirSync(base.knowledgeDir))
      fs.copyFileSync(path.join(base.knowledgeDir, name), path.join(dir, name));
    fs.appendFileSync(path.join(dir, 'charter.md'), '\n### 第二十六条 施行日期\n本章程自成员大会通过之日起施行。\n');
    const config = { ...loadConfig({ KNOWLEDGE_DIR: dir }), llm: undefined };
    await use(createKnowledge(config, loadTexts(config.promptsDir), createLogger('silent')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
