// Composition root: builds the database, texts, the delivery backbone, each module once, and the bot
// from the one config. Every entry point — chat, serve, worker, the CLI commands, a future dashboard —
// uses these instances (`app.modules`) rather than building its own.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type Db } from './db/client.ts';
import { applyMigrationsIsolated } from './db/migrate-isolated.ts';
import { loadTexts } from './bot/texts.ts';
import { Bot } from './bot/bot.ts';
import { registerCommands } from './bot/commands.ts';
import { createLogger } from './log.ts';
import type { Services } from './bot/services.ts';
import { createKnowledge, type Knowledge, type LearnedLookup } from './knowledge/knowledge.ts';
import { registerKnowledge } from './knowledge/register.ts';
import { LearnedQuestions } from './knowledge/learned.ts';
import { registerApplication, type ApplicationModule } from './application/register.ts';
import { Delivery } from './delivery/delivery.ts';
import { registerMembership } from './membership/register.ts';
import type { MembershipProcess } from './membership/process-handlers.ts';
import { bootstrapSecretariat } from './membership/roles.ts';
import { registerCongress } from './congress/register.ts';
import { articleFinder, publishedArticle } from './congress/articles.ts';
import type { Congress } from './congress/motions.ts';
import { publishAmendment, publishedAmendments, revisionsStamp } from './congress/publish.ts';
import type { Answerer } from './knowledge/answer.ts';

/** The domain modules, built once by createApp. */
export type Modules = {
  /** The Q&A module (services.knowledge is its Answerer face). */
  knowledge: Knowledge;
  /** Applications (the service) and the application dialog. */
  application: ApplicationModule;
  /** Review, public notices, withdrawals. */
  membership: MembershipProcess;
  /** The congress: motions and votes. */
  congress: Congress;
};

export type App = {
  bot: Bot;
  services: Services;
  modules: Modules;
  /** The Q&A module itself (same as modules.knowledge). */
  knowledge: Knowledge;
  /** The congress module (same as modules.congress). */
  congress: Congress;
  close(): Promise<void>;
};

export type AppOptions = {
  log?: Logger;
  now?: () => Date;
  /** How often the secretariat's question mappings are re-read from the database. */
  learnedRefreshMs?: number;
};

/** A mapping made in another process reaches this one within this time. */
export const LEARNED_REFRESH_MS = 10_000;

/**
 * Applies pending migrations (idempotent), then opens the database — every DB command starts here.
 * Migrations run in a worker thread so the schema engine's memory leaves with it.
 */
export async function openMigratedDatabase(config: Config, log: Logger): Promise<Db> {
  if (!config.databaseUrl) log.info({ dir: config.dataDir }, '未设置 DATABASE_URL，使用内置数据库 (embedded PGlite)');
  const options = { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
  const applied = await applyMigrationsIsolated(options);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  return openDatabase(options);
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  for (const line of config.deprecations) log.warn(line);
  const texts = loadTexts(config.promptsDir);
  let knowledge = createKnowledge(config, texts, log);
  const db = await openMigratedDatabase(config, log);
  // The charter as amended by the congress (第二十三条): rebuilt in every process when a revision
  // is published (a poller compares the newest revision), no restart.
  let stamp = await revisionsStamp(db.prisma);
  // The secretariat's mapped questions follow the knowledge into every rebuild.
  const learned = new LearnedQuestions(db.prisma, options.learnedRefreshMs ?? LEARNED_REFRESH_MS);
  const learnedLookup: LearnedLookup = (question) => learned.lookup(question);
  knowledge.useLearned(learnedLookup);
  const rebuild = async () => {
    const amendments = await publishedAmendments(db.prisma, texts);
    if (amendments.length === 0) return;
    knowledge = createKnowledge(config, texts, log, { amendments });
    knowledge.useLearned(learnedLookup);
  };
  if (stamp) await rebuild();
  const reloadKnowledge = async () => {
    const latest = await revisionsStamp(db.prisma);
    if (latest === stamp) return;
    stamp = latest;
    await rebuild();
    log.info({ revision: latest }, 'knowledge reloaded with the amended charter');
  };
  // Redis is resolved by the command (chat may start one); here only a configured URL is used.
  const delivery = new Delivery(config, db, log, config.redisUrl);
  const answerer: Answerer = { answer: (question) => knowledge.answer(question) };
  const now = options.now ?? (() => new Date());
  const services: Services = {
    config,
    db,
    texts,
    log,
    knowledge: answerer,
    delivery,
    now,
    // The lock periods of 第十九条/第二十条 (membership/lock-period.ts) are read through this.
    currentArticle: (label, tx) => publishedArticle(tx ?? db.prisma, knowledge.corpus.charter, label),
  };
  await bootstrapSecretariat(db.prisma, config.secretariat);
  const bot = new Bot(services);
  registerCommands(bot);
  const membership = registerMembership(bot);
  const congress = registerCongress(bot, (label) => articleFinder(knowledge.corpus.charter)(label), {
    async publish(motion, actor) {
      const result = await publishAmendment(
        { prisma: db.prisma, texts, knowledgeDir: config.knowledgeDir, now: now() },
        motion,
        actor,
      );
      await reloadKnowledge();
      return result;
    },
  });
  delivery.addPoller(reloadKnowledge);
  const application = registerApplication(bot, knowledge.corpus);
  await learned.start();
  registerKnowledge(bot, { questions: learned, sections: { sectionFor: (to) => knowledge.sectionFor(to) } });
  return {
    bot,
    services,
    // Getters: the knowledge module is rebuilt when the charter is amended.
    modules: {
      get knowledge() {
        return knowledge;
      },
      application,
      membership,
      congress,
    },
    get knowledge() {
      return knowledge;
    },
    congress,
    async close() {
      learned.stop();
      await delivery.close();
      await db.close();
    },
  };
}
