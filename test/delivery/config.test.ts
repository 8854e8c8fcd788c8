// Delivery and membership settings: defaults are the platform's documented limits; blanks take the
// default; bad values are named in Chinese and English.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('delivery and membership config', () => {
  it('defaults to Feishu’s documented limits, a 7-day notice and a per-database queue prefix', () => {
    const a = loadConfig({ DATABASE_URL: 'postgresql://x@h/a' });
    expect(a.delivery.limits.feishu).toEqual({ sendPerMin: 1000, apiPerSec: 50, perChatPerSec: 5 });
    expect(a.publicNoticeMs).toBe(7 * 86_400_000);
    expect(a.queuePrefix).toMatch(/^alliance-[0-9a-f]{8}$/);
    expect(loadConfig({ DATABASE_URL: 'postgresql://x@h/b' }).queuePrefix).not.toBe(a.queuePrefix);
    expect(loadConfig({ DATABASE_URL: 'postgresql://x@h/a', QUEUE_PREFIX: 'prod' }).queuePrefix).toBe('prod');
  });

  it('reads secretariat ids into user keys and takes blanks as defaults', () => {
    const c = loadConfig({
      SECRETARIAT_FEISHU_OPEN_IDS: 'ou_a, ou_b，ou_c',
      SECRETARIAT_WECHAT_IDS: 'wxid_x',
      DELIVERY_ATTEMPTS: '',
      PUBLIC_NOTICE_PERIOD: '72h',
    });
    expect(c.secretariat).toEqual(['feishu:ou_a', 'feishu:ou_b', 'feishu:ou_c', 'wechat:wxid_x']);
    expect(c.delivery.attempts).toBe(10);
    expect(c.publicNoticeMs).toBe(72 * 3_600_000);
  });

  it('names every bad value', () => {
    let error: unknown;
    try {
      loadConfig({
        PUBLIC_NOTICE_PERIOD: '七天',
        DELIVERY_ATTEMPTS: '0',
        FEISHU_SEND_PER_MIN: 'many',
        CONGRESS_REMINDER_CRON: 'yearly',
        OPS_PASSWORD: 'short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const variable of [
      'PUBLIC_NOTICE_PERIOD',
      'DELIVERY_ATTEMPTS',
      'FEISHU_SEND_PER_MIN',
      'CONGRESS_REMINDER_CRON',
      'OPS_PASSWORD',
    ])
      expect(message).toContain(variable);
    expect(message).toContain('应不小于 1');
    expect(message).toContain('应是时长');
  });
});
