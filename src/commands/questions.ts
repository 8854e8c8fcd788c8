// `questions unanswered [--since 7d] [--json]` and `questions map "<text>" --to 第十八条 | --not-covered`:
// the secretariat's view of what the bot could not answer, and the one step that teaches it.
import os from 'node:os';
import type { Config } from '../config.ts';
import { openMigratedDatabase } from '../app.ts';
import { createLogger } from '../log.ts';
import { loadTexts } from '../bot/texts.ts';
import { createKnowledge } from '../knowledge/knowledge.ts';
import { listUnanswered, mapQuestion, parseSince } from '../knowledge/learned.ts';

export async function unansweredCommand(
  config: Config,
  opts: { since: string; json?: boolean; dialog?: boolean },
): Promise<void> {
  const since = parseSince(opts.since, new Date());
  if (!since) throw new Error(`--since 应形如 7d、24h、30m (got "${opts.since}")`);
  const db = await openMigratedDatabase(config, createLogger(config.logLevel));
  try {
    const rows = await listUnanswered(db.prisma, since, { includeDialog: opts.dialog, limit: 200 });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (rows.length === 0) console.log(`自 ${since.toISOString()} 起没有答不上来的问题。`);
    for (const r of rows)
      console.log([r.count, r.text, r.kinds.join(','), r.channels.join(','), r.lastSeen].join('\t'));
  } finally {
    await db.close();
  }
}

export async function mapQuestionCommand(
  config: Config,
  text: string,
  opts: { to?: string; notCovered?: boolean; by?: string },
): Promise<void> {
  if (!text.trim()) throw new Error('请给出问题原文 (give the question text)');
  if (Boolean(opts.to) === Boolean(opts.notCovered)) throw new Error('请指定 --to <条款> 或 --not-covered 之一');
  const knowledge = createKnowledge(
    { ...config, llm: undefined },
    loadTexts(config.promptsDir),
    createLogger('silent'),
  );
  const section = opts.to ? knowledge.sectionFor(opts.to.trim()) : null;
  if (section === undefined) throw new Error(`找不到“${opts.to}”：可以写条号（如 第十八条），或 通知、申请表`);
  const by = opts.by ?? `cli:${os.userInfo().username}`;
  const db = await openMigratedDatabase(config, createLogger(config.logLevel));
  try {
    await mapQuestion(db.prisma, text, section?.id ?? null, by);
  } finally {
    await db.close();
  }
  console.log(
    section ? `已记下：“${text.trim()}” → ${section.label}（${by}）` : `已记下：“${text.trim()}” → 文件不涉及（${by}）`,
  );
}
