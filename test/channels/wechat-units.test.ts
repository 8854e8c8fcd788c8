// WeChat's text cards: numbered-reply parsing, rendering, and the pending options in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { renderCardText } from '../../src/channels/wechat/card-text.ts';
import { parseOptionNumber } from '../../src/bot/option-number.ts';
import { PendingCards } from '../../src/channels/wechat/pending-cards.ts';
import { loadTexts } from '../../src/bot/texts.ts';
import type { Card } from '../../src/bot/outbound.ts';
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
    ['回复「1024」', 1024],
  ])('reads %j as %d', (text, n) => expect(parseOptionNumber(text)).toBe(n));

  it.each(['', '0', '第一条', '1和2', '12345', '退出以后第1年', '1.5', '-1'])('ignores %j', (text) =>
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
  const at = (time: string) => new Date(`2026-01-01T${time}Z`);
  let pending: PendingCards;
  beforeAll(() => {
    pending = new PendingCards(redis, `${prefix}:`);
  });
  /** Reserves, "sends" as message `ref`, and returns the first number the card shows. */
  const sendCard = async (chat: string, to: string | undefined, c: Card, ref: string) => {
    const numbers = await pending.reserve(chat, to, c, now);
    await pending.sent(chat, numbers!, ref);
    return numbers!.first;
  };

  it('binds options to the addressee and uses a card up once it is answered', async () => {
    expect(await sendCard('room:r1', 'alice', card, 'm1')).toBe(1);
    expect(await pending.take('room:r1', 'mallory', 1, now)).toBeUndefined();
    expect(await pending.take('room:r1', 'alice', 2, now)).toBeUndefined();
    expect(await pending.take('room:r1', 'alice', 1, now)).toEqual({
      found: { action: 'review.approve', value: { id: '1' } },
      ref: 'm1',
    });
    expect(await pending.take('room:r1', 'alice', 1, now)).toBeUndefined();
  });

  it('lets anyone in the chat answer a card sent to no one in particular, more than once', async () => {
    await sendCard('room:r2', undefined, card, 'm2');
    expect(await pending.take('room:r2', 'anyone', 1, now)).toMatchObject({ ref: 'm2' });
    expect(await pending.take('room:r2', 'someone-else', 1, now)).toMatchObject({ ref: 'm2' });
  });

  it('refuses an expired card, and forgets it after the grace period', async () => {
    await sendCard('bob', 'bob', { ...card, expiresAt: '2026-01-01T01:00:00Z' }, 'm3');
    expect(await pending.take('bob', 'bob', 1, at('01:00:01'))).toEqual({ expired: true });
    expect(await pending.take('bob', 'bob', 1, new Date('2026-01-02T01:00:01Z'))).toBeUndefined();
    expect(await pending.take('bob', 'bob', 1, at('00:59:00'))).toMatchObject({ ref: 'm3' });
  });

  it('numbers the options of every open card in a chat apart, and starts again at 1 when none is left', async () => {
    const two = (id: string) => ({
      title: id,
      buttons: [
        { label: '通过', action: 'review.approve', value: { case: id } },
        { label: '退回', action: 'review.return', value: { case: id } },
      ],
    });
    expect(await sendCard('carol', 'carol', two('A'), 'mA')).toBe(1);
    expect(await sendCard('carol', 'carol', two('B'), 'mB')).toBe(3);
    // The other person's chat keeps its own numbers.
    expect(await sendCard('dave', 'dave', two('C'), 'mC')).toBe(1);

    expect(await pending.take('carol', 'carol', 3, now)).toEqual({
      found: { action: 'review.approve', value: { case: 'B' } },
      ref: 'mB',
    });
    expect(await pending.take('carol', 'carol', 4, now)).toBeUndefined();
    // A new card while A is still open does not reuse B's numbers.
    expect(await sendCard('carol', 'carol', two('D'), 'mD')).toBe(5);
    expect(await pending.take('carol', 'carol', 2, now)).toMatchObject({ found: { value: { case: 'A' } } });
    expect(await pending.take('carol', 'carol', 6, now)).toMatchObject({ found: { value: { case: 'D' } } });
    expect(await sendCard('carol', 'carol', two('E'), 'mE')).toBe(1);
  });

  it('forgets the numbers of a card that could not be sent', async () => {
    const numbers = await pending.reserve('erin', 'erin', card, now);
    await pending.forget('erin', numbers!);
    expect(await pending.take('erin', 'erin', 1, now)).toBeUndefined();
    expect(await sendCard('erin', 'erin', card, 'm4')).toBe(1);
  });

  it('keeps values that need escaping, and an empty value, as they were', async () => {
    const value = { reason: '引号"、反斜杠\\、换行\n、emoji 🎉', empty: '' };
    const odd = {
      title: 'x',
      buttons: [
        { label: 'a', action: 'x.a', value },
        { label: 'b', action: 'x.b', value: {} },
      ],
    };
    await sendCard('frank', 'frank', odd, 'm5');
    expect(await pending.take('frank', 'frank', 1, now)).toEqual({ found: { action: 'x.a', value }, ref: 'm5' });
    await sendCard('frank', 'frank', odd, 'm6');
    expect(await pending.take('frank', 'frank', 2, now)).toEqual({ found: { action: 'x.b', value: {} }, ref: 'm6' });
  });

  it('sends a card whose expiry cannot be read as one without expiry', async () => {
    expect(await sendCard('hana', 'hana', { ...card, expiresAt: 'not a date' }, 'm7')).toBe(1);
    expect(await pending.take('hana', 'hana', 1, now)).toMatchObject({ ref: 'm7' });
  });

  it('has nothing to number on a card without buttons', async () => {
    expect(await pending.reserve('gina', 'gina', { title: 'no buttons' }, now)).toBeUndefined();
  });
});
