// `motions create --file motion.yaml [--json]`, `motions close <id>`, `motions status <id> [--json]`,
// `motions cancel <id> --reason …`, `motions export <id> --csv`: the secretariat's congress votes.
// Each command opens the database, does one thing and exits; a running serve/worker delivers.
import fs from 'node:fs';
import { parse } from 'yaml';
import type { Config } from '../config.ts';
import { openMigratedDatabase } from '../app.ts';
import { createLogger } from '../log.ts';
import { loadTexts, type Texts } from '../bot/texts.ts';
import { loadCorpus } from '../knowledge/corpus.ts';
import { Delivery } from '../delivery/delivery.ts';
import { Congress, type MotionStatus } from '../congress/motions.ts';
import { articleFinder, publishedArticle } from '../congress/articles.ts';
import { publishedAmendments } from '../congress/publish.ts';
import { formatTime } from '../membership/format.ts';
import type { Motion } from '../generated/prisma/client.ts';
import { isBlank } from '../application/normalize.ts';

const ACTOR = 'cli';

async function withCongress<T>(config: Config, run: (congress: Congress, texts: Texts) => Promise<T>): Promise<T> {
  const log = createLogger(config.logLevel);
  const texts = loadTexts(config.promptsDir);
  const db = await openMigratedDatabase(config, log);
  // With Redis configured the motion's timers are scheduled now; without, serve/worker's reconcile does it.
  const delivery = new Delivery(config, db, log, config.redisUrl);
  try {
    const corpus = loadCorpus(config.knowledgeDir, await publishedAmendments(db.prisma, texts));
    const congress = new Congress({
      db,
      texts,
      config,
      log,
      now: () => new Date(),
      delivery,
      findArticle: articleFinder(corpus.charter),
      currentArticle: (label, tx) => publishedArticle(tx ?? db.prisma, corpus.charter, label),
    });
    return await run(congress, texts);
  } finally {
    await delivery.close();
    await db.close();
  }
}

function fail(message: string, code: number): void {
  console.error(message);
  process.exitCode = code;
}

export async function motionsCreateCommand(config: Config, opts: { file: string; json?: boolean }): Promise<void> {
  let raw: unknown;
  try {
    raw = parse(fs.readFileSync(opts.file, 'utf8'));
  } catch (error) {
    const code = 'errno' in (error as object) ? (error as NodeJS.ErrnoException).code : undefined;
    return fail(
      code
        ? `无法读取文件 ${opts.file} (cannot read): ${code}`
        : `文件 ${opts.file} 不是有效的 YAML (not valid YAML): ${(error as Error).message.split('\n')[0]}`,
      2,
    );
  }
  await withCongress(config, async (congress) => {
    const result = await congress.create(ACTOR, raw);
    if (!result.ok) {
      for (const e of result.errors) console.error(`${e.field}: ${e.message}`);
      return fail(`动议未创建：共 ${result.errors.length} 处错误 (nothing created)`, 3);
    }
    const { motion } = result;
    if (opts.json) console.log(JSON.stringify({ id: motion.id, number: motion.number }));
    else {
      console.log(motion.id);
      console.error(
        `已创建第${motion.number}号表决“${motion.title}”（${motion.status === 'open' ? `已开始，有表决权单位 ${motion.eligibleCount} 家` : `将于 ${formatTime(motion.opensAt)} 开始`}，截止 ${formatTime(motion.closesAt)}）`,
      );
    }
  });
}

async function found(congress: Congress, texts: Texts, ref: string): Promise<Motion | undefined> {
  const motion = await congress.find(ref);
  if (!motion) fail(texts.t('congress.status_not_found', { id: ref }), 4);
  return motion ?? undefined;
}

export async function motionsCloseCommand(config: Config, ref: string): Promise<void> {
  await withCongress(config, async (congress, texts) => {
    const motion = await found(congress, texts, ref);
    if (!motion) return;
    const result = await congress.close(motion.id, ACTOR);
    if (result.kind !== 'closed')
      return fail(
        texts.t('congress.close_not_open', {
          number: motion.number,
          status: texts.t(`congress.status_${motion.status}`),
        }),
        5,
      );
    console.log(
      texts.t('congress.closed_by_you', {
        number: motion.number,
        result: texts.t(result.passed ? 'congress.result_passed' : 'congress.result_failed'),
      }),
    );
  });
}

export async function motionsStatusCommand(config: Config, ref: string, opts: { json?: boolean }): Promise<void> {
  await withCongress(config, async (congress, texts) => {
    const motion = await found(congress, texts, ref);
    if (!motion) return;
    const s = await congress.status(motion);
    if (opts.json) {
      const { id, status, eligible, voted, counts, result } = s;
      console.log(JSON.stringify({ id, status, eligible, voted, counts, result }));
    } else console.log(statusText(texts, s));
  });
}

export function statusText(texts: Texts, s: MotionStatus): string {
  const lines = [
    texts.t('congress.status_line', {
      number: s.number,
      title: s.title,
      status: texts.t(`congress.status_${s.status}`),
      eligible: s.eligible,
      voted: s.voted,
      percent: s.eligible ? Math.round((s.voted / s.eligible) * 1000) / 10 : 0,
      closesAt: formatTime(s.closesAt),
    }),
  ];
  if (s.counts)
    lines.push(
      texts.t('congress.status_counts', {
        counts: Object.entries(s.counts)
          .map(([o, n]) => `${o} ${n}`)
          .join('，'),
      }),
    );
  else if (s.status === 'open') lines.push(texts.t('congress.status_hidden'));
  if (s.result) lines.push(texts.t(s.result === 'passed' ? 'congress.result_passed' : 'congress.result_failed'));
  if (s.unreached.length > 0)
    lines.push(texts.t('congress.status_unreached', { count: s.unreached.length, units: s.unreached.join('、') }));
  return lines.join('\n');
}

export async function motionsCancelCommand(config: Config, ref: string, opts: { reason?: string }): Promise<void> {
  const reason = (opts.reason ?? '').trim();
  if (isBlank(reason)) return fail('--reason 不能为空：取消表决须说明原因 (a reason is required)', 2);
  await withCongress(config, async (congress, texts) => {
    const motion = await found(congress, texts, ref);
    if (!motion) return;
    const result = await congress.cancel(motion.id, ACTOR, reason);
    if (result.kind !== 'cancelled')
      return fail(
        `第${motion.number}号表决${texts.t(`congress.status_${motion.status}`)}，无法取消 (cannot cancel a ${motion.status} motion)`,
        5,
      );
    console.log(`已取消第${motion.number}号表决，原因：${reason}`);
  });
}

export async function motionsExportCommand(config: Config, ref: string, opts: { csv?: boolean }): Promise<void> {
  if (!opts.csv) return fail('目前只支持 --csv (only --csv is supported)', 2);
  await withCongress(config, async (congress, texts) => {
    const motion = await found(congress, texts, ref);
    if (!motion) return;
    process.stdout.write(await congress.exportCsv(motion));
  });
}
