// Issue 15: what real people type — through the console channel, in Chinese (and the English,
// pinyin and 繁体 they mix in). None of these phrasings comes from the blind sets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/log.ts';
import { consoleInbound } from '../../src/channels/console/console-inbound.ts';
import { readFields, FIELD_KEYS, type Fields } from '../../src/application/form.ts';
import { createHarness, outboundText, type Harness, type TestUser } from '../support/app.ts';
import { runCli } from '../support/cli.ts';
import { listUnanswered } from '../../src/knowledge/learned.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ APPLICATION_DEADLINE: 'none', SECRETARIAT_CONSOLE_IDS: 'sec1' });
});
afterAll(async () => h?.close());

const fieldsOf = async (user: TestUser): Promise<Fields> => {
  const row = await h.app.services.db.prisma.application.findFirst({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
  });
  return readFields(row?.fields ?? {});
};
const statusOf = async (user: TestUser) =>
  (await h.app.services.db.prisma.application.findFirst({ where: { userId: user.id } }))?.status;

async function fillOrg(user: TestUser, org = '贵州省某某中学'): Promise<void> {
  await user.says('我要申请加入联盟');
  await user.says(org);
  await user.says('贵州省贵阳市云岩区北京路1号');
  await user.says('学校');
  await user.says('我校创办于1956年，现有学生2300人，教职工186人，已接入国家体系。');
}

describe('the form starts on natural wording', () => {
  it.each([
    ['单位安排我来办一下入盟的事'],
    ['我們學校想申請加入聯盟'],
    ['好的👌 我们要报名参加联盟'],
    ['申清入盟'],
    ['想替我们研究院报名入盟'],
    ['请问入盟申请怎么填？'],
    ['we would like to apply to join the alliance'],
  ])('%s', async (text) => {
    const user = h.user(`start-${text.length}-${text.charCodeAt(1)}`);
    await user.says(text);
    expect(user.lastText()).toContain('第 1/12 项');
  });

  it('answers a question about applying, and does not start the form', async () => {
    const user = h.user('start-question');
    await user.says('加入联盟需要满足哪些条件？');
    expect(user.lastText()).toContain('第十三条');
    expect(user.lastText()).not.toContain('第 1/12 项');
  });
});

describe('person fields know what a name is', () => {
  it('takes the name, not the self-reference, and strips possessives from titles', async () => {
    const user = h.user('names-1');
    await fillOrg(user);
    await user.says('代表是我们副校长，叫孙志刚');
    await user.says('13985012345');
    await user.says('sunzg@example.cn');
    expect(user.lastText()).toContain('单位成员代表：孙志刚（副校长），13985012345，sunzg@example.cn');
    await user.says('联系人是我，李娜，办公室主任');
    const fields = await fieldsOf(user);
    expect(fields).toMatchObject({
      repName: '孙志刚',
      repTitle: '副校长',
      contactName: '李娜',
      contactTitle: '办公室主任',
    });
  });

  it('asks for the name when told "我自己" or "还没定", and stores neither', async () => {
    const user = h.user('names-2');
    await fillOrg(user);
    await user.says('我自己');
    expect(user.lastText()).toContain('请告诉我您的姓名');
    await user.says('还没定，先空着');
    expect(user.lastText()).toContain('每一项都需要填写');
    expect((await fieldsOf(user)).repName).toBeUndefined();
    await user.says('热依拉·阿不都');
    expect((await fieldsOf(user)).repName).toBe('热依拉·阿不都');
  });

  it('keeps a Chinese name with its Latin one, and a name with its bracketed title', async () => {
    const user = h.user('names-3');
    await fillOrg(user);
    await user.says('吴晓 Tony Wu，总经理，13812345678，tony.wu@example.com');
    await user.says('张建（副校长）');
    const fields = await fieldsOf(user);
    expect(fields.repName).toBe('吴晓 Tony Wu');
    expect(fields).toMatchObject({ contactName: '张建', contactTitle: '副校长' });
  });
});

describe('polite, wordy and labelled answers', () => {
  it('drops a request around a title, an honorific next to a name, and a label before an e-mail', async () => {
    const user = h.user('polite-1');
    await user.says('您好，单位让我办理入盟');
    await user.says('湖北省宜昌市第三中学');
    await user.says('地址呢，是湖北省宜昌市西陵区夷陵大道56号。');
    await user.says('我们属于教育部门');
    await user.says('学校有学生2100人，教职工160人。');
    await user.says('代表想请我们的党委书记来担任，他叫覃永福。');
    await user.says('0717-6223344');
    await user.says('E-mail: QinYF@YC3Z.cn');
    await user.says('联系人就填我们办公室的谭老师吧，谭晓梅，她是办公室副主任。');
    const fields = await fieldsOf(user);
    expect(fields).toMatchObject({
      address: '湖北省宜昌市西陵区夷陵大道56号',
      repName: '覃永福',
      repTitle: '党委书记',
      repEmail: 'qinyf@yc3z.cn',
      contactName: '谭晓梅',
      contactTitle: '办公室副主任',
    });
  });

  it('takes "就由我本人担任，我叫…" as the name, and "联系人就是我，<name>" as a new person, not "同上"', async () => {
    const user = h.user('polite-2');
    await fillOrg(user);
    await user.says('代表就由我本人来担任吧，我叫韦国栋。');
    expect((await fieldsOf(user)).repName).toBe('韦国栋');
    await user.says('职务是副馆长');
    await user.says('13765432109');
    await user.says('weigd@example.cn');
    await user.says('联系人就是我，莫小兰，信息科干事');
    const fields = await fieldsOf(user);
    expect(fields).toMatchObject({ contactName: '莫小兰', contactTitle: '信息科干事' });
    expect(fields.contactPhone).toBeUndefined();
  });

  it('takes "刚才那个职务再确认一下，他是…" as a correction of the title, said as old → new', async () => {
    const user = h.user('polite-3');
    await fillOrg(user);
    await user.says('代表请写我们的校长，蒙德华');
    expect((await fieldsOf(user)).repTitle).toBe('校长');
    await user.says('刚才那个职务再确认一下，他是党总支书记兼校长');
    expect(user.lastText()).toMatch(/党总支书记兼校长/);
    expect(user.lastText()).toMatch(/原来是：校长/);
    expect((await fieldsOf(user)).repTitle).toBe('党总支书记兼校长');
  });

  it('keeps 单位性质 out of the address in a pasted block', async () => {
    const user = h.user('polite-4');
    await user.says('我要申请入盟');
    await user.says('单位名称：厦门某某教育科技有限公司\n地址：福建省厦门市思明区软件园二期观日路24号\n单位性质：企业');
    const fields = await fieldsOf(user);
    expect(fields).toMatchObject({ address: '福建省厦门市思明区软件园二期观日路24号', orgType: '企业' });
  });
});

describe('questions about the form asked mid-form', () => {
  it('says what the field wants and asks it again; a surname with a title keeps the title and asks the name', async () => {
    const user = h.user('midform-1');
    await user.says('我要申请加入联盟');
    await user.says('贵州省某某职业学校');
    await user.says('贵州省遵义市红花岗区丁字口路3号');
    await user.says('学校');
    await user.says('经营情况要怎么写');
    expect(user.lastText()).toContain('申请表');
    expect(user.lastText()).toContain('第 4/12 项');
    expect((await fieldsOf(user)).orgProfile).toBeUndefined();
    await user.says('我校是中等职业学校，有在校生1800人，专任教师120人。');
    await user.says('这一栏应该填谁');
    expect(user.lastText()).toContain('这一项要填的是“单位成员代表（委托人）姓名”');
    expect(user.lastText()).toContain('第 5/12 项');
    await user.says('赵副校长');
    expect(await fieldsOf(user)).toMatchObject({ repTitle: '副校长' });
    expect((await fieldsOf(user)).repName).toBeUndefined();
    expect(user.lastText()).toContain('第 5/12 项');
    await user.says('赵明远');
    expect(await fieldsOf(user)).toMatchObject({ repName: '赵明远', repTitle: '副校长' });
  });
});

describe('corrections and overwrites', () => {
  it('mends the field answered last when a correction names none, saying old → new', async () => {
    const user = h.user('corr-1');
    await user.says('我要申请加入联盟');
    await user.says('安顺市第一中学');
    await user.says('哎呀写错了，应该是安顺市第二中学');
    expect(user.lastText()).toContain('改为：安顺市第二中学（原来是：安顺市第一中学）');
    const fields = await fieldsOf(user);
    expect(fields.orgName).toBe('安顺市第二中学');
    expect(fields.address).toBeUndefined();
  });

  it('says every stored change: no value changes without its new value in the reply', async () => {
    const user = h.user('corr-2');
    const turns = [
      '我要申请加入联盟',
      '贵州省数字教育研究会',
      '不对，是贵州省数字教育学会',
      '贵阳市观山湖区长岭北路8号',
      '社团',
      '本会成立于2015年，有会员单位120家。',
      '接上条：每年举办数字教育论坛。',
      '王强，秘书长，13700001111，wq@example.org',
      '刚才打错了，应该是13700002222',
      '联系人同上',
      '联系人邮箱改成wangq@example.org',
    ];
    let before: Fields = {};
    for (const turn of turns) {
      const replies = (await user.says(turn)).map(outboundText).join('\n');
      const after = await fieldsOf(user);
      for (const key of FIELD_KEYS) {
        if (after[key] === before[key] || after[key] === undefined) continue;
        const shown = after[key]!.length > 40 ? after[key]!.slice(0, 40) : after[key]!;
        // A copied block ("同上") is said by its parts; anything else by its value.
        if (!/同上/.test(turn)) expect(replies, `${turn} → ${key}`).toContain(shown);
        if (before[key] !== undefined && !/接上条/.test(turn))
          expect(replies, `${turn} → ${key} replaced`).toContain(before[key]!.slice(0, 40));
      }
      before = after;
    }
    expect(before).toMatchObject({
      orgName: '贵州省数字教育学会',
      orgType: '社会团体',
      orgProfile: '本会成立于2015年，有会员单位120家。每年举办数字教育论坛。',
      repPhone: '13700002222',
      contactEmail: 'wangq@example.org',
    });
  });
});

describe('labels, run-ons, confirmation', () => {
  it('strips English labels, splits a spoken run-on, and submits on a clear yes', async () => {
    const user = h.user('labels-1');
    await user.says('帮我填一下入盟申请表');
    await user.says('遵义市第三中学地址在遵义市红花岗区丁字口12号属于教育部门');
    let fields = await fieldsOf(user);
    expect(fields).toMatchObject({
      orgName: '遵义市第三中学',
      address: '遵义市红花岗区丁字口12号',
      orgType: '教育部门',
    });
    await user.says('profile: 我校现有学生1800人，教师140人。');
    await user.says('representative 冯刚, title: 校长, phone: 0851 2822 1234 转 806, email: FENG@EXAMPLE.CN');
    await user.says('contact: same as above');
    fields = await fieldsOf(user);
    expect(fields).toMatchObject({
      orgProfile: '我校现有学生1800人，教师140人。',
      repName: '冯刚',
      repTitle: '校长',
      repPhone: '0851-28221234转806',
      repEmail: 'feng@example.cn',
      contactName: '冯刚',
    });
    await user.says('都核对过了，没问题，麻烦帮我们提交');
    expect(await statusOf(user)).toBe('submitted');
  });

  it('does not take "先别提交" or a question at the summary as a yes', async () => {
    const user = h.user('labels-2');
    await fillOrg(user, '贵州省某某小学');
    await user.says('刘洋，校长，13900001111，liu@example.cn');
    await user.says('同上');
    await user.says('先别提交，我再看看');
    expect(await statusOf(user)).toBe('draft');
    await user.says('申请表交给谁？');
    expect(user.lastText()).toContain('通知');
    expect(await statusOf(user)).toBe('draft');
  });
});

describe('questions in English, pinyin and out of scope', () => {
  it('finds the article for an English or a pinyin question', async () => {
    const user = h.user('qa-1');
    await user.says('which duties does a member unit have?');
    expect(user.lastText()).toContain('第十六条');
    await user.says('chengyuan danwei you naxie quanli');
    expect(user.lastText()).toContain('第十五条');
  });

  it('says the documents do not cover an amount they never give, instead of quoting as if they did', async () => {
    const user = h.user('qa-2');
    await user.says('成员单位每年要交多少钱的会费？');
    expect(user.lastText()).toMatch(/没有写到/);
  });

  it('checks that the quoted rule holds the fact for what was asked: its owner, the day, the occasion', async () => {
    const user = h.user('qa-3');
    // The notice has phone numbers, but only the contacts': not a ministry's, nor the secretariat's.
    await user.says('联盟秘书处办公室的座机电话是多少？');
    expect(user.lastText()).toMatch(/^联盟文件没有写到/);
    // 2019年11月 is a month, not the day asked for.
    await user.says('北京那次成立大会到底定在哪一天？');
    expect(user.lastText()).toMatch(/^联盟文件没有写到/);
    // The first congress is dated; the third is not.
    await user.says('第三次成员大会什么时候开？');
    expect(user.lastText()).toMatch(/^联盟文件没有写到/);
    // The contacts' own numbers are there: answered, not hedged.
    await user.says('田华老师的办公电话多少？');
    expect(user.lastText()).toContain('0851-85571491');
    expect(user.lastText()).not.toMatch(/没有写到/);
  });

  it('says what the documents leave out (bonuses, job titles, pricing, travel, progress) instead of quoting', async () => {
    const user = h.user('qa-4');
    for (const q of [
      '评上优秀成员单位有没有奖励？',
      '参加联盟的活动能算继续教育学分吗',
      '共享资源卖出去的钱怎么分成',
      '去北京开成立大会住哪个酒店',
      '我们的入盟申请现在审核到什么进度了',
    ]) {
      await user.says(q);
      expect(user.lastText(), q).toMatch(/没有写|不涉及/);
      expect(user.lastText(), q).not.toMatch(/^根据/);
    }
  });

  it("understands lay words for the charter's terms (撤出, 吵起来, 规矩, 解读)", async () => {
    const user = h.user('qa-5');
    await user.says('我们单位干了一年想撤出，可以吗');
    expect(user.lastText()).toContain('第二十条');
    await user.says('两个成员单位为资源的事吵起来了谁来管');
    expect(user.lastText()).toContain('第二十一条');
    await user.says('联盟这些规矩有不明白的地方找谁解读');
    expect(user.lastText()).toContain('第二十五条');
  });
});

describe('learning from traffic', () => {
  it('records a refused question, lists it for the secretariat, and maps it in one step for every process', async () => {
    const asker = h.user('learn-1');
    const odd = '联盟的吉祥物叫什么名字';
    await asker.says(odd);
    await asker.says(odd);
    expect(asker.lastText()).toContain('没有写到');
    const rows = await h.app.services.db.prisma.unplacedMessage.findMany();
    expect(rows.find((r) => r.text === odd)).toMatchObject({ kind: 'question_refused', channel: 'console' });
    // Only text, channel, kind and time are kept: no user.
    expect(Object.keys(rows[0]!).sort()).toEqual(['channel', 'createdAt', 'id', 'kind', 'text']);

    await asker.says('待答问题');
    expect(asker.lastText()).toContain('仅限联盟秘书处');

    // A second process on the same database, as another `serve` would be.
    const other = await createApp(h.config, { log: createLogger('silent'), learnedRefreshMs: 200 });
    try {
      const sec = h.user('sec1');
      await sec.says('待答问题');
      expect(sec.lastText()).toContain(`1. ${odd}（2 次）`);
      await sec.says('归入 1 第二十五条');
      expect(sec.lastText()).toContain('今后按第二十五条回答');
      await asker.says(odd);
      expect(asker.lastText()).toContain('第二十五条');
      await new Promise((r) => setTimeout(r, 500));
      const replies = await other.bot.handle(consoleInbound('learn-2', { text: odd }));
      expect(replies.map(outboundText).join('\n')).toContain('第二十五条');
      const mapping = await h.app.services.db.prisma.questionMapping.findFirst();
      expect(mapping).toMatchObject({ section: '第二十五条', mappedBy: 'console:sec1' });
    } finally {
      await other.close();
    }
  });

  it('lists and maps from the command line', async () => {
    const env = { DATABASE_URL: h.config.databaseUrl!, LOG_LEVEL: 'warn' };
    await h.user('learn-3').says('联盟有没有官方的表情包');
    const listed = await runCli(['questions', 'unanswered', '--since', '1d', '--json'], { env });
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { text: string; count: number }[];
    expect(rows.map((r) => r.text)).toContain('联盟有没有官方的表情包');
    const mapped = await runCli(['questions', 'map', '联盟有没有官方的表情包', '--not-covered', '--by', 'cli:tester'], {
      env,
    });
    expect(mapped.code, mapped.stderr).toBe(0);
    // Mapped questions leave the list.
    const left = await listUnanswered(h.app.services.db.prisma, new Date(Date.now() - 86_400_000));
    expect(left.map((r) => r.text)).not.toContain('联盟有没有官方的表情包');
    expect(
      await h.app.services.db.prisma.questionMapping.findFirst({ where: { mappedBy: 'cli:tester' } }),
    ).toMatchObject({ section: null });
  }, 240_000);
});
