// The one typed configuration. Nothing else in src/ reads process.env.
import path from 'node:path';
import { z } from 'zod';

/** Unset, empty and blank all mean "not configured". */
const optional = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), inner.optional());

const schema = z.object({
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, '应以 postgres:// 或 postgresql:// 开头 (must start with postgres://)')),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, '应以 redis:// 开头 (must start with redis://)')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OPENAI_API_KEY: optional(z.string()),
  OPENAI_BASE_URL: optional(z.url('应是完整的网址 (must be a URL)')),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  KNOWLEDGE_DIR: z.string().trim().min(1).default('knowledge'),
  PROMPTS_DIR: z.string().trim().min(1).default('prompts'),
});

export type Config = {
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  llm: { apiKey: string | undefined; baseUrl: string | undefined; model: string; timeoutMs: number } | undefined;
  knowledgeDir: string;
  promptsDir: string;
};

/** Thrown when the environment is wrong; the message names every bad variable, in Chinese and English. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(
      '配置有误 / invalid configuration:\n' +
        problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

const projectRoot = path.resolve(import.meta.dirname, '..');

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
  };
}
