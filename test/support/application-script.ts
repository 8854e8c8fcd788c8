// The applicant's few natural messages that fill 附件2 up to the summary, shared by the flow tests.
import { expect } from 'vitest';
import type { TestUser } from './app.ts';

export async function fillToSummary(user: TestUser, org: string, contact = '同上'): Promise<void> {
  await user.says('我要申请加入联盟');
  await user.says(org);
  await user.says('贵州省贵阳市云岩区北京路1号');
  await user.says('公司');
  await user.says('本公司成立于2010年，员工200人，从事数字教育资源开发，已接入国家体系。');
  await user.says('王磊，信息科科长，13812345678，wanglei@example.com');
  await user.says(contact);
  expect(user.lastText()).toContain('入盟申请汇总');
}
