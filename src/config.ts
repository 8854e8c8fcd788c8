// The one typed configuration. Nothing else in src/ reads process.env.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { optional, orDefault, splitList, whole } from './env-schema.ts';
import { CHANNELS, type RegisteredChannel } from './channels/registry.ts';
import type { ChannelLimits } from './channels/define.ts';
import { parseBeijingDay } from './time/beijing.ts';
import { redactValue } from './redact.ts';

export { ConfigError } from './config-error.ts';
export type { ChannelLimits } from './channels/define.ts';

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

const withoutTrailingSlash = (url: string): string => {
  let out = url;
  while (out.endsWith('/')) out = out.slice(0, -1);
  return out;
};

/** The variables the bot itself reads; each channel's own are in its definition (channels/registry.ts). */
const core = {
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
  // The question rewritten into the documents' words before retrieval (knowledge/rewrite.ts).
  LLM_REWRITE: orDefault(z.enum(['on', 'off'], '应是 on 或 off (must be on or off)').default('on')),
  LLM_REWRITE_TIMEOUT_MS: whole(100, 60_000, 3_000),
  KNOWLEDGE_DIR: z.string().trim().min(1).default('knowledge'),
  PROMPTS_DIR: z.string().trim().min(1).default('prompts'),
  // The one HTTP server: ops endpoints and every channel's routes.
  PORT: orDefault(z.coerce.number().int().min(0).max(65_535, '应是 0–65535 的端口号 (a port number)').default(3000)),
  HOST: orDefault(z.string().trim().min(1).default('0.0.0.0')),
  // Delivery and membership (issue 6)
  QUEUE_PREFIX: optional(z.string().regex(/^[A-Za-z0-9_.-]+$/, '只能含字母、数字、_.- (letters, digits, _.- only)')),
  SECRETARIAT: optional(z.string()),
  CHANNELS: optional(z.string()),
  PUBLIC_NOTICE_PERIOD: orDefault(duration.default(7 * 86_400_000)),
  /** Reminders to units that have not voted, this long before a motion closes (e.g. `24h,1h`). */
  VOTE_REMINDERS: orDefault(
    z
      .string()
      .trim()
      .default('24h,1h')
      .transform((v) => v.split(/[\s,，]+/).filter(Boolean))
      .pipe(z.array(duration)),
  ),
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
  OPS_USER: orDefault(z.string().trim().min(1).default('ops')),
  OPS_PASSWORD: optional(z.string().min(8, '至少 8 个字符 (at least 8 characters)')),
  // Secretariat dashboard (issue 14): the address people open, and how long a link and a session last.
  PUBLIC_URL: optional(
    z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, '应是 http(s):// 开头的网址，不含 ? 或 # (an http(s) URL)')
      .transform(withoutTrailingSlash),
  ),
  ADMIN_LINK_TTL: orDefault(duration.default(10 * 60_000)),
  ADMIN_SESSION_TTL: orDefault(duration.default(8 * 3_600_000)),
  // Membership application (issue 4)
  APPLICATION_DEADLINE: optional(
    z
      .string()
      .regex(
        /^(\d{4}-\d{2}-\d{2}|none)$/,
        '应是 YYYY-MM-DD 日期（北京时间当天结束）或 none (a YYYY-MM-DD date, or none)',
      )
      .refine((v) => v === 'none' || parseBeijingDay(v) !== undefined, '没有这一天 (no such date)'),
  ),
  APPLICATION_RESUME_AFTER: duration.default(30 * 60_000),
};

// Channel variables first: problems are reported in this order.
const schema = z.object({ ...Object.assign({}, ...CHANNELS.map((c) => c.env)), ...core } as typeof core &
  UnionToIntersection<RegisteredChannel['env']>);

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Env = z.infer<typeof schema>;

/** Each registered channel's settings under its name; undefined: not set up. */
export type ChannelSettings = {
  [C in RegisteredChannel as C['name']]: ReturnType<C['settings']>;
};

export type Config = {
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  llm:
    | {
        apiKey: string | undefined;
        baseUrl: string | undefined;
        model: string;
        timeoutMs: number;
        /** Rewrite the question into the documents' words before retrieval; undefined: LLM_REWRITE=off. */
        rewrite: { timeoutMs: number } | undefined;
      }
    | undefined;
  knowledgeDir: string;
  promptsDir: string;
  /** Each channel's own settings, read by its definition from the variables it owns. */
  channels: ChannelSettings;
  /** The channels `serve` runs (CHANNELS); undefined: every configured one. */
  serveChannels: string[] | undefined;
  http: { port: number; host: string };
  /** Whether HOST was set (a local trial channel otherwise listens on 127.0.0.1). */
  httpHostSet: boolean;
  queuePrefix: string;
  /** Bootstrap secretariat accounts as user keys (`channel:id`), from SECRETARIAT and the deprecated per-channel lists. */
  secretariat: string[];
  /** Secretariat group chats that also receive review cards, per channel. */
  secretariatChats: { channel: string; chatId: string }[];
  /** Deprecated variables in use: one line each for the log at start-up. */
  deprecations: string[];
  /**
   * Whether a proxy is configured in the environment (the variables axios honours): a channel whose
   * own plain HTTP path does not go through one sends through its SDK instead.
   */
  httpProxy: boolean;
  publicNoticeMs: number;
  congressReminderCron: string;
  /** Before a motion's close, when units that have not voted are reminded (ms before, longest first). */
  voteReminderMs: number[];
  delivery: {
    attempts: number;
    backoffMs: number;
    /** A job whose worker died is taken back after this. */
    lockMs: number;
    limits: Record<string, ChannelLimits>;
  };
  ops: { user: string; password: string | undefined };
  /** The secretariat dashboard (/admin). */
  admin: {
    /** Base of the links the 「后台」 command sends; undefined: http://localhost:PORT. */
    publicUrl: string | undefined;
    /** The port `serve` really listens on (PORT=0 lets the system pick one); set once it listens. */
    listeningPort?: number;
    linkTtlMs: number;
    sessionTtlMs: number;
  };
  application: {
    /** Last day to submit (inclusive, Beijing time) as YYYY-MM-DD; `none` for no deadline;
     *  undefined: the date in the notice (knowledge/notice.md). */
    deadline: string | undefined;
    /** After this long away, an applicant is welcomed back before the form goes on. */
    resumeAfterMs: number;
  };
};

/** Whether a proxy is set in `env`, by any of the variables axios honours (any case, npm's too). */
export function proxyConfigured(env: Record<string, string | undefined>): boolean {
  return Object.keys(env).some((name) => /^(npm_config_)?(https?|all)_proxy$/i.test(name) && env[name]);
}

/** Variables whose value is never repeated in an error message. */
const QUIET = new Set(['SECRETARIAT']);

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k]]));
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '?');
        return {
          variable,
          reason: QUIET.has(variable)
            ? issue.message
            : `${issue.message}（取值 / value: ${JSON.stringify(redactValue(variable, env[variable]) ?? null)}）`,
        };
      }),
    );
  }
  const e = parsed.data;
  const channels = channelSettings(e);
  const secretariat = secretariatKeys(e, env);
  const llmConfigured = e.OPENAI_API_KEY !== undefined || e.OPENAI_BASE_URL !== undefined;
  return {
    databaseUrl: e.DATABASE_URL,
    httpProxy: proxyConfigured(env),
    dataDir: path.resolve(projectRoot, e.DATA_DIR),
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    llm: llmConfigured
      ? {
          apiKey: e.OPENAI_API_KEY,
          baseUrl: e.OPENAI_BASE_URL,
          model: e.OPENAI_MODEL,
          timeoutMs: e.OPENAI_TIMEOUT_MS,
          rewrite:
            e.LLM_REWRITE === 'on' ? { timeoutMs: Math.min(e.LLM_REWRITE_TIMEOUT_MS, e.OPENAI_TIMEOUT_MS) } : undefined,
        }
      : undefined,
    knowledgeDir: path.resolve(projectRoot, e.KNOWLEDGE_DIR),
    promptsDir: path.resolve(projectRoot, e.PROMPTS_DIR),
    channels,
    serveChannels: serveChannels(e.CHANNELS),
    http: { port: e.PORT, host: e.HOST },
    httpHostSet: Boolean(env.HOST?.trim()),
    // Two databases must never share queues (a worker would find no row for the other's job), so
    // by default the prefix is tied to the database.
    queuePrefix:
      e.QUEUE_PREFIX ??
      `alliance-${createHash('sha256')
        .update(e.DATABASE_URL ?? path.resolve(projectRoot, e.DATA_DIR))
        .digest('hex')
        .slice(0, 8)}`,
    secretariat: secretariat.keys,
    secretariatChats: CHANNELS.flatMap((c) => {
      const settings = (channels as Record<string, unknown>)[c.name];
      const chats =
        'secretariatChats' in c && settings !== undefined ? (c.secretariatChats?.(settings as never) ?? []) : [];
      return chats.map((chatId) => ({ channel: c.name, chatId }));
    }),
    deprecations: secretariat.deprecations,
    publicNoticeMs: e.PUBLIC_NOTICE_PERIOD,
    congressReminderCron: e.CONGRESS_REMINDER_CRON,
    voteReminderMs: [...e.VOTE_REMINDERS].sort((a, b) => b - a),
    delivery: {
      attempts: e.DELIVERY_ATTEMPTS,
      backoffMs: e.DELIVERY_BACKOFF_MS,
      lockMs: e.DELIVERY_LOCK_MS,
      limits: Object.fromEntries(
        CHANNELS.flatMap((c) => ('limits' in c && c.limits ? [[c.name, c.limits(e as never)] as const] : [])),
      ),
    },
    ops: { user: e.OPS_USER, password: e.OPS_PASSWORD },
    admin: { publicUrl: e.PUBLIC_URL, linkTtlMs: e.ADMIN_LINK_TTL, sessionTtlMs: e.ADMIN_SESSION_TTL },
    application: { deadline: e.APPLICATION_DEADLINE, resumeAfterMs: e.APPLICATION_RESUME_AFTER },
  };
}

/** Every channel's settings; the problems of all of them are reported together. */
function channelSettings(e: Env): ChannelSettings {
  const problems: ConfigProblem[] = [];
  const settings: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    try {
      settings[channel.name] = channel.settings(e as never);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return settings as ChannelSettings;
}

const channelNames = (): string => CHANNELS.map((c) => c.name).join(', ');

/**
 * SECRETARIAT (`feishu:ou_x,wechat:wxid_y,console:alice`) plus the per-channel lists it replaces,
 * which still work with a deprecation line. Ids are never repeated in an error: they identify people.
 */
function secretariatKeys(e: Env, env: Record<string, string | undefined>): { keys: string[]; deprecations: string[] } {
  const keys: string[] = [];
  const problems: ConfigProblem[] = [];
  const names = new Set<string>(CHANNELS.map((c) => c.name));
  splitList(e.SECRETARIAT).forEach((item, i) => {
    const match = /^([A-Za-z][\w-]*)\s*[:：]\s*(\S+)$/.exec(item);
    if (!match) {
      problems.push({
        variable: 'SECRETARIAT',
        reason: `第 ${i + 1} 项应形如 渠道:账号，渠道为 ${channelNames()} 之一 (item ${i + 1} should look like channel:id)`,
      });
      return;
    }
    const channel = match[1]!.toLowerCase();
    if (!names.has(channel)) {
      problems.push({
        variable: 'SECRETARIAT',
        reason: `第 ${i + 1} 项的渠道 "${channel.slice(0, 20)}" 不存在，可用：${channelNames()} (item ${i + 1}: unknown channel; known: ${channelNames()})`,
      });
      return;
    }
    keys.push(`${channel}:${match[2]}`);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const deprecations: string[] = [];
  for (const channel of CHANNELS) {
    const variable = 'legacySecretariatVariable' in channel ? channel.legacySecretariatVariable : undefined;
    if (!variable) continue;
    const ids = splitList(env[variable]);
    if (ids.length === 0) continue;
    keys.push(...ids.map((id) => `${channel.name}:${id}`));
    deprecations.push(
      `${variable} 已弃用，请改用 SECRETARIAT=${channel.name}:<账号>,… (${variable} is deprecated; use SECRETARIAT=${channel.name}:<id>,…)`,
    );
  }
  return { keys: [...new Set(keys)], deprecations };
}

/** CHANNELS: which channels `serve` runs, by name. */
function serveChannels(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = splitList(value).map((n) => n.toLowerCase());
  const unknown = list.filter((n) => !CHANNELS.some((c) => c.name === n));
  if (unknown.length > 0)
    throw new ConfigError([
      {
        variable: 'CHANNELS',
        reason: `没有这些渠道：${unknown.join(', ')}，可用：${channelNames()} (unknown channels; known: ${channelNames()})`,
      },
    ]);
  return list;
}
