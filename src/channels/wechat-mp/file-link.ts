// An Official Account cannot send a document (its messages are text, image, voice, video, news…), so a
// DOCX goes out as a download link: `<public url>/wechat-mp/files/<token>?name=<file name>`. The
// token (48 characters) holds the stored file's id and an expiry and a MAC over both and the name,
// keyed from the AppSecret. Anyone holding the link can download the file until it expires, as with
// any shared link.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How long a link works. */
export const LINK_LIFETIME_MS = 7 * 86_400_000;

export type LinkTarget = { fileId: string; name: string; expiresAt: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAC_BYTES = 16;

export class FileLinks {
  private readonly key: Buffer;

  constructor(
    appSecret: string,
    private readonly publicUrl: string,
  ) {
    this.key = createHash('sha256').update(`wechat-mp file links\0${appSecret}`).digest();
  }

  url(fileId: string, name: string, now: number): string {
    if (!UUID.test(fileId)) throw new Error(`not a stored file id: ${fileId.slice(0, 40)}`);
    const id = Buffer.from(fileId.replaceAll('-', ''), 'hex');
    const expiry = Buffer.alloc(4);
    expiry.writeUInt32BE(Math.floor((now + LINK_LIFETIME_MS) / 1000));
    const token = Buffer.concat([id, expiry, this.mac(id, expiry, name)]).toString('base64url');
    return `${this.publicUrl}/wechat-mp/files/${token}?name=${encodeURIComponent(name)}`;
  }

  /** The file a token names, if it is ours, intact (name included) and not expired. */
  open(token: string, name: string, now: number): LinkTarget | undefined {
    if (!/^[A-Za-z0-9_-]{48}$/.test(token) || name.length > 300) return undefined;
    const raw = Buffer.from(token, 'base64url');
    const id = raw.subarray(0, 16);
    const expiry = raw.subarray(16, 20);
    const given = raw.subarray(20);
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, this.mac(id, expiry, name))) return undefined;
    const expiresAt = expiry.readUInt32BE() * 1000;
    if (expiresAt < now) return undefined;
    const hex = id.toString('hex');
    const fileId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { fileId, name, expiresAt };
  }

  private mac(id: Buffer, expiry: Buffer, name: string): Buffer {
    return createHmac('sha256', this.key)
      .update(Buffer.concat([id, expiry, Buffer.from(name, 'utf8')]))
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
