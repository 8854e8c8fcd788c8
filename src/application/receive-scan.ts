// The stamped scan coming back: fetched, judged by its bytes, stored and attached.
import type { Context } from '../bot/context.ts';
import { storeFile } from '../db/files.ts';
import { checkScan, MAX_SCAN_BYTES } from './scan.ts';
import type { Applications, ApplicationView } from './service.ts';
import { t } from './replies.ts';

/** True when the scan was attached; otherwise the applicant has been told why not. */
export async function receiveScan(ctx: Context, apps: Applications, app: ApplicationView): Promise<boolean> {
  const file = ctx.inbound.file!;
  let bytes: Buffer;
  try {
    bytes = await file.fetch();
  } catch (error) {
    ctx.services.log.warn({ err: error, user: ctx.user }, 'scan download failed');
    ctx.say(t(ctx, 'scan_unreadable'));
    return false;
  }
  const check = await checkScan(bytes);
  if (!check.ok) {
    ctx.say(
      t(ctx, check.reason, {
        type: check.detected ?? t(ctx, 'scan_type_unknown'),
        size: (bytes.length / 1024 / 1024).toFixed(1),
        max: MAX_SCAN_BYTES / 1024 / 1024,
      }),
    );
    return false;
  }
  const stored = await storeFile(ctx.services.db.prisma, {
    name: file.name,
    mime: check.mime,
    data: bytes,
    owner: ctx.user,
  });
  const { replaced } = await apps.attachScan(app.id, stored.id);
  ctx.say(t(ctx, replaced ? 'scan_replaced' : 'scan_received', { name: file.name, number: app.number ?? '' }));
  return true;
}
