// An Official Account cannot send a document (its messages are text, image, voice, video, news…), so a
// DOCX goes out as a download link: `<public url>/wechat-mp/files/<token>`, where the token names the
// stored file and an expiry, signed with a key derived from the AppSecret. Anyone holding the link
// can download the file until it expires, as with any shared link.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How long a link works. */
export const LINK_LIFETIME_MS = 7 * 86_400_000;

export type LinkTarget = { fileId: string; name: string; expiresAt: number };

export class FileLinks {
  private readonly key: Buffer;

  constructor(
    appSecret: string,
    private readonly publicUrl: string,
  ) {
    this.key = createHash('sha256').update(`wechat-mp file links\0${appSecret}`).digest();
  }

  url(fileId: string, name: string, now: number): string {
    const body = Buffer.from(JSON.stringify({ f: fileId, n: name, e: now + LINK_LIFETIME_MS })).toString('base64url');
    return `${this.publicUrl}/wechat-mp/files/${body}.${this.sign(body)}`;
  }

  /** The file a token names, if it is ours, intact and not expired. */
  open(token: string, now: number): LinkTarget | undefined {
    const match = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return undefined;
    const given = Buffer.from(match[2]!, 'base64url');
    const expected = Buffer.from(this.sign(match[1]!), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const { f, n, e } = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof f !== 'string' || typeof n !== 'string' || typeof e !== 'number' || e < now) return undefined;
      return { fileId: f, name: n, expiresAt: e };
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
