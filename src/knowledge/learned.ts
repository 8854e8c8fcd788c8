// Learning from traffic (issue 15): what the bot could not place is recorded (text, channel, time —
// no user), the secretariat lists the frequent ones and maps a question to a section or marks it as
// not covered. Mappings live in the database; every process reloads them on a short interval, so a
// mapping made from the command line or in chat reaches every running bot without a restart.
import type { PrismaClient } from '../generated/prisma/client.ts';
import { foldChars } from './analyzer.ts';

export type UnplacedKind = 'question_refused' | 'question_weak' | 'dialog_unplaced';

/** What the secretariat decided about one question: the section that answers it, or null (not covered). */
export type LearnedAnswer = { section: string | null; text: string; mappedBy: string; updatedAt: Date };

/** A question is looked up by its folded text: no spaces, punctuation, emoji or case; simplified. */
export function questionKey(text: string): string {
  return foldChars(text)
    .replace(/[^\p{L}\p{N}]+/gu, '')
    .slice(0, 300);
}

/** Records an unplaced message; never throws (learning must not break answering). */
export async function recordUnplaced(
  prisma: PrismaClient,
  kind: UnplacedKind,
  text: string,
  channel: string,
): Promise<void> {
  const trimmed = text.trim().slice(0, 500);
  if (!trimmed) return;
  await prisma.unplacedMessage.create({ data: { kind, text: trimmed, channel } }).catch(() => undefined);
}

export type UnansweredRow = {
  text: string;
  count: number;
  kinds: string[];
  channels: string[];
  lastSeen: string;
};

/** The unplaced questions since `since`, most frequent first; the ones already mapped are left out. */
export async function listUnanswered(
  prisma: PrismaClient,
  since: Date,
  options: { includeDialog?: boolean; limit?: number } = {},
): Promise<UnansweredRow[]> {
  const rows = await prisma.unplacedMessage.findMany({
    where: { createdAt: { gte: since }, ...(options.includeDialog ? {} : { kind: { not: 'dialog_unplaced' } }) },
    orderBy: { createdAt: 'desc' },
    take: 20_000,
  });
  const mapped = new Set((await prisma.questionMapping.findMany({ select: { key: true } })).map((m) => m.key));
  const groups = new Map<string, UnansweredRow>();
  for (const row of rows) {
    const key = questionKey(row.text);
    if (!key || mapped.has(key)) continue;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        text: row.text,
        count: 1,
        kinds: [row.kind],
        channels: [row.channel],
        lastSeen: row.createdAt.toISOString(),
      });
      continue;
    }
    group.count++;
    if (!group.kinds.includes(row.kind)) group.kinds.push(row.kind);
    if (!group.channels.includes(row.channel)) group.channels.push(row.channel);
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen))
    .slice(0, options.limit ?? 50);
}

/** Maps a question to a section label (null: the documents do not cover it); who and when are kept. */
export async function mapQuestion(
  prisma: PrismaClient,
  text: string,
  section: string | null,
  mappedBy: string,
): Promise<void> {
  const key = questionKey(text);
  if (!key) throw new Error('问题不能为空 (the question is empty)');
  await prisma.questionMapping.upsert({
    where: { key },
    create: { key, text: text.trim(), section, mappedBy },
    update: { text: text.trim(), section, mappedBy },
  });
}

/** "7d", "24h", "30m": a time span before now; undefined when unreadable. */
export function parseSince(span: string, now: Date): Date | undefined {
  const m = /^(\d+)\s*([dhm])$/i.exec(span.trim());
  if (!m) return undefined;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2]!.toLowerCase() as 'd' | 'h' | 'm'];
  return new Date(now.getTime() - Number(m[1]) * unit);
}

/**
 * The mappings of every process, reloaded from the database every `refreshMs` (and at once after a
 * change made here). Lookups are synchronous: a Map read on the answer path.
 */
export class LearnedQuestions {
  private map = new Map<string, LearnedAnswer>();
  private timer?: NodeJS.Timeout;
  private loading?: Promise<void>;

  constructor(
    private readonly prisma: PrismaClient,
    readonly refreshMs: number,
  ) {}

  lookup(text: string): LearnedAnswer | undefined {
    if (this.map.size === 0) return undefined;
    return this.map.get(questionKey(text));
  }

  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  reload(): Promise<void> {
    this.loading ??= this.prisma.questionMapping
      .findMany()
      .then((rows) => {
        this.map = new Map(
          rows.map((r) => [r.key, { section: r.section, text: r.text, mappedBy: r.mappedBy, updatedAt: r.updatedAt }]),
        );
      })
      .catch(() => undefined)
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
