// "群发通知" for the secretariat, guided: text → optional file → confirm. The role is checked when
// the dialog starts and again at the moment of sending.
import { z } from 'zod';
import type { Bot } from '../bot/bot.ts';
import type { Context } from '../bot/context.ts';
import type { Dialog } from '../bot/dialogs.ts';
import { storeFile } from '../db/files.ts';
import { isSecretariat } from './roles.ts';
import { broadcastStatus, createBroadcast } from './broadcast.ts';
import { broadcastCard } from './cards.ts';
import { isBlank } from '../application/normalize.ts';

const MAX_TEXT = 2_000;
const MAX_FILE_BYTES = 20 * 1024 * 1024;

const broadcastState = z.object({
  step: z.enum(['text', 'file', 'confirm']),
  text: z.string().optional(),
  fileId: z.string().optional(),
  fileName: z.string().optional(),
  fileMime: z.string().optional(),
});
type Data = z.infer<typeof broadcastState>;

const CANCEL = /^(取消|算了|不发了|退出|cancel)[。.!！]*$/i;
const CONFIRM = /^(确认|确定|确认发送|发送|是|好的?)[。.!！]*$/;
const NO_FILE = /^(不需要|不用|没有|无|否|不要|跳过|不附|不带)[。.!！]*$/;

export type Broadcasts = { start(ctx: Context): Promise<void> };

export function registerBroadcastDialog(bot: Bot): Broadcasts {
  const dialog: Dialog<Data> = bot.dialog({
    name: 'broadcast',
    version: 1,
    schema: broadcastState,
    resume: (ctx, data) => continueBroadcast(ctx, data, dialog),
    // Another module took a message meanwhile (`投票 12 赞成`): the broadcast is still being written.
    afterInterruption: (ctx) => ctx.say(ctx.t('membership.broadcast_still_open')),
  });
  return {
    async start(ctx) {
      if (!(await isSecretariat(ctx.services.db.prisma, ctx.user))) return ctx.say(ctx.t('membership.not_secretariat'));
      if (!ctx.services.delivery?.enabled) ctx.say(ctx.t('delivery.redis_needed'));
      dialog.enter(ctx, { step: 'text' });
      ctx.say(ctx.t('membership.broadcast_start'));
    },
  };
}

async function continueBroadcast(ctx: Context, data: Data, dialog: Dialog<Data>): Promise<void> {
  if (CANCEL.test(ctx.text)) {
    dialog.leave(ctx);
    return ctx.say(ctx.t('membership.broadcast_cancelled'));
  }
  if (data.step === 'text') {
    if (ctx.inbound.file || isBlank(ctx.text)) return ctx.say(ctx.t('membership.broadcast_empty_text'));
    if (ctx.text.length > MAX_TEXT)
      return ctx.say(ctx.t('membership.broadcast_too_long', { length: ctx.text.length, max: MAX_TEXT }));
    data.text = ctx.text;
    data.step = 'file';
    return ctx.say(ctx.t('membership.broadcast_ask_file'));
  }
  if (data.step === 'file') {
    const file = ctx.inbound.file;
    if (file) {
      const bytes = await file.fetch();
      if (bytes.length > MAX_FILE_BYTES) return ctx.say(ctx.t('membership.broadcast_file_too_big'));
      const stored = await storeFile(ctx.services.db.prisma, {
        name: file.name,
        mime: file.mime,
        data: bytes,
        owner: ctx.user,
      });
      Object.assign(data, { fileId: stored.id, fileName: file.name, fileMime: file.mime });
    } else if (!NO_FILE.test(ctx.text)) {
      return ctx.say(ctx.t('membership.broadcast_ask_file'));
    }
    data.step = 'confirm';
    return ctx.say(await confirmText(ctx, data));
  }
  if (!CONFIRM.test(ctx.text)) return ctx.say(ctx.t('membership.broadcast_confirm_again'));
  dialog.leave(ctx);
  // The role may have been revoked while the dialog was open.
  if (!(await isSecretariat(ctx.services.db.prisma, ctx.user))) return ctx.say(ctx.t('membership.not_secretariat'));
  const { id, total } = await createBroadcast(ctx.services.db.prisma, {
    actor: ctx.user,
    text: data.text!,
    fileId: data.fileId,
    card: broadcastCard(ctx.t, data.text!),
    fileOutbound: data.fileId
      ? { kind: 'file', name: data.fileName!, mime: data.fileMime!, fileId: data.fileId }
      : undefined,
  });
  ctx.services.delivery?.wake();
  ctx.say(ctx.t('membership.broadcast_queued', { id, total }));
}

export async function showBroadcastStatus(ctx: Context, id: string): Promise<void> {
  const prisma = ctx.services.db.prisma;
  if (!(await isSecretariat(prisma, ctx.user))) return ctx.say(ctx.t('membership.not_secretariat'));
  const status = /^[0-9a-f-]{36}$/i.test(id) ? await broadcastStatus(prisma, id) : undefined;
  if (!status) return ctx.say(ctx.t('membership.broadcast_not_found', { id }));
  ctx.say(ctx.t('membership.broadcast_status', status));
}

async function confirmText(ctx: Context, data: Data): Promise<string> {
  const count = await ctx.services.db.prisma.member.count({ where: { status: 'active' } });
  return ctx.t('membership.broadcast_confirm', {
    count,
    text: data.text!,
    file: data.fileName
      ? ctx.t('membership.broadcast_file_line', { name: data.fileName })
      : ctx.t('membership.broadcast_no_file'),
  });
}
