// The one typed configuration. Nothing else in src/ reads process.env.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths.ts';

/** Unset, empty and blank all mean "not configured". */
const optional = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), inner.optional());

/** Unset, empty and blank take the inner schema's default. */
const orDefault = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), inner);

/** A whole number within bounds, with the reason in Chinese and English. */
const whole = (min: number, max: number, fallback: number) =>
  orDefault(
    z.coerce
      .number('应是数字 (must be a number)')
      .int('应是整数 (must be a whole number)')
      .min(min, `应不小于 ${min} (must be at least ${min})`)
      .max(max, `应不大于 ${max} (must be at most ${max})`)
      .default(fallback),
  );

/** Comma- or space-separated platform ids. */
const idList = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(/[\s,，]+/).filter(Boolean));

/** `7d`, `12h`, `30m`, `90s`, `500ms` → milliseconds. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, '应是时长，如 7d、12h、30m、90s (a duration like 7d, 12h, 30m, 90s)')
  .transform((v) => {
    const [, n, unit] = /^([\d.]+)(ms|s|m|h|d)$/.exec(v)!;
    const scale = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[unit as 'ms' | 's' | 'm' | 'h' | 'd'];
    return Math.round(Number(n) * scale);
  });

const schema = z.object({
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, '应以 postgres:// 或 postgresql:// 开头 (must start with postgres://)'),
  ),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, '应以 redis:// 开头 (must start with redis://)')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OPENAI_API_KEY: optional(z.string()),
  OPENAI_BASE_URL: optional(z.url('应是完整的网址 (must be a URL)')),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  KNOWLEDGE_DIR: z.string().trim().min(1).default('knowledge'),
  PROMPTS_DIR: z.string().trim().min(1).default('prompts'),
  // Feishu / Lark, WeChat and the HTTP server (issue 5). Blank means default: .env files keep empty keys.
  FEISHU_MODE: orDefault(z.enum(['webhook', 'ws'], '应是 webhook 或 ws (must be webhook or ws)').default('ws')),
  FEISHU_APP_ID: optional(z.string()),
  FEISHU_APP_SECRET: optional(z.string()),
  FEISHU_VERIFICATION_TOKEN: optional(z.string()),
  FEISHU_ENCRYPT_KEY: optional(z.string()),
  FEISHU_DOMAIN: orDefault(
    z
      .string()
      .trim()
      .refine(
        (v) => v === 'feishu' || v === 'lark' || /^https?:\/\/\S+$/.test(v),
        '应是 feishu、lark 或完整网址 (feishu, lark or a URL)',
      )
      .default('feishu'),
  ),
  PORT: orDefault(z.coerce.number().int().min(0).max(65_535, '应是 0–65535 的端口号 (a port number)').default(3000)),
  HOST: orDefault(z.string().trim().min(1).default('0.0.0.0')),
  WECHATY_PUPPET: orDefault(z.string().trim().min(1).default('wechaty-puppet-wechat4u')),
  WECHATY_PUPPET_SERVICE_TOKEN: optional(z.string()),
  WECHATY_NAME: orDefault(z.string().trim().min(1).default('alliance-bot')),
  // Delivery and membership (issue 6)
  QUEUE_PREFIX: optional(z.string().regex(/^[A-Za-z0-9_.-]+$/, '只能含字母、数字、_.- (letters, digits, _.- only)')),
  SECRETARIAT_FEISHU_OPEN_IDS: idList,
  SECRETARIAT_WECHAT_IDS: idList,
  SECRETARIAT_CONSOLE_IDS: idList,
  SECRETARIAT_FEISHU_CHAT_ID: optional(z.string()),
  PUBLIC_NOTICE_PERIOD: orDefault(duration.default(7 * 86_400_000)),
  CONGRESS_REMINDER_CRON: orDefault(
    z
      .string()
      .trim()
      .regex(/^(\S+\s+){4,5}\S+$/, '应是 cron 表达式，如 0 9 15 1 * (a cron pattern)')
      .default('0 9 15 1 *'),
  ),
  DELIVERY_ATTEMPTS: whole(1, 50, 10),
  DELIVERY_BACKOFF_MS: whole(10, 600_000, 2_000),
  DELIVERY_LOCK_MS: whole(1_000, 600_000, 30_000),
  FEISHU_SEND_PER_MIN: whole(1, 1_000_000, 1_000),
  FEISHU_API_PER_SEC: whole(1, 100_000, 50),
  FEISHU_PER_CHAT_PER_SEC: whole(1, 1_000, 5),
  WECHAT_SEND_PER_MIN: whole(1, 1_000_000, 60),
  WECHAT_PER_CHAT_PER_SEC: whole(1, 1_000, 1),
  OPS_USER: orDefault(z.string().trim().min(1).default('ops')),
  OPS_PASSWORD: optional(z.string().min(8, '至少 8 个字符 (at least 8 characters)')),
  // Membership application (issue 4)
  APPLICATION_DEADLINE: optional(
    z
      .string()
      .regex(
        /^(\d{4}-\d{2}-\d{2}|none)$/,
        '应是 YYYY-MM-DD 日期（北京时间当天结束）或 none (a YYYY-MM-DD date, or none)',
      ),
  ),
  APPLICATION_RESUME_AFTER: duration.default(30 * 60_000),
});

export type Config = {
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  llm: { apiKey: string | undefined; baseUrl: string | undefined; model: string; timeoutMs: number } | undefined;
  knowledgeDir: string;
  promptsDir: string;
  /** Undefined when FEISHU_APP_ID is not set: the Feishu channel is off. */
  feishu: FeishuConfig | undefined;
  http: { port: number; host: string };
  wechaty: { puppet: string; puppetToken: string | undefined; name: string };
  queuePrefix: string;
  /** Bootstrap secretariat accounts as user keys (`feishu:ou_x`, `wechat:x`, `console:x`). */
  secretariat: string[];
  /** Feishu group that also receives review cards. */
  secretariatFeishuChatId: string | undefined;
  publicNoticeMs: number;
  congressReminderCron: string;
  delivery: {
    attempts: number;
    backoffMs: number;
    /** A job whose worker died is taken back after this. */
    lockMs: number;
    limits: Record<string, ChannelLimits>;
  };
  ops: { user: string; password: string | undefined };
  application: {
    /** Last day to submit (inclusive, Beijing time) as YYYY-MM-DD; `none` for no deadline;
     *  undefined: the date in the notice (knowledge/notice.md). */
    deadline: string | undefined;
    /** After this long away, an applicant is welcomed back before the form goes on. */
    resumeAfterMs: number;
  };
};

/** Per-channel send limits; the defaults are the platform's documented ones. */
export type ChannelLimits = { sendPerMin: number; apiPerSec?: number; perChatPerSec: number };

export type FeishuConfig = {
  mode: 'webhook' | 'ws';
  appId: string;
  appSecret: string;
  verificationToken: string | undefined;
  encryptKey: string | undefined;
  /** Open API base URL: Feishu, Lark, or (tests) a local fake. */
  domain: string;
};

/** Thrown when the environment is wrong; the message names every bad variable, in Chinese and English. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super('配置有误 / invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k]]));
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        reason: `${issue.message}（取值 / value: ${JSON.stringify(env[String(issue.path[0])] ?? null)}）`,
      })),
    );
  }
  const e = parsed.data;
  const feishu = feishuConfig(e);
  const llmConfigured = e.OPENAI_API_KEY !== undefined || e.OPENAI_BASE_URL !== undefined;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(projectRoot, e.DATA_DIR),
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    llm: llmConfigured
      ? { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL, timeoutMs: e.OPENAI_TIMEOUT_MS }
      : undefined,
    knowledgeDir: path.resolve(projectRoot, e.KNOWLEDGE_DIR),
    promptsDir: path.resolve(projectRoot, e.PROMPTS_DIR),
    feishu,
    http: { port: e.PORT, host: e.HOST },
    wechaty: { puppet: e.WECHATY_PUPPET, puppetToken: e.WECHATY_PUPPET_SERVICE_TOKEN, name: e.WECHATY_NAME },
    // Two databases must never share queues (a worker would find no row for the other's job), so
    // by default the prefix is tied to the database.
    queuePrefix:
      e.QUEUE_PREFIX ??
      `alliance-${createHash('sha256')
        .update(e.DATABASE_URL ?? path.resolve(projectRoot, e.DATA_DIR))
        .digest('hex')
        .slice(0, 8)}`,
    secretariat: [
      ...e.SECRETARIAT_FEISHU_OPEN_IDS.map((id) => `feishu:${id}`),
      ...e.SECRETARIAT_WECHAT_IDS.map((id) => `wechat:${id}`),
      ...e.SECRETARIAT_CONSOLE_IDS.map((id) => `console:${id}`),
    ],
    secretariatFeishuChatId: e.SECRETARIAT_FEISHU_CHAT_ID,
    publicNoticeMs: e.PUBLIC_NOTICE_PERIOD,
    congressReminderCron: e.CONGRESS_REMINDER_CRON,
    delivery: {
      attempts: e.DELIVERY_ATTEMPTS,
      backoffMs: e.DELIVERY_BACKOFF_MS,
      lockMs: e.DELIVERY_LOCK_MS,
      limits: {
        feishu: {
          sendPerMin: e.FEISHU_SEND_PER_MIN,
          apiPerSec: e.FEISHU_API_PER_SEC,
          perChatPerSec: e.FEISHU_PER_CHAT_PER_SEC,
        },
        wechat: { sendPerMin: e.WECHAT_SEND_PER_MIN, perChatPerSec: e.WECHAT_PER_CHAT_PER_SEC },
      },
    },
    ops: { user: e.OPS_USER, password: e.OPS_PASSWORD },
    application: { deadline: e.APPLICATION_DEADLINE, resumeAfterMs: e.APPLICATION_RESUME_AFTER },
  };
}

const feishuDomains: Record<string, string> = { feishu: 'https://open.feishu.cn', lark: 'https://open.larksuite.com' };

/** The Feishu settings that only make sense together are checked together. */
function feishuConfig(e: z.infer<typeof schema>): FeishuConfig | undefined {
  if (!e.FEISHU_APP_ID) return undefined;
  const problems: { variable: string; reason: string }[] = [];
  if (!e.FEISHU_APP_SECRET)
    problems.push({
      variable: 'FEISHU_APP_SECRET',
      reason: '设置了 FEISHU_APP_ID 时必须设置 (required with FEISHU_APP_ID)',
    });
  // The SDK's long connection silently refuses any other form, leaving a bot that never hears anything.
  if (e.FEISHU_MODE === 'ws' && !/^cli_[0-9a-f]{16}$/i.test(e.FEISHU_APP_ID))
    problems.push({
      variable: 'FEISHU_APP_ID',
      reason: '应形如 cli_ 加 16 位十六进制字符 (should look like cli_ + 16 hex digits)',
    });
  if (e.FEISHU_MODE === 'webhook' && !e.FEISHU_VERIFICATION_TOKEN)
    problems.push({
      variable: 'FEISHU_VERIFICATION_TOKEN',
      reason: 'webhook 模式必须设置，用于校验请求来源 (required in webhook mode)',
    });
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    mode: e.FEISHU_MODE,
    appId: e.FEISHU_APP_ID,
    appSecret: e.FEISHU_APP_SECRET!,
    verificationToken: e.FEISHU_VERIFICATION_TOKEN,
    encryptKey: e.FEISHU_ENCRYPT_KEY,
    domain: (feishuDomains[e.FEISHU_DOMAIN] ?? e.FEISHU_DOMAIN).replace(/\/+$/, ''),
  };
}
