// What a channel folder exports: one definition that says everything the rest of the bot needs to
// know about the platform — the variables it owns, whether it is configured, its delivery limits, how
// it answers, the HTTP routes it mounts on the one server, and how to build it. Like a bolt-js
// receiver or a Koishi adapter: `serve`, `worker` and the HTTP server iterate definitions and name
// no platform. Definition files stay light (zod and types); the channel itself is imported in
// `create`, so a process pays for a platform SDK only when it runs that platform.
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Texts } from '../bot/texts.ts';
import type { Channel } from './channel.ts';
import type { ReadStoredFile } from './stored-file.ts';

/** Per-channel send limits for its deliver queue; the defaults are the platform's documented ones. */
export type ChannelLimits = {
  sendPerMin: number;
  apiPerSec?: number;
  perChatPerSec: number;
  /** Longer per-chat windows beyond the second (e.g. at most 30 a minute and 1,000 an hour to one member). */
  perChatWindows?: ChatWindow[];
};

export type ChatWindow = { max: number; ms: number };

/**
 * How replies reach the user:
 * - `outbox`: written to the outbox in the transaction that saves the conversation, sent by a deliver
 *   worker (retries, rate limits);
 * - `caller`: always handed back to whoever called the bot (the console prints them at once);
 * - `inline`: handed back to be put in the platform's HTTP response when the handling commits within
 *   `budgetMs` of receipt (a passive reply); a slower answer goes through the outbox instead.
 */
export type AnswerMode = 'outbox' | 'caller' | { inline: { budgetMs: number } };

/**
 * Where a channel's sends can run: `any` process (plain API calls, e.g. a `worker`), or only the
 * `session` process that holds the platform login (the deliver worker runs beside the channel).
 */
export type SendsFrom = 'any' | 'session';

/** What `create` gets: its settings and the shared pieces a channel may use (no database, no bot). */
export type ChannelDeps<S> = {
  settings: S;
  log: Logger;
  texts: Texts;
  /** Channel state shared between processes (event dedup, pending cards), under `keyPrefix`. */
  redis: Redis;
  keyPrefix: string;
  readFile: ReadStoredFile;
  /** Where a channel may keep files of its own (e.g. a saved login). */
  dataDir: string;
  /** A proxy is configured (Config.httpProxy). */
  httpProxy: boolean;
  now: () => Date;
  /** Set when `serve` seeded this channel's trial accounts (see `trial`). */
  trial?: { applicationsOpen: boolean; deadline: string | undefined };
};

export type TrialAccounts = {
  secretariat: string[];
  members: { orgName: string; orgType: string; repName: string; userId: string }[];
  applicationsOpen: boolean;
};

/** What `routes` gets: the built channel, its settings and the log. */
export type RouteContext<S, C extends Channel> = { channel: C; settings: S; log: Logger };

export type EnvShape = Record<string, z.ZodType>;
export type EnvOf<E extends EnvShape> = z.infer<z.ZodObject<E>>;

export type ChannelDefinition<
  N extends string = string,
  E extends EnvShape = EnvShape,
  S = unknown,
  C extends Channel = Channel,
> = {
  name: N;
  /** The environment variables this channel owns (parsed by config.ts with everything else). */
  env: E;
  /**
   * Its settings from those variables (undefined if it may be not set up at all). Settings that only
   * make sense together are checked here (throw ConfigError).
   */
  settings(env: EnvOf<E>): S;
  /** Whether `serve` runs it when no channel list is given. Default: settings are defined. */
  configured?(settings: NonNullable<S>): boolean;
  /** Delivery limits for its deliver queue (also when not configured: a test channel may use the name). */
  limits?(env: EnvOf<E>): ChannelLimits;
  /** Group chats of the secretariat on this platform that also receive review cards. */
  secretariatChats?(settings: NonNullable<S>): string[];
  /** The old per-platform variable listing secretariat ids (deprecated for SECRETARIAT). */
  legacySecretariatVariable?: string;
  answerMode: AnswerMode;
  /**
   * Whether people click a card's buttons (default true). False where the buttons become numbered
   * replies (WeChat, the Official Account) or a list (the console): a module shows a numbered text
   * there instead of a card whose numbers would clash with its own (the motion dialog's summary).
   */
  clickableButtons?: boolean;
  sendsFrom: SendsFrom;
  /** Mounts its webhook / callback routes on the one HTTP server (called once, before it listens). */
  routes?(server: FastifyInstance, context: RouteContext<NonNullable<S>, C>): void;
  /** Builds the channel (not started: `serve` starts it, a `worker` only sends through it). */
  create(deps: ChannelDeps<NonNullable<S>>): Promise<C>;
  /**
   * A local trial channel (default false): `serve` runs it when no other channel is configured and
   * nothing names the channels; it runs without Redis (its outbox rows are then delivered in process);
   * while it runs, the HTTP server listens on 127.0.0.1 unless HOST is set.
   */
  local?: boolean;
  /**
   * Demo accounts for a trial on the embedded database (no DATABASE_URL), seeded by `serve` when it
   * runs this channel: secretariat user ids, member units with their representative's user id, and
   * whether the application window is open (unless APPLICATION_DEADLINE says otherwise).
   */
  trial?(settings: NonNullable<S>): TrialAccounts;
  /** A page people open in a browser (a path on the HTTP server): `serve` prints its address. */
  page?: string;
  /** Readiness entries for /healthz while it runs. */
  health?(channel: C): Record<string, boolean>;
  /** A CLI command that runs `serve` with only this channel (kept for habit, e.g. `wechat`). */
  command?: { name: string; description: string };
};

/** Type helper: checks a definition and keeps its literal name and settings type. */
export function defineChannel<const N extends string, E extends EnvShape, S, C extends Channel>(
  definition: ChannelDefinition<N, E, S, C>,
): ChannelDefinition<N, E, S, C> {
  return definition;
}

/** A definition with its types erased, as lists of them are held. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyChannelDefinition = ChannelDefinition<string, any, any, any>;

export function isConfigured(definition: AnyChannelDefinition, settings: unknown): boolean {
  if (settings === undefined) return false;
  return definition.configured ? definition.configured(settings) : true;
}

/** The settings of a channel that is not in the registry (a test channel): its variables all unset. */
export function defaultSettings(definition: AnyChannelDefinition): unknown {
  return definition.settings(z.object(definition.env).parse({}));
}
