// The whole bot (createHarness) plus the delivery backbone on real Redis with its own queue prefix:
// messages for other console users (review cards, notice cards, broadcasts) arrive in mailboxes,
// delivered through the real outbox → BullMQ → worker path. Console users sec1 and sec2 are the
// bootstrapped secretariat.
import { randomBytes } from 'node:crypto';
import type { Outbound } from '../../src/bot/outbound.ts';
import { consoleDeliveryChannel } from '../../src/channels/console/delivery-channel.ts';
import { importMembers } from '../../src/membership/members.ts';
import { createHarness, outboundText, type Harness, type TestUser } from './app.ts';
import { obliterate } from './delivery-rig.ts';

export type MailUser = TestUser & {
  /** Everything pushed to this user through the delivery backbone, oldest first. */
  inbox: Outbound[];
  /** Waits until a pushed message contains `text`; returns it. */
  waitFor(text: string, timeoutMs?: number): Promise<Outbound>;
  inboxText(): string;
};

/** The value of a button on the newest card in the inbox whose title contains `title`. */
export function button(
  user: MailUser,
  title: string,
  label: string,
): { action: string; value: Record<string, string> } {
  const card = [...user.inbox]
    .reverse()
    .find((o): o is Extract<Outbound, { kind: 'card' }> => o.kind === 'card' && o.card.title.includes(title));
  const found = card?.card.buttons?.find((b) => b.label.includes(label));
  if (!found) throw new Error(`no “${label}” button on a “${title}” card for ${user.id}:\n${user.inboxText()}`);
  return { action: found.action, value: found.value };
}

/** Clicks a button found by `button`. */
export const click = (user: MailUser, b: { action: string; value: Record<string, string> }) =>
  user.clicks(b.action, b.value);

export type MembershipHarness = Omit<Harness, 'user'> & {
  user(id: string): MailUser;
  importMembers(rows: [orgName: string, userId: string][]): Promise<void>;
  /** Waits until nothing is pending in the outbox. */
  settle(): Promise<void>;
};

export async function createMembershipHarness(env: Record<string, string> = {}): Promise<MembershipHarness> {
  const harness = await createHarness({
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `t-${randomBytes(4).toString('hex')}`,
    SECRETARIAT_CONSOLE_IDS: 'sec1,sec2',
    DELIVERY_BACKOFF_MS: '50',
    ...env,
  });
  const mailboxes = new Map<string, Outbound[]>();
  const delivery = harness.app.services.delivery!;
  await delivery.startWorkers({
    channels: [
      consoleDeliveryChannel((user, outbound) => mailboxes.set(user, [...(mailboxes.get(user) ?? []), outbound])),
    ],
    relayOptions: { pollMs: 100 },
  });
  const prisma = harness.app.services.db.prisma;
  const users = new Map<string, MailUser>();
  const settle = async () => {
    for (let i = 0; i < 300; i += 1) {
      if ((await prisma.outboxMessage.count({ where: { status: { in: ['pending', 'queued'] } } })) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('outbox did not settle');
  };
  return {
    ...harness,
    settle,
    user(id) {
      const existing = users.get(id);
      if (existing) return existing;
      const base = harness.user(id);
      // A getter (Object.assign would copy the empty mailbox of this moment).
      Object.defineProperty(base, 'inbox', { get: () => mailboxes.get(id) ?? [] });
      const user: MailUser = Object.assign(base as TestUser & { inbox: Outbound[] }, {
        inboxText: () => (mailboxes.get(id) ?? []).map(outboundText).join('\n'),
        async waitFor(text: string, timeoutMs = 20_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const hit = (mailboxes.get(id) ?? []).find((o) => outboundText(o).includes(text));
            if (hit) return hit;
            if (Date.now() > deadline) throw new Error(`${id} never received “${text}”; inbox:\n${user.inboxText()}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        },
      });
      users.set(id, user);
      return user;
    },
    async importMembers(rows) {
      const csv = [
        'orgName,orgType,repName,channel,userId',
        ...rows.map(([org, user]) => `${org},企业,代表,console,${user}`),
      ].join('\n');
      await importMembers(prisma, 'test', csv);
    },
    async close() {
      await harness.app.close();
      await obliterate(harness.config);
      await harness.database.drop();
    },
  };
}
