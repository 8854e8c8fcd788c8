// `broadcast --to members --text "…"` queues one notice card per member representative and prints
// the broadcast id; a running `serve`/`worker` delivers them. `broadcast status <id> --json`.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { withApp } from './with-app.ts';
import { storeFile } from '../db/files.ts';
import { broadcastStatus, createBroadcast } from '../membership/broadcast.ts';
import { broadcastCard } from '../membership/cards.ts';
import { isBlank } from '../application/normalize.ts';

export async function broadcastCommand(
  config: Config,
  opts: { to: string; text: string; file?: string },
): Promise<void> {
  const usage = (message: string) => {
    console.error(message);
    process.exitCode = 2;
  };
  if (opts.to !== 'members') return usage(`--to 目前只支持 members (only "members" is supported), got "${opts.to}"`);
  const text = opts.text.trim();
  if (isBlank(text)) return usage('--text 不能为空或只有标点 (--text must say something)');
  if (opts.file && !fs.existsSync(opts.file)) return usage(`找不到附件 ${opts.file} (file not found)`);
  await withApp(config, async (app) => {
    const { texts, db } = app.services;
    let file: { id: string; name: string; mime: string } | undefined;
    if (opts.file) {
      const data = fs.readFileSync(opts.file);
      const name = path.basename(opts.file);
      const stored = await storeFile(db.prisma, { name, mime: 'application/octet-stream', data, owner: 'cli' });
      file = { id: stored.id, name, mime: stored.mime };
    }
    const { id, total } = await createBroadcast(db.prisma, {
      actor: 'cli',
      text,
      fileId: file?.id,
      card: broadcastCard((k, v) => texts.t(k, v), text),
      fileOutbound: file ? { kind: 'file', name: file.name, mime: file.mime, fileId: file.id } : undefined,
    });
    console.log(id);
    console.error(texts.t('membership.broadcast_queued', { id, total }));
  });
}

export async function broadcastStatusCommand(config: Config, id: string, opts: { json?: boolean }): Promise<void> {
  await withApp(config, async (app) => {
    const { texts, db } = app.services;
    const status = /^[0-9a-f-]{36}$/i.test(id) ? await broadcastStatus(db.prisma, id) : undefined;
    if (!status) {
      console.error(texts.t('membership.broadcast_not_found', { id }));
      process.exitCode = 4;
      return;
    }
    console.log(opts.json ? JSON.stringify(status) : texts.t('membership.broadcast_status', status));
  });
}
