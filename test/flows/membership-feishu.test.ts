// The membership process on Feishu, end to end through `serve` in webhook mode and the fake Open
// API: an applicant submits in a p2p chat, the review card reaches the secretariat's open_id through
// the outbox, the secretariat clicks 通过资格审查 on the rendered card, members get the 公示 card, the
// end-of-notice timer grants membership. A member clicking the secretariat's (forwarded) card is
// refused and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeishuWorld, sentText, type FeishuWorld } from '../channels/support/feishu-service.ts';
import type { SentMessage } from '../channels/support/fake-feishu.ts';
import { importMembers } from '../../src/membership/members.ts';
import { applicationAnswers } from '../support/application-script.ts';

let w: FeishuWorld;
beforeAll(async () => {
  w = await startFeishuWorld({
    SECRETARIAT_FEISHU_OPEN_IDS: 'ou_sec',
    APPLICATION_DEADLINE: '2099-12-31',
    PUBLIC_NOTICE_PERIOD: '3s',
  });
  await importMembers(
    w.service.app.services.db.prisma,
    'test',
    'orgName,orgType,repName,channel,userId\n北京市数字教育中心,教育部门,张三,feishu,ou_m1\n',
  );
});
afterAll(async () => w?.close());

const prisma = () => w.service.app.services.db.prisma;

/** `to`: an open_id (direct message) or `reply:<message id>` (an answer in the card's thread). */
async function waitForMessage(to: string, contains: string): Promise<SentMessage> {
  const matches = (m: SentMessage) => (to.startsWith('reply:') ? m.replyTo === to.slice(6) : m.chatId === `p2p:${to}`);
  for (let i = 0; i < 300; i += 1) {
    const hit = w.fake.messages.find((m) => matches(m) && JSON.stringify(m.content).includes(contains));
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${to} never received “${contains}”`);
}

describe('membership on Feishu', () => {
  it('submit → review card → approve → 公示 card → timer → member', async () => {
    const applicant = w.user('ou_app');
    for (const text of applicationAnswers('贵州智慧教育科技有限公司')) {
      await applicant.says(text);
    }
    expect(sentText(await applicant.says('确认提交'))).toMatch(/LM-\d{4}-\d{4}/);

    const card = await waitForMessage('ou_sec', '入盟申请待资格审查');
    expect(card.msgType).toBe('interactive');
    const app = await prisma().application.findFirstOrThrow({ where: { userId: 'ou_app' } });

    // A member clicking the secretariat's card (forwarded to them): refused, nothing changed.
    const forwarded = await w.user('ou_m1').clicks(card, 0);
    expect(JSON.stringify(forwarded.json)).toContain('toast');
    expect((await prisma().application.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('submitted');

    await w.user('ou_sec').clicks(card, 0);
    await waitForMessage(`reply:${card.messageId}`, '已通过申请');
    await waitForMessage('ou_app', '已通过秘书处资格审查');
    const notice = await waitForMessage('ou_m1', '入盟公示');
    expect(notice.msgType).toBe('interactive');
    await waitForMessage('ou_app', '已取得国家数字教育资源公共服务体系联盟成员资格');
    expect(await prisma().member.findUnique({ where: { orgName: '贵州智慧教育科技有限公司' } })).toMatchObject({
      status: 'active',
      channel: 'feishu',
      userId: 'ou_app',
    });
    // Each message went out once (the fake drops a repeated uuid, and counts only distinct sends).
    expect(
      w.fake.messages.filter((m) => m.chatId === 'p2p:ou_m1' && JSON.stringify(m.content).includes('入盟公示')),
    ).toHaveLength(1);
  }, 90000);
});
