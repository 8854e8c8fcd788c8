// The console channel: people typing in a terminal (`chat`) or a script (`chat --jsonl`). The caller
// prints the replies at once; messages for other console users (a review card for the secretariat)
// travel through the outbox to the `chat` session, which holds the terminal. `serve` does not run it.
import { idList } from '../../env-schema.ts';
import { defineChannel } from '../define.ts';
import { consoleDeliveryChannel } from './delivery-channel.ts';

export const consoleChannel = defineChannel({
  name: 'console',
  env: { SECRETARIAT_CONSOLE_IDS: idList },
  settings: () => ({}),
  configured: () => false,
  legacySecretariatVariable: 'SECRETARIAT_CONSOLE_IDS',
  answerMode: 'caller',
  clickableButtons: false,
  sendsFrom: 'session',
  // Outside `chat` nobody reads a terminal: what arrives is logged.
  create: async ({ log }) =>
    consoleDeliveryChannel((user, outbound) => log.info({ user, outbound }, 'console message with no terminal')),
});
