// A card "update" where messages cannot be edited (WeChat, the Official Account): the card's new
// content goes out as a new message (numbered afresh if it still has buttons), and the old message's
// numbers are retired, so a reply with one is told the card changed instead of acting on it.
import type { Logger } from 'pino';
import { BotError } from '../../bot/errors.ts';
import type { Outbound } from '../../bot/outbound.ts';
import type { Texts } from '../../bot/texts.ts';
import type { Address } from '../channel.ts';
import type { PendingCards } from './pending-cards.ts';

export type ResendDeps = {
  platform: string;
  texts: Texts;
  pending: PendingCards;
  log: Logger;
  send(address: Address, outbound: Outbound, idempotencyKey?: string): Promise<string>;
};

/** Sends the changed card anew and retires the numbers of the message `ref`; the new message's ref. */
export async function resendCard(
  deps: ResendDeps,
  ref: string,
  outbound: Outbound,
  address: Address,
  idempotencyKey?: string,
): Promise<string> {
  if (outbound.kind !== 'card')
    throw new BotError('PLATFORM_PERMANENT', 'only cards can be updated', { permanent: true });
  const note = deps.texts.t('channels.wechat_card_updated');
  const card = { ...outbound.card, lines: [note, ...(outbound.card.lines ?? [])] };
  const sent = await deps.send(address, { kind: 'card', card }, idempotencyKey);
  await deps.pending
    .retire(address.chatId, ref)
    .catch((err: unknown) => deps.log.warn({ err, ref }, `${deps.platform} card numbers not retired`));
  return sent;
}
