// The cast of a congress vote on WeChat (wechaty-puppet-mock): the secretariat, four member units —
// 甲单位 with two representatives' accounts — a former member (withdrawn) and an outsider, all
// talking to the bot directly; plus what a test reads off the numbered text ballots they receive.
import { expect } from 'vitest';
import type { WechatPerson, WechatWorld } from './wechat-service.ts';
import { importMembers } from '../../../src/membership/members.ts';
import { bootstrapSecretariat } from '../../../src/membership/roles.ts';

export type Cast = {
  sec: WechatPerson;
  jia: WechatPerson;
  jia2: WechatPerson;
  yi: WechatPerson;
  bing: WechatPerson;
  ding: WechatPerson;
  /** 戊单位's representative: the unit withdrew (第二十条). */
  former: WechatPerson;
  /** Nobody's representative. */
  outsider: WechatPerson;
  /** Every account of a unit that may vote (甲 twice, 乙, 丙, 丁). */
  members: WechatPerson[];
};

export async function meetTheCast(w: WechatWorld): Promise<Cast> {
  const prisma = w.service.app.services.db.prisma;
  const sec = w.person('秘书处小李');
  const jia = w.person('甲代表');
  const jia2 = w.person('甲单位另一位代表');
  const yi = w.person('乙代表');
  const bing = w.person('丙代表');
  const ding = w.person('丁代表');
  const former = w.person('戊代表');
  const outsider = w.person('路人');
  await importMembers(
    prisma,
    'test',
    [
      'orgName,orgType,repName,channel,userId',
      `甲单位,企业,甲,wechat,${jia.id}`,
      `乙单位,企业,乙,wechat,${yi.id}`,
      `丙单位,企业,丙,wechat,${bing.id}`,
      `丁市教育中心,企业,丁,wechat,${ding.id}`,
      `戊单位,企业,戊,wechat,${former.id}`,
    ].join('\n'),
  );
  const jiaUnit = await prisma.member.findUniqueOrThrow({ where: { orgName: '甲单位' } });
  await prisma.memberAccount.create({ data: { memberId: jiaUnit.id, channel: 'wechat', userId: jia2.id } });
  const now = new Date();
  await prisma.member.update({
    where: { orgName: '戊单位' },
    data: { status: 'withdrawn', leftAt: now, lockedUntil: new Date(now.getTime() + 730 * 86_400_000) },
  });
  await bootstrapSecretariat(prisma, [`wechat:${sec.id}`]);
  return { sec, jia, jia2, yi, bing, ding, former, outsider, members: [jia, jia2, yi, bing, ding] };
}

export const joined = (received: { text: string }[]): string => received.map((r) => r.text).join('\n');

/** What the bot said back to this person's message, as one text. */
export const says = async (person: WechatPerson, text: string): Promise<string> => joined(await person.says(text));

/** The first message from index `from` on that contains `text` (waits up to 30 s). */
export async function waitFor(person: WechatPerson, text: string, from = 0): Promise<string> {
  for (let i = 0; i < 600; i += 1) {
    const hit = person.inbox.slice(from).find((r) => r.text.includes(text));
    if (hit) return hit.text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never received “${text}”: ${joined(person.inbox.slice(from))}`);
}

/** How many messages this person received that contain `text`. */
export const count = (person: WechatPerson, text: string): number =>
  person.inbox.filter((r) => r.text.includes(text)).length;

/** Waits (up to 10 s) until this person has received `n` messages that contain `text`. */
export async function waitForCount(person: WechatPerson, text: string, n: number): Promise<void> {
  for (let i = 0; i < 200 && count(person, text) < n; i += 1) await new Promise((r) => setTimeout(r, 50));
}

/** Every eligible account's ballot for the motion titled so (waits for each); `none` got none. */
export async function ballots(
  title: string,
  eligible: WechatPerson[],
  none: WechatPerson[],
): Promise<Map<WechatPerson, string>> {
  const got = new Map<WechatPerson, string>();
  for (const p of eligible) got.set(p, await waitFor(p, `】${title}`));
  for (const p of none) expect(count(p, `】${title}`)).toBe(0);
  return got;
}

/** The number to reply for `label` on a numbered text card (numbers run on across a chat's cards). */
export function optionNumber(card: string, label: string): string {
  const match = new RegExp(`回复「(\\d+)」${label}\\n|回复「(\\d+)」${label}$`).exec(card);
  expect(match, `no option “${label}” on:\n${card}`).not.toBeNull();
  return (match![1] ?? match![2])!;
}

/** The latest message this person received that contains `text`. */
export function latest(person: WechatPerson, text: string): string {
  const hits = person.inbox.filter((r) => r.text.includes(text));
  expect(hits.length, `nothing with “${text}”`).toBeGreaterThan(0);
  return hits.at(-1)!.text;
}
