// Every channel the bot speaks on, one definition each (see define.ts). A new channel is a new
// folder beside the others and one line here; nothing else in src/ names a platform.
import type { AnyChannelDefinition } from './define.ts';
import { consoleChannel } from './console/definition.ts';
import { feishuChannel } from './feishu/definition.ts';
import { wechatChannel } from './wechat/definition.ts';
import { wecomChannel } from './wecom/definition.ts';
import { wechatMpChannel } from './wechat-mp/definition.ts';
import { playgroundChannel } from './playground/definition.ts';

export const CHANNELS = [
  feishuChannel,
  wechatChannel,
  wecomChannel,
  wechatMpChannel,
  consoleChannel,
  playgroundChannel,
] as const;

export type RegisteredChannel = (typeof CHANNELS)[number];
export type ChannelName = RegisteredChannel['name'];

/** The channel names (member import accepts them, operators see one deliver queue each). */
export const CHANNEL_NAMES: readonly ChannelName[] = CHANNELS.map((c) => c.name);

export function channelDefinition(name: string): AnyChannelDefinition | undefined {
  return (CHANNELS as readonly AnyChannelDefinition[]).find((c) => c.name === name);
}

/** Whether a card's buttons are clicked on this channel (a channel outside the registry: yes). */
export function clickableButtons(name: string): boolean {
  return channelDefinition(name)?.clickableButtons ?? true;
}
