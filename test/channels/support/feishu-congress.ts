// Congress on Feishu in a test: member units on Feishu accounts, the cards the fake received, clicks made by hand.
import { randomUUID } from 'node:crypto';
import { SECRETS, type FeishuWorld } from './feishu-service.ts';
import { cardActionEvent } from './feishu-requests.ts';
import type { SentMessage } from './fake-feishu.ts';
import { importMembers } from '../../../src/membership/members.ts';

/** Imports member units (企业), each with one representative's Feishu account. */
export async function importFeishuMembers(
  w: FeishuWorld,
  units: [orgName: string, repName: string, openId: string][],
): Promise<void> {
  const rows = units.map(([orgName, repName, openId]) => `${orgName},企业,${repName},feishu,${openId}`);
  await importMembers(
    w.service.app.services.db.prisma,
    'test',
    ['orgName,orgType,repName,channel,userId', ...rows].join('\n'),
  );
}

/** Gives a member unit a further representative's Feishu account. */
export async function addFeishuAccount(w: FeishuWorld, orgName: string, openId: string): Promise<void> {
  const prisma = w.service.app.services.db.prisma;
  const unit = await prisma.member.findUniqueOrThrow({ where: { orgName } });
  await prisma.memberAccount.create({ data: { memberId: unit.id, channel: 'feishu', userId: openId } });
}

/** The first message the fake Open API received that matches (waits up to `ms`). */
export async function waitForSent(
  w: FeishuWorld,
  pred: (m: SentMessage) => boolean,
  what: string,
  ms = 60_000,
): Promise<SentMessage> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = w.fake.messages.find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`never sent: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The first card sent to this user's p2p chat that contains `contains` (waits for it). */
export const cardTo = (w: FeishuWorld, openId: string, contains: string): Promise<SentMessage> =>
  waitForSent(
    w,
    (m) => m.chatId === `p2p:${openId}` && m.msgType === 'interactive' && JSON.stringify(m.content).includes(contains),
    `${contains} → ${openId}`,
  );

/** Every message sent to this user's p2p chat so far that contains `contains`. */
export const sentTo = (w: FeishuWorld, openId: string, contains: string): SentMessage[] =>
  w.fake.messages.filter((m) => m.chatId === `p2p:${openId}` && JSON.stringify(m.content).includes(contains));

/** The card the callback's answer put in place of the clicked one. */
export const replacedBy = (json: unknown): Record<string, unknown> | undefined =>
  (json as { card?: { data: Record<string, unknown> } }).card?.data;

/** A click whose value was made by hand (no addressee): what a non-member (or a stale client) could send. */
export const rawClick = (
  w: FeishuWorld,
  openId: string,
  action: string,
  value: Record<string, string>,
  eventId?: string,
): ReturnType<FeishuWorld['deliver']> =>
  w.deliver(
    cardActionEvent(SECRETS.verificationToken, {
      operatorId: openId,
      value: { action, value },
      messageId: `om_${randomUUID()}`,
      chatId: `oc_${openId}`,
      eventId,
    }),
  );

/** A vote click made by hand for `option` on the motion. */
export const rawVote = (
  w: FeishuWorld,
  openId: string,
  motion: string,
  option: string,
  eventId?: string,
): ReturnType<FeishuWorld['deliver']> => rawClick(w, openId, 'congress.vote', { motion, option }, eventId);
