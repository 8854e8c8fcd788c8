// 第二十三条: a passed amendment becomes the charter once the secretariat publishes it. The amended
// charter is checked as `index check` checks the corpus before anything is stored; every process
// then answers from it (each polls the revisions and rebuilds its index, no restart).
import type { Motion, PrismaClient } from '../generated/prisma/client.ts';
import { CorpusError, loadCorpus, type Amendment } from '../knowledge/corpus.ts';
import type { Texts } from '../bot/texts.ts';
import { audit } from '../membership/audit.ts';
import { formatDate } from '../membership/format.ts';

export type PublishResult =
  | { kind: 'published'; article: string; since: string }
  | { kind: 'already'; since: string }
  | { kind: 'not_passed' }
  | { kind: 'invalid'; problems: string[] };

/** Every published amendment, oldest first, as the knowledge corpus applies them. */
export async function publishedAmendments(prisma: PrismaClient, texts: Texts): Promise<Amendment[]> {
  const revisions = await prisma.charterRevision.findMany({ orderBy: { publishedAt: 'asc' } });
  if (revisions.length === 0) return [];
  const numbers = new Map(
    (
      await prisma.motion.findMany({
        where: { id: { in: revisions.map((r) => r.motionId) } },
        select: { id: true, number: true },
      })
    ).map((m) => [m.id, m.number]),
  );
  return revisions.map((r) => {
    const since = formatDate(r.publishedAt);
    return {
      article: r.article,
      text: r.text,
      since,
      note: texts.t('congress.amended_note', {
        article: r.article,
        number: numbers.get(r.motionId) ?? '',
        date: since,
      }),
    };
  });
}

/** Changes when a revision is published: what each process compares to know it must reload. */
export async function revisionsStamp(prisma: PrismaClient): Promise<string> {
  const latest = await prisma.charterRevision.findFirst({ orderBy: { publishedAt: 'desc' }, select: { id: true } });
  return latest?.id ?? '';
}

export async function publishAmendment(
  deps: { prisma: PrismaClient; texts: Texts; knowledgeDir: string; now: Date },
  motion: Motion,
  actor: string,
): Promise<PublishResult> {
  const { prisma, texts, now } = deps;
  if (motion.kind !== 'amendment' || motion.result !== 'passed' || !motion.article || !motion.newText)
    return { kind: 'not_passed' };
  const existing = await prisma.charterRevision.findUnique({ where: { motionId: motion.id } });
  if (existing) return { kind: 'already', since: formatDate(existing.publishedAt) };
  const since = formatDate(now);
  const amendments = [
    ...(await publishedAmendments(prisma, texts)),
    {
      article: motion.article,
      text: motion.newText,
      since,
      note: texts.t('congress.amended_note', { article: motion.article, number: motion.number, date: since }),
    },
  ];
  try {
    loadCorpus(deps.knowledgeDir, amendments);
  } catch (error) {
    if (error instanceof CorpusError) return { kind: 'invalid', problems: error.problems };
    throw error;
  }
  const published = await prisma.$transaction(async (tx) => {
    const won = await tx.charterRevision.createMany({
      data: [
        { motionId: motion.id, article: motion.article!, text: motion.newText!, publishedBy: actor, publishedAt: now },
      ],
      skipDuplicates: true,
    });
    if (won.count === 0) return false;
    await tx.motion.update({ where: { id: motion.id }, data: { consequence: 'published' } });
    await audit(tx, {
      actor,
      action: 'charter.amend',
      entity: 'motion',
      entityId: motion.id,
      before: { article: motion.article, text: motion.oldText },
      after: { article: motion.article, text: motion.newText },
    });
    return true;
  });
  return published ? { kind: 'published', article: motion.article, since } : { kind: 'already', since };
}
