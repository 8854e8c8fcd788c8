// The whole application dialog on Feishu and on WeChat, as an applicant would go through it:
// the form field by field, the summary card answered by a click (Feishu) or a number (WeChat),
// the DOCX back as a file, the stamped scan in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBox } from 'file-box';
import { cardButtons, sentText, startFeishuWorld, type FeishuWorld } from './support/feishu-service.ts';
import { puppetAttachment, startWechatWorld, type WechatWorld } from './support/wechat-service.ts';
import { applicationAnswers } from '../support/application-script.ts';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
);
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('the application dialog on Feishu', () => {
  let w: FeishuWorld;
  beforeAll(async () => {
    w = await startFeishuWorld({ APPLICATION_DEADLINE: 'none' });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('fills the form, submits by clicking the summary card, gets the DOCX, sends the stamped scan', async () => {
    const applicant = w.user('ou_applicant', 'oc_applicant');
    let last = await applicant.says(applicationAnswers('')[0]!);
    expect(sentText(last)).toContain('单位名称');
    for (const answer of applicationAnswers('贵州飞书测试科技有限公司').slice(1)) last = await applicant.says(answer);
    const card = last.find((m) => m.msgType === 'interactive');
    expect(card, sentText(last)).toBeDefined();
    expect(JSON.stringify(card!.content)).toContain('入盟申请汇总');

    // Someone else in the conversation cannot submit it.
    const intruder = w.user('ou_intruder', 'oc_applicant');
    const refused = await intruder.clicks(card!, 0);
    expect(refused.json).toMatchObject({ toast: { type: 'warning' } });
    expect(refused.sent).toEqual([]);

    expect(cardButtons(card!)).toHaveLength(2);
    const submitted = await applicant.clicks(card!, 0);
    expect(sentText(submitted.sent)).toMatch(/编号 LM-\d{4}-\d{4}/);
    const file = submitted.sent.find((m) => m.msgType === 'file');
    expect(file).toBeDefined();
    const upload = w.fake.uploads.find((u) => u.fileKey === file!.content.file_key);
    expect(upload?.name).toMatch(/\.docx$/);

    const scan = await applicant.sendsFile('盖章申请表.pdf', PDF);
    expect(sentText(scan)).toContain('已收到盖章扫描件');
    const row = await w.service.app.services.db.prisma.application.findFirst({ where: { userId: 'ou_applicant' } });
    expect(row?.scanFileId).toBeTruthy();
  });
});

describe('the application dialog on WeChat', () => {
  let w: WechatWorld;
  beforeAll(async () => {
    w = await startWechatWorld({ APPLICATION_DEADLINE: 'none' });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('fills the form, submits by replying with the option number, gets the DOCX, sends the scan as a photo, then as a PDF', async () => {
    const applicant = w.person('王磊');
    let last = await applicant.says(applicationAnswers('')[0]!);
    expect(last.map((r) => r.text).join('\n')).toContain('单位名称');
    for (const answer of applicationAnswers('贵州微信测试科技有限公司').slice(1)) last = await applicant.says(answer);
    const summary = last.map((r) => r.text).join('\n');
    expect(summary).toContain('入盟申请汇总');
    expect(summary).toMatch(/回复「1」\S+/);

    const submitted = await applicant.says('1');
    expect(submitted.map((r) => r.text).join('\n')).toMatch(/编号 LM-\d{4}-\d{4}/);
    const docx = submitted.find((r) => r.file);
    expect(docx?.file?.name).toMatch(/\.docx$/);
    expect((await docx!.file!.toBuffer()).subarray(0, 2).toString()).toBe('PK');

    const scan = await applicant.sendsFile(FileBox.fromBase64(PNG.toString('base64'), '盖章申请表.png'));
    expect(scan.map((r) => r.text).join('\n')).toContain('已收到盖章扫描件');

    // Then a PDF of it, as puppets deliver files: an attachment typed application/octet-stream, so
    // the name and the bytes must say what it is.
    const rescan = await applicant.sendsFile(puppetAttachment('盖章申请表.pdf', PDF));
    expect(rescan.map((r) => r.text).join('\n')).toContain('已收到新的扫描件《盖章申请表.pdf》');
    const { prisma } = w.service.app.services.db;
    const row = await prisma.application.findFirst({ where: { channel: 'wechat', number: { not: null } } });
    const stored = await prisma.storedFile.findUnique({ where: { id: row!.scanFileId! } });
    expect(stored).toMatchObject({ name: '盖章申请表.pdf', mime: 'application/pdf' });
    expect(Buffer.from(stored!.data)).toEqual(PDF);
  });
});
