// Building channels from their definitions for a process: which ones it runs, their settings, and
// the shared pieces they get. `serve` runs the configured ones; `worker` and `chat` build only the
// ones whose sends can run in any process, to deliver their messages.
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Services } from '../bot/services.ts';
import { readFile } from '../db/files.ts';
import type { Channel } from './channel.ts';
import { defaultSettings, isConfigured, type AnyChannelDefinition, type ChannelDeps } from './define.ts';
import { CHANNELS, channelDefinition } from './registry.ts';

const registered = CHANNELS as readonly AnyChannelDefinition[];

/** A channel's settings: config.ts read them for registered channels; any other reads no variables. */
export function settingsOf(config: Config, definition: AnyChannelDefinition): unknown {
  if (channelDefinition(definition.name) === definition)
    return (config.channels as Record<string, unknown>)[definition.name];
  return defaultSettings(definition);
}

/**
 * What `serve` runs: the channels named in CHANNELS, else every configured one, else (nothing
 * configured) the local trial channels that are not switched off (see `local` in define.ts).
 */
export function servedChannels(config: Config): AnyChannelDefinition[] {
  if (config.serveChannels) return config.serveChannels.map((name) => channelDefinition(name)!);
  const configured = registered.filter((d) => isConfigured(d, settingsOf(config, d)));
  if (configured.length > 0) return configured;
  return registered.filter((d) => d.local && settingsOf(config, d) !== undefined);
}

export function channelDeps<S>(services: Services, redis: Redis, keyPrefix: string, settings: S): ChannelDeps<S> {
  return {
    settings,
    log: services.log,
    texts: services.texts,
    redis,
    keyPrefix,
    readFile: (id) => readFile(services.db.prisma, id),
    dataDir: services.config.dataDir,
    httpProxy: services.config.httpProxy,
    now: services.now,
  };
}

/** The configured channels this process can send on without holding their session (not started). */
export async function senderChannels(services: Services, redis: Redis, keyPrefix: string): Promise<Channel[]> {
  const { config } = services;
  const senders = registered.filter((d) => d.sendsFrom === 'any' && isConfigured(d, settingsOf(config, d)));
  return Promise.all(senders.map((d) => d.create(channelDeps(services, redis, keyPrefix, settingsOf(config, d)))));
}
