// Issue 16 on the application dialog's submit: the database drops right after the submission was
// committed and before the conversation was saved, so the click is tried again and finds no draft.
// The applicant still gets the number and the DOCX once; the secretariat's review alert arrives once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Sql } from '../../src/db/sql.ts';
import { sentText, startFeishuWorld, type FeishuWorld } from './support/feishu-service.ts';
import { applicationAnswers } from '../support/application-script.ts';

const answers = applicationAnswers('贵州故障测试科技有限公司').slice(1);

let w: FeishuWorld;
beforeAll(async () => {
  w = await startFeishuWorld({ APPLICATION_DEADLINE: 'none', SECRETARIAT_FEISHU_CHAT_ID: 'oc_sec_fault' });
});
afterAll(async () => {
  await w?.close();
});

it('a submit whose conversation save fails after the commit: one number, one DOCX, one review alert', async () => {
  const applicant = w.user('ou_app_fault', 'oc_app_fault');
  await applicant.says('我要申请加入联盟');
  let last = await applicant.says(answers[0]!);
  for (const answer of answers.slice(1)) last = await applicant.says(answer);
  const card = last.find((m) => m.msgType === 'interactive');
  expect(card, sentText(last)).toBeDefined();

  const sql: Sql = w.service.app.services.db.sql;
  const realQuery = sql.query.bind(sql);
  let submitted = false;
  let cuts = 0;
  // The submission commits; the conversation save right after it fails (not committed).
  sql.query = (async (text: string, params?: unknown[]) => {
    if (submitted && cuts === 0 && text.includes('INSERT INTO "Conversation"')) {
      cuts += 1;
      throw new Error('Connection terminated unexpectedly');
    }
    const rows = await realQuery(text, params);
    if (text.includes(`SET status = 'submitted'`)) submitted = true;
    return rows;
  }) as Sql['query'];
  try {
    const clicked = await applicant.clicks(card!, 0);
    const toApplicant = clicked.sent.filter((m) => m.chatId === 'oc_app_fault' || m.replyTo);
    expect(cuts).toBe(1);
    expect(toApplicant.filter((m) => m.msgType === 'file')).toHaveLength(1);
    expect(sentText(toApplicant).match(/编号 LM-\d{4}-\d{4}/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
    expect(sentText(toApplicant)).not.toContain('草稿已不在填写状态');
  } finally {
    sql.query = realQuery;
  }
  // The review alert (a card, with the DOCX) comes from a poller, every second: once.
  const alerts = () => w.fake.messages.filter((m) => m.chatId === 'oc_sec_fault' && m.msgType === 'interactive');
  await expect.poll(() => alerts().length, { timeout: 15_000 }).toBe(1);
  await new Promise((r) => setTimeout(r, 2_500));
  expect(alerts()).toHaveLength(1);
  expect(w.fake.messages.filter((m) => m.chatId === 'oc_sec_fault' && m.msgType === 'file')).toHaveLength(1);
  const numbers = new Set(sentText(w.fake.messages).match(/LM-\d{4}-\d{4}/g));
  expect(numbers.size).toBe(1);
}, 120_000);
