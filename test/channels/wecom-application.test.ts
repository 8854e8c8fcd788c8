// The whole application dialog over the WeCom app, as an applicant goes through it: the form field
// by field, the summary card answered by a click (a template_card_event), the DOCX back as a file
// through the media API, the stamped scan in through media/get. Then the secretariat's review card
// clicked in WeCom: the clicker's card is changed with its response_code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWecomWorld, wecomText, type WecomWorld } from './support/wecom-service.ts';
import { applicationAnswers } from '../support/application-script.ts';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
);

const answers = applicationAnswers('贵州企微测试科技有限公司').slice(1);

let w: WecomWorld;
beforeAll(async () => {
  w = await startWecomWorld({ APPLICATION_DEADLINE: '2099-12-31', SECRETARIAT: 'wecom:sec1,wecom:sec2' });
});
afterAll(async () => w?.close());

describe('the application dialog on WeCom', () => {
  it('fills the form, submits by clicking the summary card, gets the DOCX, sends the stamped scan', async () => {
    const applicant = w.member('wanglei');
    let last = await applicant.says('我要申请加入联盟');
    expect(wecomText(last)).toContain('单位名称');
    for (const answer of answers) last = await applicant.says(answer);
    const card = last.find((m) => m.msgtype === 'template_card');
    expect(card, wecomText(last)).toBeDefined();
    expect(card!.body.card_type).toBe('button_interaction');
    expect(JSON.stringify(card!.body)).toContain('入盟申请汇总');
    expect(card!.taskId).toMatch(/^[A-Za-z0-9_\-@]{1,128}$/);
    expect(card!.touser).toBe('wanglei');

    const submitted = await applicant.clicks(card!, 0);
    expect(wecomText(submitted)).toMatch(/编号 LM-\d{4}-\d{4}/);
    const file = submitted.find((m) => m.msgtype === 'file');
    expect(file, wecomText(submitted)).toBeDefined();
    const upload = w.fake.uploads.find((u) => u.mediaId === file!.body.media_id);
    expect(upload?.name).toMatch(/\.docx$/);
    expect(w.fake.media.get(upload!.mediaId)!.data.subarray(0, 2).toString()).toBe('PK');

    const scan = await applicant.sendsFile('盖章申请表.pdf', PDF);
    expect(wecomText(scan)).toContain('已收到盖章扫描件');
    const { prisma } = w.service.app.services.db;
    const row = await prisma.application.findFirst({ where: { userId: 'wanglei', channel: 'wecom' } });
    expect(row?.number).toMatch(/^LM-/);
    const stored = await prisma.storedFile.findUnique({ where: { id: row!.scanFileId! } });
    expect(stored).toMatchObject({ name: '盖章申请表.pdf', mime: 'application/pdf' });
    expect(Buffer.from(stored!.data)).toEqual(PDF);
  });
});

async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 300; i += 1) {
    const hit = find();
    if (hit) return hit;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never: ${what}`);
}

describe('a secretariat review card clicked in WeCom', () => {
  it('approves once; every copy is changed through update_template_card to show who decided', async () => {
    const reviewCard = (userId: string) =>
      eventually(
        () =>
          w.fake.messages.find(
            (m) =>
              m.touser === userId &&
              m.msgtype === 'template_card' &&
              JSON.stringify(m.body).includes('入盟申请待资格审查'),
          ),
        `${userId} receives the review card`,
      );
    const mine = await reviewCard('sec1');
    const theirs = await reviewCard('sec2');
    const { prisma } = w.service.app.services.db;
    const app = await prisma.application.findFirstOrThrow({ where: { userId: 'wanglei' } });

    // Someone else clicking sec2's card (a forged or forwarded click): refused with a note, nothing changes.
    const forged = await w.member('mallory').clicks(theirs, 0);
    expect(wecomText(forged)).toContain('这张卡片不是发给您的');
    expect((await prisma.application.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('submitted');
    expect(w.fake.updates).toEqual([]);

    const click = await w.member('sec1').clicks(mine, 0);
    expect(wecomText(click)).toContain('已通过申请');
    // Each copy of the review card (and of the card announcing the late scan) changed in place, once:
    // the clicker's with the click's response_code, the others with the one their send returned.
    const updatesOf = (taskId: string | undefined) => w.fake.updates.filter((u) => u.card.task_id === taskId);
    for (const [userId, card] of [
      ['sec1', mine],
      ['sec2', theirs],
    ] as const) {
      const [update] = await eventually(
        () => (updatesOf(card.taskId).length > 0 ? updatesOf(card.taskId) : undefined),
        `${userId}'s review card is updated`,
      );
      expect(update!.userids).toEqual([userId]);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const card of [mine, theirs]) expect(updatesOf(card.taskId)).toHaveLength(1);
    for (const update of w.fake.updates) {
      expect(JSON.stringify(update.card)).toContain('通过资格审查');
      expect(JSON.stringify(update.card)).toContain('由 wecom:sec1');
      expect(update.card.button_list ?? []).toEqual([]);
    }

    // sec2 clicks the old copy before seeing the change: told who decided; nothing changes again.
    const late = await w.member('sec2').clicks(theirs, 0);
    expect(wecomText(late)).toContain('已由 wecom:sec1');
    expect(await prisma.auditLog.count({ where: { action: 'review.approve', entityId: app.id } })).toBe(1);
    expect((await prisma.application.findUniqueOrThrow({ where: { id: app.id } })).status).not.toBe('submitted');
  }, 90_000);
});
