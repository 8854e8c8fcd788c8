// Dialog states kept across a release: an application form saved by a version of the bot without
// state versions still resumes; one the bot can no longer read is dropped with a clear reply and
// nothing of the draft is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ APPLICATION_DEADLINE: '2099-12-31' });
});
afterAll(async () => {
  await h?.close();
});

const setDialog = (user: string, sql: string) =>
  h.app.services.db.sql.query(`UPDATE "Conversation" SET state = ${sql} WHERE channel = 'console' AND "userId" = $1`, [
    user,
  ]);

describe('stored dialog states', () => {
  it('resumes a form whose state was stored without a version (rows written before versions)', async () => {
    const li = h.user('li-old');
    await li.says('我要申请加入联盟');
    await li.says('黔南州教育局');
    await setDialog('li-old', `state #- '{dialog,v}'`);
    await li.says('都匀市剑江中路1号');
    expect(li.lastText()).toContain('已记下——地址：都匀市剑江中路1号');
    expect(li.lastText()).toContain('第 3/12 项');
  });

  it('drops a state it cannot read, says so, keeps the draft and handles the message', async () => {
    const wu = h.user('wu-damaged');
    await wu.says('我要申请加入联盟');
    await wu.says('黔东南州教育局');
    await setDialog('wu-damaged', `jsonb_set(state, '{dialog,data,step}', '"somewhere"')`);
    await wu.says('继续申请');
    expect(wu.lastText()).toContain('刚才填写申请表的进度无法接着使用');
    // "继续申请" then reaches the saved draft.
    expect(wu.lastText()).toContain('第 2/12 项');
    await wu.says('凯里市北京东路2号');
    expect(wu.lastText()).toContain('已记下——地址：凯里市北京东路2号');
  });

  it('drops a state of a dialog this version does not have', async () => {
    const zhao = h.user('zhao-unknown');
    await zhao.says('你好');
    await setDialog(
      'zhao-unknown',
      `jsonb_set(state, '{dialog}', '{"name":"motion","v":3,"data":{},"startedAt":"2026-01-01T00:00:00Z"}')`,
    );
    await zhao.says('加入联盟需要什么条件？');
    expect(zhao.lastText()).toContain('之前进行到一半的对话');
    expect(zhao.lastText()).toContain('第十三条');
  });
});
