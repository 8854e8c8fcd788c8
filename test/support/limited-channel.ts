// A "feishu" channel that speaks to the fake send-message API (fake-feishu-limits.ts) and maps its
// answers to BotError codes the way the real Feishu channel does: 429/99991400 → rate limited with
// the reset delay, 5xx or network → transient, other 4xx → permanent.
import type { Address, Channel } from '../../src/channels/channel.ts';
import type { Outbound } from '../../src/bot/outbound.ts';
import { BotError } from '../../src/bot/errors.ts';

export function limitedFeishuChannel(baseUrl: string): Channel {
  return {
    name: 'feishu',
    async start() {},
    async stop() {},
    async send(address: Address, outbound: Outbound, idempotencyKey?: string): Promise<string> {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/open-apis/im/v1/messages?receive_id_type=open_id`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            receive_id: address.userId ?? address.chatId,
            msg_type: 'interactive',
            content: JSON.stringify(outbound),
            uuid: idempotencyKey,
          }),
        });
      } catch (cause) {
        throw new BotError('PLATFORM_TRANSIENT', 'network error', { cause });
      }
      const body = (await response.json().catch(() => ({}))) as {
        code?: number;
        msg?: string;
        data?: { message_id?: string };
      };
      if (response.status === 429 || body.code === 99991400) {
        const reset = Number(response.headers.get('x-ogw-ratelimit-reset') ?? '1');
        throw new BotError('PLATFORM_RATE_LIMITED', 'feishu rate limit', { retryAfterMs: Math.max(1, reset) * 1000 });
      }
      if (response.status >= 500)
        throw new BotError('PLATFORM_TRANSIENT', `feishu ${response.status} ${body.msg ?? ''}`);
      if (!response.ok || body.code !== 0) {
        throw new BotError('PLATFORM_PERMANENT', `feishu code ${body.code}: ${body.msg ?? ''}`, { permanent: true });
      }
      return body.data?.message_id ?? '';
    },
  };
}
