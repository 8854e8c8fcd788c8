// A congress vote on the WeChat Official Account (公众号), end to end at the wire: `serve` with the
// wechat-mp channel alone (安全模式), against the fake Official Account API, every member's message a
// signed, encrypted XML callback. Members are imported with `wechat-mp` accounts (user key
// `wechat-mp:<OpenID>`). The numbered text ballot reaches every representative's account that can
// take a customer-service message (48 hours after their last message); they vote by replying 「1」
// — the vote is confirmed in the HTTP response (a passive reply, well within WeChat's 5 s) and the
// ballot comes back as a customer-service message showing the vote, numbered afresh — change it
// (full-width digits too), reply twice, type 赞成 or 投票 N 反对; WeChat's redelivery of a callback
// records nothing twice; an outsider replying with a forwarded ballot's number and a former member
// are refused; the 24 h reminder and the close are the motion's own timers.
// Outside the 48-hour window (the channel knows the follower last wrote over 48 h ago, or WeChat
// refuses with 45015): without a template message configured, the ballot and the reminder are
// recorded as undeliverable (failed outbox rows, on the admin 消息投递 page with the unit and the
// reason), and 表决状态 and the motion's admin page name the units whose ballot reached none of
// their accounts; once the member writes again the secretariat sends the ballot again from
// 消息投递 (重新投递), the member votes on it, and gets the result. With a template configured they get one template
// message naming the motion (20 characters), and no numbers: a 「1」 is told how to vote by typing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.ts';
import { startService, type Service } from '../../src/commands/serve.ts';
import { importMembers } from '../../src/membership/members.ts';
import { bootstrapSecretariat } from '../../src/membership/roles.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { startFakeMp, type FakeMp } from '../channels/support/fake-wechat-mp.ts';
import { callback, readReply, textXml, type MpSecrets } from '../channels/support/wechat-mp-requests.ts';
import { outboxSettled } from '../channels/support/outbox.ts';
import { removeKeys } from '../channels/support/redis-keys.ts';
import { capturingLogger, testQueuePrefix } from '../channels/support/world-env.ts';
import { DAY, HOUR, fireNow, motionTimer } from '../channels/support/congress-timers.ts';
import { postForm } from '../admin/support/dashboard.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'mpCongress2026';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const SAFE: MpSecrets = { token: TOKEN, appId: 'wx0123456789abcdef', encodingAesKey: AES_KEY };

/** The cast, by OpenID. */
const SEC = 'o_mp_secretariat';
const JIA = 'o_mp_jia';
const JIA2 = 'o_mp_jia_second';
const YI = 'o_mp_yi';
/** 乙单位's second account: it never wrote to the account, and WeChat refuses customer-service messages to it. */
const YI2 = 'o_mp_yi_never_wrote';
const BING = 'o_mp_bing';
const DING = 'o_mp_ding';
const FORMER = 'o_mp_former';
const OUTSIDER = 'o_mp_outsider';

type World = { service: Service; database: TestDatabase; prefix: string; url: string };

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let fake: FakeMp;
let llm: FakeOpenAI;
const worlds: World[] = [];

beforeAll(async () => {
  [fake, llm] = await Promise.all([startFakeMp(), startFakeOpenAI()]);
  llm.reply = () => ({ content: '您好，有什么可以帮您？' });
});
afterAll(async () => {
  for (const w of worlds.splice(0)) {
    await w.service.close();
    await removeKeys(REDIS_URL, w.prefix);
    await w.database.drop();
  }
  await Promise.all([fake?.close(), llm?.close()]);
});

async function startWorld(env: Record<string, string> = {}): Promise<World> {
  const database = await createTestDatabase();
  const prefix = testQueuePrefix();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATA_DIR: path.join(os.tmpdir(), `ab-mpvote-${randomBytes(4).toString('hex')}`),
    OPENAI_BASE_URL: llm.baseUrl,
    OPENAI_API_KEY: 'k',
    WECHAT_MP_APP_ID: fake.appId,
    WECHAT_MP_APP_SECRET: fake.appSecret,
    WECHAT_MP_TOKEN: TOKEN,
    WECHAT_MP_ENCODING_AES_KEY: AES_KEY,
    WECHAT_MP_API_BASE: fake.url,
    ...env,
  });
  const { log } = capturingLogger();
  const service = await startService(config, { log });
  const world = { service, database, prefix, url };
  worlds.push(world);
  const prisma = service.app.services.db.prisma;
  await importMembers(
    prisma,
    'test',
    [
      'orgName,orgType,repName,channel,userId',
      `甲单位,企业,甲,wechat-mp,${JIA}`,
      `乙单位,企业,乙,wechat-mp,${YI}`,
      `丙单位,企业,丙,wechat-mp,${BING}`,
      `丁市教育中心,企业,丁,wechat-mp,${DING}`,
      `戊单位,企业,戊,wechat-mp,${FORMER}`,
    ].join('\n'),
  );
  const jiaUnit = await prisma.member.findUniqueOrThrow({ where: { orgName: '甲单位' } });
  await prisma.memberAccount.create({ data: { memberId: jiaUnit.id, channel: 'wechat-mp', userId: JIA2 } });
  const yiUnit = await prisma.member.findUniqueOrThrow({ where: { orgName: '乙单位' } });
  await prisma.memberAccount.create({ data: { memberId: yiUnit.id, channel: 'wechat-mp', userId: YI2 } });
  fake.outsideWindow.add(YI2);
  const now = new Date();
  await prisma.member.update({
    where: { orgName: '戊单位' },
    data: { status: 'withdrawn', leftAt: now, lockedUntil: new Date(now.getTime() + 730 * 86_400_000) },
  });
  await bootstrapSecretariat(prisma, [`wechat-mp:${SEC}`]);
  return world;
}

/** The follower last wrote `hoursAgo` hours ago, as the channel noted it (and WeChat agrees). */
async function lastWrote(world: World, openId: string, hoursAgo: number): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await redis.set(`${world.prefix}:wechat-mp:seen:${openId}`, String(Date.now() - hoursAgo * 3_600_000));
  } finally {
    redis.disconnect();
  }
  if (hoursAgo >= 48) fake.outsideWindow.add(openId);
  else fake.outsideWindow.delete(openId);
}

/** WeChat's limit on a customer-service text (2048 bytes of UTF-8) and on a passive reply's. */
const MAX_TEXT_BYTES = 2_048;

type Said = { passive: string; later: string[]; all: string; ms: number };

/** One message from a follower: the passive reply and whatever customer-service messages followed. */
async function says(world: World, openId: string, content: string, msgId?: string): Promise<Said> {
  const { service } = world;
  const before = fake.textsTo(openId).length;
  const request = callback(textXml(openId, content, msgId), SAFE);
  const started = Date.now();
  const res = await fetch(`${service.url}/wechat-mp/callback?${request.query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: request.body,
  });
  const body = await res.text();
  const ms = Date.now() - started;
  expect(res.status).toBe(200);
  await service.channels.get('wechat-mp')!.idle!();
  await outboxSettled(service.app);
  const passive = body === 'success' ? '' : (readReply(body, SAFE).Content ?? '');
  // WeChat drops a response after 5 s (network included); a passive reply holds 2048 bytes.
  expect(ms).toBeLessThan(4_500);
  expect(Buffer.byteLength(passive)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
  const later = fake.textsTo(openId).slice(before);
  return { passive, later, all: [passive, ...later].join('\n'), ms };
}

/** Logs in to the dashboard with the link the bot sends this secretariat member for 「后台」. */
async function adminLogin(world: World, openId: string): Promise<string> {
  const reply = (await says(world, openId, '后台')).all;
  const link = /https?:\/\/\S+\/admin\/login\?token=[\w-]+/.exec(reply)?.[0];
  expect(link, reply).toBeDefined();
  const res = await postForm(world.url, '/admin/login', { token: new URL(link!).searchParams.get('token')! });
  expect(res.status).toBe(303);
  return /ab_admin=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
}

/** Every customer-service text this follower received, as one list. */
const inbox = (openId: string): string[] => fake.textsTo(openId);
const count = (openId: string, text: string): number => inbox(openId).filter((t) => t.includes(text)).length;

/** The first customer-service text from index `from` on that contains `text` (waits up to 20 s). */
async function waitFor(world: World, openId: string, text: string, from = 0): Promise<string> {
  for (let i = 0; i < 400; i += 1) {
    const hit = inbox(openId)
      .slice(from)
      .find((t) => t.includes(text));
    if (hit) return hit;
    await outboxSettled(world.service.app);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${openId} never received “${text}”: ${inbox(openId).slice(from).join('\n---\n')}`);
}

/** The number to reply for `label` on a numbered text card. */
function optionNumber(card: string, label: string): string {
  const match = new RegExp(`回复「(\\d+)」${label}(?:\\n|$)`).exec(card);
  expect(match, `no option “${label}” on:\n${card}`).not.toBeNull();
  return match![1]!;
}

/** The outbox rows addressed to this follower. */
const rowsTo = (world: World, openId: string) =>
  world.service.app.services.db.prisma.outboxMessage.findMany({
    where: { channel: 'wechat-mp', address: { path: ['chatId'], equals: openId } },
    orderBy: { createdAt: 'asc' },
  });

describe('a 重大事项 voted on the Official Account', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  }, 120_000);

  it('ballots by customer-service message → votes by 「1」 answered in the passive reply, a change, a double reply, refusals, typed votes → reminder → close → result; a member silent for 48 h is recorded as unreachable', async () => {
    const prisma = w.service.app.services.db.prisma;
    // Everyone but 丁 wrote to the account lately (the window is open); 丁 last wrote 49 hours ago.
    for (const openId of [SEC, JIA, JIA2, YI, BING, FORMER, OUTSIDER]) await lastWrote(w, openId, 1);
    await lastWrote(w, DING, 49);

    const title = '2027 年度工作计划';
    // A long motion: the ballot does not fit one message; WeChat's text limits hold for every part.
    const body =
      '审议秘书处提交的 2027 年度工作计划。' + '计划包括联盟年度活动、会员服务、标准研制与培训安排等内容。'.repeat(30);
    const created = await w.service.app.congress.create(`wechat-mp:${SEC}`, {
      kind: 'general',
      title,
      text: body,
      closes_at: new Date(Date.now() + 2 * DAY).toISOString(),
      allow_change: true,
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const m = created.motion;
    const n = m.number;
    expect(m.eligibleCount).toBe(4);

    // Every representative in the window gets the ballot as customer-service messages, numbered.
    const ballots = new Map<string, string>();
    for (const openId of [JIA, JIA2, YI, BING]) {
      await waitFor(w, openId, `】${title}`);
      ballots.set(openId, inbox(openId).join('\n'));
    }
    const ballot = ballots.get(JIA)!;
    expect(ballot).toContain(`【成员大会表决 第${n}号】${title}`);
    expect(ballot).toContain(`也可直接回复“投票 ${n} 赞成”`);
    expect(ballot).toMatch(/回复「\d+」赞成\n回复「\d+」反对\n回复「\d+」弃权/);
    expect(inbox(JIA).length).toBeGreaterThan(1);
    for (const t of fake.custom.map((c) => c.text?.content ?? ''))
      expect(Buffer.byteLength(t)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    // The options and the deadline stay together in one message (not cut between two).
    const optionsPart = inbox(JIA).find((t) => t.includes('」赞成'))!;
    expect(optionsPart).toMatch(/回复「\d+」赞成\n回复「\d+」反对\n回复「\d+」弃权/);
    for (const openId of [SEC, FORMER, OUTSIDER]) expect(count(openId, `】${title}`)).toBe(0);

    // 丁 is outside the 48-hour window and no template message is configured: nothing reached 丁,
    // and the ballot's outbox row says why (the admin 消息投递 page lists failed rows).
    await outboxSettled(w.service.app);
    expect(count(DING, title)).toBe(0);
    const dingRows = await rowsTo(w, DING);
    expect(dingRows.length).toBeGreaterThan(0);
    for (const row of dingRows) {
      expect(row.status).toBe('failed');
      expect(row.attempts).toBe(1);
      expect(row.lastError).toMatch(/^undeliverable: follower outside the 48-hour customer-service window/);
    }
    // 乙单位's second account: the channel did not know (it never wrote), WeChat refused (45015).
    const [yi2Row] = await rowsTo(w, YI2);
    expect(yi2Row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(yi2Row!.lastError).toMatch(/^undeliverable: follower outside the 48-hour customer-service window/);
    expect(fake.templates).toEqual([]);
    // The secretariat asks for the motion's status on the Official Account: the unit is named.
    const status = await says(w, SEC, `表决状态 ${n}`);
    expect(status.passive).toContain(`第${n}号表决“${title}”：进行中，有表决权单位 4 家，已投票 0 家`);
    expect(status.passive).toContain('表决卡片未能送达 1 家尚未投票的单位：丁市教育中心。');
    // … and in the dashboard: the motion's page names the unit, 消息投递 the failed rows, to whom and why.
    const cookie = await adminLogin(w, SEC);
    const page = await (await fetch(`${w.url}/admin/motions/${m.id}`, { headers: { cookie } })).text();
    expect(page).toContain('表决卡片未能送达（尚未投票）：丁市教育中心');
    const deliveryPage = await (await fetch(`${w.url}/admin/delivery`, { headers: { cookie } })).text();
    expect(deliveryPage).toContain(`收件人：丁市教育中心 · ${DING}`);
    expect(deliveryPage).toContain(`收件人：乙单位 · ${YI2}`);
    expect(deliveryPage).toContain('undeliverable: follower outside the 48-hour customer-service window');

    // 甲单位 replies with its ballot's number: recorded, said in the passive reply at once (nothing
    // waits for the outbox, and the same words do not come again as a customer-service message).
    const first = await says(w, JIA, optionNumber(ballot, '赞成'));
    expect(first.passive).toContain(`已记录 甲单位 对第${n}号表决“${title}”的投票：赞成。截止前可以改票。`);
    expect(first.ms).toBeLessThan(4_500);
    expect(Buffer.byteLength(first.passive)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(first.later.join('\n')).not.toContain('已记录');
    // The ballot comes back showing the vote, numbered afresh for a change; the old numbers are retired.
    const shown = first.later.join('\n');
    expect(shown).toContain('之前那条消息里的回复编号不再有效');
    expect(shown).toContain('甲单位已投票：赞成。\n截止前可回复下方的编号改投。');
    expect(shown).not.toContain('按钮');
    expect(shown).toMatch(/回复「\d+」赞成\n回复「\d+」反对\n回复「\d+」弃权/);
    // The same reply on the updated ballot: one vote, said so.
    const again = await says(w, JIA, optionNumber(shown, '赞成'));
    expect(again.passive).toContain(`甲单位 已投过第${n}号表决：赞成，无需重复投票`);
    // … and the (long) ballot is not sent once more: its numbers stay valid for a change.
    expect(again.later).toEqual([]);
    // 甲单位's other representative changes the unit's vote on the ballot sent to that account,
    // typing the number in full-width digits as a Chinese keyboard may.
    const fullWidth = optionNumber(ballots.get(JIA2)!, '弃权').replace(/\d/g, (d) =>
      String.fromCharCode(0xff10 + Number(d)),
    );
    const changed = await says(w, JIA2, fullWidth);
    expect(changed.passive).toContain(`已将 甲单位 对第${n}号表决的投票由“赞成”改为“弃权”`);
    // 乙单位 types 赞成, then changes its mind with 投票 N 反对.
    expect((await says(w, YI, '赞成')).passive).toContain(`已记录 乙单位 对第${n}号表决`);
    expect((await says(w, YI, `投票 ${n} 反对`)).passive).toContain(
      `已将 乙单位 对第${n}号表决的投票由“赞成”改为“反对”`,
    );
    // The 24 h reminder goes to the units that have not voted: 丙单位 gets it, numbered; 丁 is
    // still outside the window, so it is recorded as undeliverable too.
    const failedBefore = (await rowsTo(w, DING)).length;
    await fireNow(await motionTimer(w.service.app, m.id, DAY));
    const reminder = await waitFor(w, BING, `【表决提醒】第${n}号`);
    expect(reminder).toContain('丙单位 尚未对这项表决投票');
    expect(reminder).toMatch(/回复「\d+」赞成\n回复「\d+」反对\n回复「\d+」弃权/);
    await outboxSettled(w.service.app);
    const dingAfter = await rowsTo(w, DING);
    expect(dingAfter.length).toBe(failedBefore + 1);
    expect(dingAfter.every((r) => r.status === 'failed')).toBe(true);
    for (const openId of [JIA, JIA2, YI, FORMER, OUTSIDER]) expect(count(openId, '【表决提醒】')).toBe(0);
    expect(count(BING, '【表决提醒】')).toBe(1);

    // 丙单位 types the vote naming the motion; WeChat, given no answer in time, sends the same
    // callback again (same MsgId): answered `success`, one vote.
    const msgId = '7054768590064799001';
    const bingVote = await says(w, BING, `投票 ${n} 赞成`, msgId);
    expect(bingVote.passive).toContain('已记录 丙单位');
    const redelivered = await says(w, BING, `投票 ${n} 赞成`, msgId);
    expect(redelivered.all).toBe('');

    // An outsider replies with the number of 甲单位's ballot (forwarded to them): refused, nothing recorded.
    const forwarded = await says(w, OUTSIDER, optionNumber(ballot, '赞成'));
    expect(forwarded.passive).toContain(`回复的编号“${optionNumber(ballot, '赞成')}”没有对应的选项`);
    expect(forwarded.passive).toContain('只有联盟成员单位的代表可以参加成员大会表决');
    expect((await says(w, OUTSIDER, '赞成')).passive).toContain('您的账号不是成员单位代表的账号，投票未记录');
    expect((await says(w, OUTSIDER, `投票 ${n} 赞成`)).passive).toContain('投票未记录');
    // A unit that withdrew.
    expect((await says(w, FORMER, '1')).passive).toContain('戊单位 已不是联盟成员（已退出），不能参加表决');
    expect((await says(w, FORMER, `投票 ${n} 反对`)).passive).toContain('戊单位 已不是联盟成员');
    // Bad input: a number with no card, a number past the card's, an empty message, a vague option.
    expect((await says(w, SEC, '7')).passive).toContain('“7”没有对应的选项');
    expect((await says(w, BING, '99')).passive).toContain('“99”没有对应的选项');
    expect((await says(w, BING, '')).passive).toContain('我没有收到文字内容');
    expect((await says(w, BING, `投票 ${n} 同意吧`)).passive).toContain(
      `您是要对第${n}号表决“${title}”投“赞成”吗？请回复“赞成”确认`,
    );
    const votes = await prisma.voterRecord.findMany({ where: { motionId: m.id }, select: { choice: true } });
    expect(votes.map((v) => v.choice).sort()).toEqual(['反对', '弃权', '赞成'].sort());

    // 丁 writes again (the window opens), and the secretariat sends the failed ballot again from
    // 消息投递: it arrives numbered, and 丁 votes on it. The 1 h reminder then skips 丁市教育中心.
    await lastWrote(w, DING, 0);
    await says(w, DING, '帮助');
    const ballotRow = (await rowsTo(w, DING)).find((r) => r.dedupeKey?.startsWith(`motion:${m.id}:card:`));
    expect(ballotRow?.status).toBe('failed');
    const delivery = await (await fetch(`${w.url}/admin/delivery`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(delivery)![1]!;
    const retried = await postForm(w.url, `/admin/delivery/${ballotRow!.id}/retry`, { _csrf: csrf }, { cookie });
    expect(retried.status).toBe(303);
    const dingBallot = await waitFor(w, DING, '」赞成');
    await outboxSettled(w.service.app);
    expect(count(DING, `】${title}`)).toBe(1);
    expect(
      (await w.service.app.services.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: ballotRow!.id } })).status,
    ).toBe('delivered');
    const dingVote = await says(w, DING, optionNumber(dingBallot, '赞成'));
    expect(dingVote.passive).toContain(`已记录 丁市教育中心 对第${n}号表决“${title}”的投票：赞成`);
    expect((await says(w, SEC, `表决状态 ${n}`)).passive).not.toContain('未能送达');
    await fireNow(await motionTimer(w.service.app, m.id, HOUR));
    await outboxSettled(w.service.app);
    expect(count(DING, '【表决提醒】')).toBe(0);

    // Closed by its timer: the result to every member's accounts (丁 included now) and the secretariat.
    await fireNow(await motionTimer(w.service.app, m.id));
    for (const openId of [JIA, JIA2, YI, BING, DING, SEC]) {
      const result = await waitFor(w, openId, `【表决结果】第${n}号`);
      expect(result).toContain('有表决权单位 4 家，参加表决 4 家');
      expect(result).toContain('计票：赞成 2，反对 1，弃权 1');
    }
    for (const openId of [FORMER, OUTSIDER]) expect(count(openId, '【表决结果】')).toBe(0);
    expect(count(YI, `【表决结果】第${n}号`)).toBe(1);
    // After the close: nothing recorded.
    expect((await says(w, BING, `投票 ${n} 反对`)).all).toContain(`第${n}号表决已结束，投票未记录`);
    expect(await prisma.voterRecord.count({ where: { motionId: m.id } })).toBe(4);
    // Every text that went out fits WeChat's limit.
    for (const t of fake.custom.map((c) => c.text?.content ?? ''))
      expect(Buffer.byteLength(t)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
  }, 300_000);
});

describe('a representative outside the 48-hour window, with a template message configured', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ WECHAT_MP_TEMPLATE_ID: 'tmpl_congress_notice' });
  }, 120_000);

  it('gets the ballot as one template message naming the motion, and votes by typing once back', async () => {
    for (const openId of [SEC, JIA, JIA2, YI, BING]) await lastWrote(w, openId, 1);
    await lastWrote(w, DING, 72);
    const templatesBefore = fake.templates.length;
    const dingBefore = inbox(DING).length;
    const created = await w.service.app.congress.create(`wechat-mp:${SEC}`, {
      kind: 'rules',
      title: '会费管理细则',
      text: '依第二十四条，制定《联盟会费管理细则》。',
      closes_at: new Date(Date.now() + 2 * DAY).toISOString(),
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const n = created.motion.number;
    await waitFor(w, BING, '】会费管理细则');
    await outboxSettled(w.service.app);
    // One template message (the card is one outbox row), its field within WeChat's 20 characters.
    const sent = fake.templates.slice(templatesBefore).filter((t) => t.touser === DING);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.template_id).toBe('tmpl_congress_notice');
    const value = sent[0]!.data.thing1!.value;
    expect([...value].length).toBeLessThanOrEqual(20);
    expect(value).toMatch(new RegExp(`^【成员大会表决 第${n}号】`));
    expect(inbox(DING).slice(dingBefore)).toEqual([]);
    const [row] = await rowsTo(w, DING);
    expect(row).toMatchObject({ status: 'delivered' });
    expect(row!.platformRef).toMatch(/^template:/);
    // Delivered, so not listed as unreached.
    expect((await says(w, SEC, `表决状态 ${n}`)).passive).not.toContain('未能送达');

    // The template carried no numbers: 丁 replies 「1」 anyway (the window opens as 丁 writes).
    await lastWrote(w, DING, 0);
    const one = await says(w, DING, '1');
    expect(one.passive).toContain('回复的编号“1”没有对应的选项');
    expect(one.passive).toContain(`有 1 项表决等待贵单位投票，请回复“投票 编号 选项”，如“投票 ${n} 赞成”`);
    expect(await w.service.app.services.db.prisma.voterRecord.count({ where: { motionId: created.motion.id } })).toBe(
      0,
    );
    const typed = await says(w, DING, '赞成');
    expect(typed.passive).toContain(`已记录 丁市教育中心 对第${n}号表决“会费管理细则”的投票：赞成`);
  }, 120_000);
});
