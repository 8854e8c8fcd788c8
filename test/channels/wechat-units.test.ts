// WeChat's text cards: numbered-reply parsing, rendering, and the pending options in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { parseOptionNumber, renderCardText } from '../../src/channels/wechat/card-text.ts';
import { PendingCards } from '../../src/channels/wechat/pending-cards.ts';
import { loadTexts } from '../../src/bot/texts.ts';
import { removeKeys } from './support/redis-keys.ts';

const texts = loadTexts(path.resolve(import.meta.dirname, '../../prompts'));

describe('parseOptionNumber', () => {
  it.each([
    ['1', 1],
    ['１', 1],
    [' 2 ', 2],
    ['回复1', 1],
    ['回复「2」', 2],
    ['【3】', 3],
    ['选 2。', 2],
    ['12', 12],
  ])('reads %j as %d', (text, n) => expect(parseOptionNumber(text)).toBe(n));

  it.each(['', '0', '第一条', '1和2', '123', '退出以后第1年', '1.5', '-1'])('ignores %j', (text) =>
    expect(parseOptionNumber(text)).toBeUndefined(),
  );
});

describe('renderCardText', () => {
  it('renders title, lines, fields and numbered options with the wording from prompts/', () => {
    const text = renderCardText(
      {
        title: '投票',
        lines: ['议题 12：修改章程'],
        fields: [{ label: '截止', value: '明天' }],
        buttons: [
          { label: '赞成', action: 'vote.cast', value: { choice: 'yes' } },
          { label: '反对', action: 'vote.cast', value: { choice: 'no' } },
        ],
        expiresAt: '2030-05-01T04:00:00Z',
      },
      texts,
      new Date('2030-04-30T00:00:00Z'),
    );
    expect(text.split('\n')).toEqual([
      '【投票】',
      '议题 12：修改章程',
      '截止：明天',
      '',
      '回复「1」赞成',
      '回复「2」反对',
      '（请在 5/1 12:00 前回复）',
    ]);
  });
});

describe('PendingCards', () => {
  let redis: Redis;
  const prefix = `t-${randomBytes(5).toString('hex')}`;
  beforeAll(() => {
    redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await removeKeys(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', prefix);
    redis.disconnect();
  });
  const card = { title: 't', buttons: [{ label: '通过', action: 'review.approve', value: { id: '1' } }] };
  const now = new Date('2026-01-01T00:00:00Z');

  it('binds options to the addressee, lets anyone answer a chat-wide card, and expires', async () => {
    const pending = new PendingCards(redis, `${prefix}:`);
    await pending.remember('room:r1', 'alice', card, 'm1', now);
    expect(await pending.lookup('room:r1', 'alice', 1, now)).toEqual({
      found: { action: 'review.approve', value: { id: '1' } },
      ref: 'm1',
    });
    expect(await pending.lookup('room:r1', 'mallory', 1, now)).toBeUndefined();
    expect(await pending.lookup('room:r1', 'alice', 2, now)).toBeUndefined();

    await pending.remember('room:r2', undefined, card, 'm2', now);
    expect(await pending.lookup('room:r2', 'anyone', 1, now)).toMatchObject({ ref: 'm2' });

    await pending.remember('bob', 'bob', { ...card, expiresAt: '2026-01-01T01:00:00Z' }, 'm3', now);
    expect(await pending.lookup('bob', 'bob', 1, new Date('2026-01-01T00:59:00Z'))).toMatchObject({ ref: 'm3' });
    expect(await pending.lookup('bob', 'bob', 1, new Date('2026-01-01T01:00:01Z'))).toEqual({ expired: true });
  });
});
