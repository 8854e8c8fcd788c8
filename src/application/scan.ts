// The stamped scan: an image or a PDF, judged by its bytes (a platform's mime type can be wrong).

export const MAX_SCAN_BYTES = 20 * 1024 * 1024;
const ACCEPTED = /^(image\/(jpeg|png|webp|gif|bmp|tiff|heic|heif|avif)|application\/pdf)$/;

export type ScanCheck =
  | { ok: true; mime: string; ext: string }
  | { ok: false; reason: 'scan_empty' | 'scan_too_large' | 'scan_wrong_type'; detected?: string };

export async function checkScan(data: Buffer): Promise<ScanCheck> {
  if (data.length === 0) return { ok: false, reason: 'scan_empty' };
  if (data.length > MAX_SCAN_BYTES) return { ok: false, reason: 'scan_too_large' };
  // Loaded on the first scan, not at start-up (resident memory).
  const { fileTypeFromBuffer } = await import('file-type');
  const type = await fileTypeFromBuffer(data);
  if (!type || !ACCEPTED.test(type.mime)) return { ok: false, reason: 'scan_wrong_type', detected: type?.mime };
  return { ok: true, mime: type.mime, ext: type.ext };
}
