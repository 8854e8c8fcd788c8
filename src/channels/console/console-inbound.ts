// Console events: a console user is whoever the `user` field names (console:<user>).
import { randomUUID } from 'node:crypto';
import type { Inbound } from '../../bot/inbound.ts';

export function consoleInbound(
  user: string,
  message: { text?: string; file?: string; action?: { name: string; value?: Record<string, string> } },
): Inbound {
  const inbound: Inbound = {
    id: randomUUID(),
    channel: 'console',
    actor: user,
    chat: { id: user, kind: 'p2p' },
    text: message.text,
    receivedAt: new Date(),
  };
  if (message.action) inbound.action = { name: message.action.name, value: message.action.value ?? {} };
  if (message.file) {
    const filePath = message.file;
    inbound.file = {
      name: filePath.split(/[\\/]/).pop() ?? filePath,
      mime: mimeOf(filePath),
      fetch: async () => (await import('node:fs/promises')).readFile(filePath),
    };
  }
  return inbound;
}

function mimeOf(name: string): string {
  const ext = name.toLowerCase().split('.').pop();
  const known: Record<string, string> = {
    pdf: 'application/pdf',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    txt: 'text/plain',
  };
  return known[ext ?? ''] ?? 'application/octet-stream';
}
