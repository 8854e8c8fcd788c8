// Cards that change on WeChat (wechaty-puppet-mock), where a sent message cannot be edited: after
// one secretariat member approves by replying with the option number, the other member gets the
// decided review card as a new message, and a reply with the old card's numbers is told the card
// changed instead of acting on it.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatWorld, type WechatPerson, type WechatWorld } from './support/wechat-service.ts';
import { grantSecretariat } from '../../src/membership/roles.ts';
import { outboxSettled } from './support/outbox.ts';
import { applicationAnswers } from '../support/application-script.ts';

let w: WechatWorld;
beforeAll(async () => {
  w = await startWechatWorld({ APPLICATION_DEADLINE: '2099-12-31' });
});
afterAll(async () => w?.close());

const prisma = () => w.service.app.services.db.prisma;

async function waitForText(person: WechatPerson, contains: string, after = 0): Promise<string> {
  for (let i = 0; i < 300; i += 1) {
    const hit = person.inbox.slice(after).find((r) => r.text.includes(contains));
    if (hit) return hit.text;
    await sleep(50);
  }
  throw new Error(`${person.id} never received “${contains}”:\n${person.inbox.map((r) => r.text).join('\n---\n')}`);
}

describe('review cards that change on WeChat', () => {
  it('the other secretariat member gets the decided card as a new message; the old numbers are retired', async () => {
    const sec1 = w.person('秘书处甲');
    const sec2 = w.person('秘书处乙');
    for (const sec of [sec1, sec2]) await grantSecretariat(prisma(), 'test', `wechat:${sec.id}`);

    const applicant = w.person('王磊');
    for (const text of applicationAnswers('贵州微信卡片科技有限公司')) await applicant.says(text);
    const submitted = await applicant.says('1');
    expect(submitted.map((r) => r.text).join('\n')).toMatch(/LM-\d{4}-\d{4}/);

    const card1 = await waitForText(sec1, '入盟申请待资格审查');
    const card2 = await waitForText(sec2, '入盟申请待资格审查');
    expect(card1).toContain('回复「1」通过资格审查');
    expect(card2).toContain('回复「1」通过资格审查');
    expect(card2).toContain('回复「2」退回补充');

    // sec1 approves by number: the reply, and sec1's own card as it now reads.
    const seen2 = sec2.inbox.length;
    await sec1.says('1');
    await waitForText(sec1, '已通过申请');
    await outboxSettled(w.service.app);

    // sec2 gets the decided card as a new message: who decided, no numbers to reply with.
    const updated = await waitForText(sec2, '通过资格审查', seen2);
    expect(updated).toContain('卡片已更新');
    expect(updated).toContain(`wechat:${sec1.id}`);
    expect(updated).not.toContain('回复「');
    expect(sec2.inbox.slice(seen2).filter((r) => r.text.includes('卡片已更新'))).toHaveLength(1);

    // sec1's own card, as it now reads, came once (as the replacement of the card answered).
    expect(sec1.inbox.filter((r) => r.text.includes('卡片已更新'))).toHaveLength(1);

    // A reply with the old card's number: told the card changed; nothing is decided again.
    const answer = await sec2.says('2');
    expect(answer.map((r) => r.text).join('\n')).toContain('这张卡片已更新');
    const app = await prisma().application.findFirstOrThrow({ where: { channel: 'wechat', number: { not: null } } });
    expect(app.status).toBe('notice');
    expect(
      await prisma().auditLog.count({
        where: { action: { in: ['review.approve', 'review.return', 'review.reject'] }, entityId: app.id },
      }),
    ).toBe(1);
  }, 90_000);
});
