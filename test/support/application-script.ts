// The applicant's few natural messages that fill 附件2 up to the summary, shared by the flow tests.
import { expect } from 'vitest';
import type { Harness, TestUser } from './app.ts';

/** The messages, from 「我要申请加入联盟」 on, that fill the form for `org` up to its summary (any channel). */
export const applicationAnswers = (org: string, contact = '同上'): string[] => [
  '我要申请加入联盟',
  org,
  '贵州省贵阳市云岩区北京路1号',
  '公司',
  '本公司成立于2010年，员工200人，从事数字教育资源开发，已接入国家体系。',
  '王磊，信息科科长，13812345678，wanglei@example.com',
  contact,
];

export async function fillToSummary(user: TestUser, org: string, contact = '同上'): Promise<void> {
  for (const text of applicationAnswers(org, contact)) await user.says(text);
  expect(user.lastText()).toContain('入盟申请汇总');
}

/** The fields of the user's newest application as stored ({} before there is one). */
export async function storedFields(h: Harness, user: TestUser): Promise<Record<string, string>> {
  const row = await h.app.services.db.prisma.application.findFirst({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
  });
  return (row?.fields ?? {}) as Record<string, string>;
}
