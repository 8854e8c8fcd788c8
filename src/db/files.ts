// Stored files: generated DOCX going out, stamped scans coming in. An Outbound file names one by id.
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';

export type FileMeta = { id: string; name: string; mime: string; size: number; sha256: string };

/** The content hash a stored file is recorded with. */
export const sha256Of = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export async function storeFile(
  prisma: PrismaClient,
  file: { name: string; mime: string; data: Buffer; owner?: string },
): Promise<FileMeta> {
  const sha256 = sha256Of(file.data);
  const row = await prisma.storedFile.create({
    data: {
      name: file.name,
      mime: file.mime,
      size: file.data.length,
      sha256,
      data: new Uint8Array(file.data),
      owner: file.owner,
    },
    select: { id: true, name: true, mime: true, size: true, sha256: true },
  });
  return row;
}

export async function readFile(prisma: PrismaClient, id: string): Promise<(FileMeta & { data: Buffer }) | undefined> {
  const row = await prisma.storedFile.findUnique({ where: { id } });
  return row ? { ...row, data: Buffer.from(row.data) } : undefined;
}
