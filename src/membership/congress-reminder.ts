// 第十七条: the congress meets once a year — a yearly scheduled reminder to the secretariat. The
// dedupe key per year makes a repeated firing harmless.
import type { Services } from '../bot/services.ts';
import { addToOutbox } from '../delivery/outbox.ts';
import { toSecretariat } from './recipients.ts';
import { beijingYear } from '../time/beijing.ts';

export async function remindCongress(services: Services): Promise<void> {
  const year = beijingYear(services.now());
  const t = services.texts.t;
  const card = {
    kind: 'card' as const,
    card: {
      title: t('membership.congress_reminder_title'),
      lines: [t('membership.congress_reminder_lines', { year })],
    },
  };
  await services.db.prisma.$transaction(async (tx) => {
    await addToOutbox(tx, await toSecretariat(tx, services.config, [card], `congress:${year}`));
  });
  services.delivery?.wake();
}
