// The secretariat's side of learning from traffic, in chat: 「待答问题」 lists what the bot could not
// answer lately; 「归入 2 第十八条」 maps the second one to an article, 「不涉及 2」 marks it as not
// covered. Roles are read from the database on every command.
import type { Bot } from '../bot/bot.ts';
import type { Context } from '../bot/context.ts';
import { isSecretariat } from '../membership/roles.ts';
import { listUnanswered, mapQuestion, type LearnedQuestions } from './learned.ts';
import type { Knowledge } from './knowledge.ts';

const LIST_DAYS = 7;
const LIST_LIMIT = 20;
const SLOT = 'unanswered';

const LIST = /^(待答问题|未答问题|待回答问题|没答上的问题)[。.!！?？]*$/;
const MAP = /^(?:归入|映射|指向)\s*(\d{1,3})(?!\d)(?:\s*号)?(?:\s*(?:到|为|→|->))?\s*(\S+)$/;
const NOT_COVERED = /^(?:不涉及|标记不涉及|文件没写)\s*(\d{1,3})\s*(?:号)?[。.!！]*$/;

export function registerLearnedCommands(
  bot: Bot,
  learned: LearnedQuestions,
  knowledge: Pick<Knowledge, 'sectionFor'>,
): void {
  bot.use('command', async (ctx, next) => {
    if (!ctx.text || ctx.inbound.file || ctx.inbound.action) return next();
    const text = ctx.text.trim();
    if (LIST.test(text)) return guarded(ctx, () => list(ctx));
    const mapped = MAP.exec(text);
    if (mapped) return guarded(ctx, () => map(ctx, learned, knowledge, Number(mapped[1]), trimStops(mapped[2]!)));
    const notCovered = NOT_COVERED.exec(text);
    if (notCovered) return guarded(ctx, () => map(ctx, learned, knowledge, Number(notCovered[1]), null));
    return next();
  });
}

async function guarded(ctx: Context, run: () => Promise<void>): Promise<void> {
  if (!(await isSecretariat(ctx.services.db.prisma, ctx.user))) return ctx.say(ctx.t('membership.not_secretariat'));
  return run();
}

async function list(ctx: Context): Promise<void> {
  const since = new Date(ctx.services.now().getTime() - LIST_DAYS * 86_400_000);
  const rows = await listUnanswered(ctx.services.db.prisma, since, { limit: LIST_LIMIT });
  // The numbers the next 「归入 N …」 refers to.
  ctx.session.slots[SLOT] = rows.map((r) => r.text);
  if (rows.length === 0) return ctx.say(ctx.t('knowledge.unanswered_none', { days: LIST_DAYS }));
  ctx.say(
    [
      ctx.t('knowledge.unanswered_title', { days: LIST_DAYS }),
      ...rows.map((r, i) => ctx.t('knowledge.unanswered_line', { index: i + 1, text: r.text, count: r.count })),
      ctx.t('knowledge.unanswered_how'),
    ].join('\n'),
  );
}

async function map(
  ctx: Context,
  learned: LearnedQuestions,
  knowledge: Pick<Knowledge, 'sectionFor'>,
  index: number,
  to: string | null,
): Promise<void> {
  const listed = ctx.session.slots[SLOT];
  const text = Array.isArray(listed) ? (listed[index - 1] as string | undefined) : undefined;
  if (typeof text !== 'string') return ctx.say(ctx.t('knowledge.learned_bad_index', { index }));
  const section = to === null ? null : knowledge.sectionFor(to);
  if (section === undefined) return ctx.say(ctx.t('knowledge.learned_bad_section', { section: to ?? '' }));
  await mapQuestion(ctx.services.db.prisma, text, section?.id ?? null, ctx.user);
  await learned.reload();
  const seconds = Math.round(learned.refreshMs / 1000);
  ctx.say(
    section
      ? ctx.t('knowledge.learned_mapped', { text, section: section.label, seconds })
      : ctx.t('knowledge.learned_not_covered', { text, seconds }),
  );
}

/** "第十八条。" → "第十八条": the full stops after a section label. */
function trimStops(text: string): string {
  let end = text.length;
  while (end > 0 && '。.!！'.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}
