// Which channels a process builds from the registry: `serve` the configured ones (or CHANNELS),
// `worker` and `chat` only those whose sends can run in any process.
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.ts';
import { loadTexts } from '../../src/bot/texts.ts';
import { createLogger } from '../../src/log.ts';
import type { Services } from '../../src/bot/services.ts';
import { senderChannels, servedChannels } from '../../src/channels/runtime.ts';

const FEISHU = { FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_APP_SECRET: 's' };
const WECHAT = { WECHATY_PUPPET: 'wechaty-puppet-mock' };

const services = (env: Record<string, string>) => {
  const config = loadConfig(env);
  return {
    config,
    log: createLogger('silent'),
    texts: loadTexts(config.promptsDir),
    db: { prisma: {} },
    now: () => new Date(),
  } as unknown as Services;
};
const names = (list: { name: string }[]) => list.map((c) => c.name);
// Building a channel does not connect anything: an unconnected stand-in is enough.
const redis = { defineCommand: () => undefined } as unknown as Redis;

describe('channels a process runs', () => {
  it('serve: the configured ones, or those CHANNELS names', () => {
    // Nothing configured: the local playground (issue 14), unless switched off; never beside a platform unless asked.
    expect(names(servedChannels(loadConfig({})))).toEqual(['playground']);
    expect(names(servedChannels(loadConfig({ PLAYGROUND: '0' })))).toEqual([]);
    expect(names(servedChannels(loadConfig({ ...FEISHU, PLAYGROUND: '1' })))).toEqual(['feishu', 'playground']);
    expect(names(servedChannels(loadConfig(FEISHU)))).toEqual(['feishu']);
    expect(names(servedChannels(loadConfig(WECHAT)))).toEqual(['wechat']);
    expect(names(servedChannels(loadConfig({ ...FEISHU, ...WECHAT })))).toEqual(['feishu', 'wechat']);
    expect(names(servedChannels(loadConfig({ ...FEISHU, ...WECHAT, CHANNELS: 'feishu' })))).toEqual(['feishu']);
  });

  it('worker: the configured channels any process can send on, never one that needs its session', async () => {
    expect(names(await senderChannels(services({}), redis, 'p:'))).toEqual([]);
    expect(names(await senderChannels(services({ ...FEISHU, ...WECHAT }), redis, 'p:'))).toEqual(['feishu']);
    expect(names(await senderChannels(services(WECHAT), redis, 'p:'))).toEqual([]);
  });
});
